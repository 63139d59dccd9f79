import Foundation
import Gateway
import NIOCore
import NIOPosix
import NIOSSL
import SMPP
import Store
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Reload as an operator does it: edit the files, `tern check-config --diff`, SIGHUP or
/// `tern reload`, with a client bound the whole time.
@Suite("tern reload, SIGHUP and check-config --diff", .serialized)
struct ReloadProcessTests {
    static func writeConfig(directory: String, port: Int, httpPort: Int, target: String, broken: Bool = false) throws -> String {
        let text = """
        [server]
        smpp = "127.0.0.1:\(port)"
        smpp_tls = ""
        http = "127.0.0.1:\(httpPort)"
        data_directory = "\(directory)"

        [store]
        path = "\(directory)/tern.sqlite"
        durability = "normal"

        [[connector]]
        name = "one"
        type = "simulator"

        [[connector]]
        name = "two"
        type = "simulator"

        [[plugin]]
        file = "\(directory)/route.lua"
        target = "\(target)"

        [[route]]
        name = "default"
        connectors = \(broken ? "[\"three\"]" : "[\"one\"]")

        """
        let path = directory + "/tern.toml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a bound client keeps working while SIGHUP and tern reload change its route; a broken config is refused with FILE:LINE")
    func reloadWhileBound() async throws {
        let directory = ServeProcessTests.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "local target\nreturn { init = function(c) target = c.target end, route = function(msg) return target end }\n"
            .write(toFile: directory + "/route.lua", atomically: true, encoding: .utf8)
        let port = try await ServerProcess.freePort()
        let httpPort = try await ServerProcess.freePort()
        let config = try Self.writeConfig(directory: directory, port: port, httpPort: httpPort, target: "one")
        let added = try await runTern(["admin", "accounts", "add", "c1", "--password", "p1", "--config", config])
        #expect(added.status == 0, "\(added.stderr)")

        let server = try ServerProcess(config: config)
        defer { server.terminate() }
        try await ServerProcess.waitForPort(port)
        try await ServerProcess.waitForPort(httpPort)
        let store = try SQLiteMessageStore(settings: StoreSettings(path: directory + "/tern.sqlite", durability: .normal))
        defer { Task { try? await store.close() } }
        let client = try await SMPPClient.connect(host: "127.0.0.1", port: port, group: MultiThreadedEventLoopGroup.singleton)
        #expect(try await client.bind(.transceiver, systemID: "c1", password: "p1").commandStatus == .ok)

        func routedTo() async throws -> String? {
            let response = try await client.request(.submitSM(SubmitSM(
                source: Address(ton: .alphanumeric, value: "Tern"), destination: Address(ton: .international, npi: .isdn, value: "447700900123"),
                shortMessage: ByteBuffer(string: "reload"))))
            guard response.commandStatus == .ok, case .submitSMResp(let resp) = response.body,
                  let id = resp.messageID.flatMap(MessageID.init) else { return nil }
            return try await store.message(id)?.connector
        }
        #expect(try await routedTo() == "one")

        // What would change, before anyone reloads.
        _ = try Self.writeConfig(directory: directory, port: port, httpPort: httpPort, target: "two")
        let diff = try await runTern(["check-config", "--diff", config])
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("plugin changed: route"), "\(diff.stdout)")

