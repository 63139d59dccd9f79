import Foundation
import Testing

@Suite("tern check-config")
struct CheckConfigTests {
    static let root: URL = {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        return root
    }()

    @Test("the shipped etc/tern.toml is ok")
    func shipped() throws {
        let path = Self.root.appendingPathComponent("etc/tern.toml").path
        let result = try TernProcess.run(["check-config", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "\(path): ok (1 connector, 1 route, 0 plugins)\n")
        #expect(result.stderr.isEmpty)
    }

    @Test("the example with every connector type is ok")
    func example() throws {
        let path = Self.root.appendingPathComponent("etc/examples/upstream.toml").path
        let result = try TernProcess.run(["check-config", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "\(path): ok (3 connectors, 2 routes, 0 plugins)\n")
    }

    @Test("a broken file: every problem on stderr as FILE:LINE: reason, exit 1")
    func broken() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-broken-\(UUID().uuidString).toml").path
        let text = """
        [server]
        windw = 10
        smpp = "0.0.0.0:99999"

        [[connector]]
        name = "up"
        type = "smpp"
        host = "smsc.example.com"
        port = 2775
        system_id = "tern"
        password = "much_too_long"

        [[route]]
        prefix = "44"
        connectors = ["upstreem"]
        """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try TernProcess.run(["check-config", path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines == [
            "\(path):2: [server]: unknown key windw (did you mean \"window\"?)",
            "\(path):3: [server] smpp = \"0.0.0.0:99999\": port 99999 is out of range (1–65535)",
            "\(path):11: [[connector]] \"up\" password is 13 characters long; SMPP allows at most 8",
            "\(path):15: [[route]] \"route-1\" names connector \"upstreem\", which does not exist; defined: \"up\"",
            "\(path):15: no default route: add a [[route]] with no conditions",
        ])
    }

    @Test("a missing file and a syntax error are reported too")
    func unreadable() throws {
        let missing = try TernProcess.run(["check-config", "/nonexistent/tern.toml"])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("/nonexistent/tern.toml: no such file"))

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-syntax-\(UUID().uuidString).toml").path
        try "[server]\nsmpp = \"0.0.0.0:2775\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try TernProcess.run(["check-config", path])
        #expect(result.status == 1)
        #expect(result.stderr == "\(path):2: unterminated string: add the closing \" (column 8)\n")
    }
}
