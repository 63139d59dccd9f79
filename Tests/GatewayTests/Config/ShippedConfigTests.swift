import Foundation
import Gateway
import Testing

@Suite("Shipped config files")
struct ShippedConfigTests {
    static let etc: URL = {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }
        return root.appendingPathComponent("etc")
    }()

    @Test("etc/tern.toml is valid and is the setup the README promises")
    func shippedConfig() throws {
        let path = Self.etc.appendingPathComponent("tern.toml").path
        let config = try TernConfig.load(path: path)
        #expect(config.server.smpp == HostPort(host: "0.0.0.0", port: 2775))
        #expect(config.server.smppTLS == HostPort(host: "0.0.0.0", port: 3550))
        #expect(config.server.tlsCertificate == nil && config.server.tlsKey == nil)
        #expect(config.server.http == HostPort(host: "127.0.0.1", port: 8080))
        #expect(config.store == StoreSettings(kind: .sqlite, path: "var/tern.sqlite", durability: .full))
        #expect(config.connectors.map(\.name) == ["simulator"])
        guard case .simulator(let simulator)? = config.connectors.first?.kind else {
            Issue.record("the shipped connector is not a simulator")
            return
        }
        #expect(simulator.maxDelayMilliseconds <= 1000)
        #expect(config.routes.count == 1)
        #expect(config.routes.first?.matchesEverything == true)
        #expect(config.routes.first?.connectors == ["simulator"])
    }

    /// Switches on the commented examples in etc/tern.toml (`# [[...]]` headers and the
    /// `# key = value` lines), so the comments cannot drift into something that does not parse.
    static func uncommentedExamples(of text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("# ") else { return String(line) }
            let body = line.dropFirst(2)
            let isHeader = body.hasPrefix("[")
            let isKey = body.range(of: #"^[a-z_]+ = "#, options: .regularExpression) != nil
            return isHeader || isKey ? String(body) : String(line)
        }.joined(separator: "\n")
    }

    @Test("the commented examples in etc/tern.toml are valid once switched on")
    func commentedExamples() throws {
        let text = try String(contentsOf: Self.etc.appendingPathComponent("tern.toml"), encoding: .utf8)
        let live = Self.uncommentedExamples(of: text)
        #expect(live != text)
        let config = try TernConfig.parse(live, file: "tern.toml (examples on)")
        #expect(config.connectors.map(\.name) == ["simulator", "upstream", "webhook"])
        #expect(config.routes.map(\.name) == ["uk", "default"])
        #expect(config.moRoutes.map(\.name) == ["join"])
    }

    @Test("every file in etc/examples is valid")
    func examples() throws {
        let directory = Self.etc.appendingPathComponent("examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".toml") }
        #expect(files.contains("upstream.toml"))
        for file in files {
            let config = try TernConfig.load(path: directory.appendingPathComponent(file).path)
            #expect(!config.connectors.isEmpty, "\(file)")
        }
        let upstream = try TernConfig.load(path: directory.appendingPathComponent("upstream.toml").path)
        let routes = RouteTable(upstream.routes)
        #expect(routes.connectors(account: "acme", destination: "+447700900123", source: "Tern", dataCoding: 0)?.connectors == ["upstream", "webhook"])
        #expect(MORouteTable(upstream.moRoutes).account(destination: "12345", text: "join") == "acme")
    }
}