        kill(server.process.processIdentifier, SIGHUP)
        var routed: String?
        for _ in 0..<100 {
            routed = try await routedTo()
            if routed == "two" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(routed == "two")

        _ = try Self.writeConfig(directory: directory, port: port, httpPort: httpPort, target: "one")
        let reload = try await runTern(["reload", "--config", config])
        #expect(reload.status == 0, "\(reload.stderr)")
        #expect(reload.stdout.contains("reloaded: generation 3"), "\(reload.stdout)")
        #expect(reload.stdout.contains("plugin changed: route"), "\(reload.stdout)")
        #expect(try await routedTo() == "one")
        let metrics = try await runTern(["metrics", "--config", config, "tern_"])
        #expect(metrics.status == 0, "\(metrics.stderr)")
        #expect(metrics.stdout.contains("tern_reloads_total{result=\"applied\"} 2"), "\(metrics.stdout)")
        #expect(metrics.stdout.contains("tern_reloads_total{result=\"refused\"} 0"), "\(metrics.stdout)")
        #expect(metrics.stdout.contains("tern_sessions_bound{account=\"c1\"} 1"), "\(metrics.stdout)")
        #expect(metrics.stdout.contains("tern_submits_total{status=\"ESME_ROK\"}"), "\(metrics.stdout)")
        #expect(metrics.stdout.contains("tern_connector_up{connector=\"one\"} 1"), "\(metrics.stdout)")

        _ = try Self.writeConfig(directory: directory, port: port, httpPort: httpPort, target: "two", broken: true)
        let refused = try await runTern(["reload", "--config", config])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("\(config):"), "\(refused.stderr)")
        #expect(refused.stderr.contains("\"three\""), "\(refused.stderr)")
        #expect(try await routedTo() == "one")
        #expect(client.channel.isActive)
        await client.unbind()
        // With the admin HTTP port on, SIGTERM still ends the server (Hummingbird must not take it).
        #expect(server.terminate(seconds: 20), "tern serve ignored SIGTERM")
    }

    @Test("tern route explain prints the chain, the route and the price for an account")
    func routeExplain() async throws {
        let directory = ServeProcessTests.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "return { bill = function(msg) return 7 * msg.parts end }\n".write(toFile: directory + "/price.lua", atomically: true, encoding: .utf8)
        try "return { route = function(msg) if msg.destination:sub(1, 2) == '49' then return 'two' end end, bill = function(msg) return msg.price + 1 end }\n"
            .write(toFile: directory + "/reseller.lua", atomically: true, encoding: .utf8)
        let config = try Self.writeConfig(directory: directory, port: 2775, httpPort: 8080, target: "one")
        var text = try String(contentsOfFile: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "file = \"\(directory)/route.lua\"\ntarget = \"one\"", with: "file = \"\(directory)/price.lua\"")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try await runTern(["admin", "accounts", "add", "reseller", "--password", "r", "--policy", directory + "/reseller.lua", "--config", config]).status == 0)
        #expect(try await runTern(["admin", "accounts", "add", "user", "--password", "u", "--reseller", "reseller", "--config", config]).status == 0)

        let german = try await runTern(["route", "explain", "--account", "user", "--to", "4915112345678", "--config", config])
        #expect(german.status == 0, "\(german.stderr)")
        #expect(german.stdout.contains("reseller.route: \"two\""), "\(german.stdout)")
        #expect(german.stdout.contains("route: two (answered by reseller.route)"), "\(german.stdout)")
        #expect(german.stdout.contains("price 8; reseller price 7"), "\(german.stdout)")

        let british = try await runTern(["route", "explain", "--account", "user", "--to", "447700900123", "--config", config])
        #expect(british.stdout.contains("[[route]] \"default\""), "\(british.stdout)")
        #expect(british.stdout.contains("route: one"), "\(british.stdout)")

        let missing = try await runTern(["route", "explain", "--account", "nobody", "--to", "447700900123", "--config", config])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no account with system_id 'nobody'"))
    }

    @Test("tern script test prints each hook's answer and log lines, and refuses a broken plugin with FILE:LINE")
    func scriptTest() async throws {
        let directory = ServeProcessTests.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plugin = directory + "/p.lua"
        try """
            return {
                filter = function(msg) tern.log("info", "checking", msg.destination) end,
                route = function(msg) return { "a", "b" } end,
            }
            """.write(toFile: plugin, atomically: true, encoding: .utf8)
        let result = try await runTern(["script", "test", plugin, "--settings", "{}",
                                        "--message", #"{"account":"acme","source":"ACME","destination":"447700900123","text":"hi"}"#])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("log info: checking 447700900123"), "\(result.stdout)")
        #expect(result.stdout.contains("route           {\"a\", \"b\"}"), "\(result.stdout)")
        #expect(result.stdout.contains("→ accepted; route a, b (by p)"), "\(result.stdout)")

        try "return { filter = function(msg)\n  if msg.text then\nend }\n".write(toFile: plugin, atomically: true, encoding: .utf8)
        let broken = try await runTern(["script", "test", plugin, "--settings", "{}",
                                        "--message", #"{"account":"acme","source":"ACME","destination":"1"}"#])
        #expect(broken.status == 1)
        #expect(broken.stderr.hasPrefix("\(plugin):3: syntax error:"), "\(broken.stderr)")
    }

    @Test("a reload switches new TLS sessions to the new certificate; a session bound before keeps working")
    func tlsCertificateReload() async throws {
        let directory = ServeProcessTests.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TLSIdentity.generate(certificatePath: directory + "/a.pem", keyPath: directory + "/a.key")
        try TLSIdentity.generate(certificatePath: directory + "/b.pem", keyPath: directory + "/b.key")
        try "return {}\n".write(toFile: directory + "/route.lua", atomically: true, encoding: .utf8)
        let port = try await ServerProcess.freePort()
        let tlsPort = try await ServerProcess.freePort()
        let httpPort = try await ServerProcess.freePort()
        func writeConfig(_ name: String) throws -> String {
            var text = try String(contentsOfFile: try Self.writeConfig(directory: directory, port: port, httpPort: httpPort, target: "one"), encoding: .utf8)
            text = text.replacingOccurrences(of: "smpp_tls = \"\"", with: """
                smpp_tls = "127.0.0.1:\(tlsPort)"
                tls_certificate = "\(directory)/\(name).pem"
                tls_key = "\(directory)/\(name).key"
                """)
            let path = directory + "/tern.toml"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let config = try writeConfig("a")
        #expect(try await runTern(["admin", "accounts", "add", "c1", "--password", "p1", "--config", config]).status == 0)
        let server = try ServerProcess(config: config)
        defer { server.terminate() }
        try await ServerProcess.waitForPort(tlsPort)
        try await ServerProcess.waitForPort(httpPort)

        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        func certificateSeen() async throws -> (SMPPClient, [UInt8]) {
            let client = try await SMPPClient.connect(host: "127.0.0.1", port: tlsPort, group: MultiThreadedEventLoopGroup.singleton, tls: context)
            #expect(try await client.bind(.transceiver, systemID: "c1", password: "p1").commandStatus == .ok)
            let peer = try await client.channel.nioSSL_peerCertificate().get()
            return (client, try peer?.toDERBytes() ?? [])
        }
        func der(_ name: String) throws -> [UInt8] {
            try NIOSSLCertificate.fromPEMFile(directory + "/\(name).pem").first?.toDERBytes() ?? []
        }
        let (before, first) = try await certificateSeen()
        #expect(first == (try der("a")))

        _ = try writeConfig("b")
        let reload = try await runTern(["reload", "--config", config])
        #expect(reload.status == 0, "\(reload.stderr)")
        let (after, second) = try await certificateSeen()
        #expect(second == (try der("b")))
        // The session from before the reload still answers.
        #expect(try await before.request(.enquireLink).commandStatus == .ok)
        await before.unbind()
        await after.unbind()
    }
}
