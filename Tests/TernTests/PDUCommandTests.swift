import Foundation
import Testing

/// Runs the `tern` binary built next to this test bundle, as a user would.
struct TernProcess {
    static var binary: URL {
        Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("tern")
    }

    static func candidates() -> [URL] {
        var urls = [binary]
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        urls.append(root.appendingPathComponent(".build/debug/tern"))
        return urls
    }

    static func run(_ arguments: [String], input: String = "") throws -> (status: Int32, stdout: String, stderr: String) {
        guard let executable = candidates().first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "tern binary not found; run swift build first"])
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}

@Suite("tern pdu")
struct PDUCommandTests {
    static let vectorDirectory: URL = {
        if let override = ProcessInfo.processInfo.environment["TERN_SHARED_DIR"] {
            return URL(fileURLWithPath: override).appendingPathComponent("reference/vectors")
        }
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        return root.appendingPathComponent("../shared/reference/vectors")
    }()

    static func vectors(_ file: String) throws -> [[String: Any]] {
        let text = try String(contentsOf: vectorDirectory.appendingPathComponent(file), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
        }
    }

    @Test("decode prints each valid vector's pdu object, and encode turns it back into the hex")
    func decodeAndEncodeEveryVector() throws {
        let vectors = try Self.vectors("valid.jsonl")
        #expect(vectors.count == 62)
        for vector in vectors {
            let hex = try #require(vector["hex"] as? String)
            let decoded = try TernProcess.run(["pdu", "decode", hex])
            #expect(decoded.status == 0, "\(vector["name"] ?? ""): \(decoded.stderr)")
            let printed = try JSONSerialization.jsonObject(with: Data(decoded.stdout.utf8)) as? NSDictionary
            #expect(printed == (vector["pdu"] as? NSDictionary), "\(vector["name"] ?? "")")
            let encoded = try TernProcess.run(["pdu", "encode"], input: decoded.stdout)
            #expect(encoded.status == 0, "\(encoded.stderr)")
            #expect(encoded.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == hex)
        }
    }

    @Test("malformed input exits 1 with one line naming the field, the offset and the server's reaction")
    func malformedInput() throws {
        for vector in try Self.vectors("malformed.jsonl") where (vector["action"] as? String) != "wait" && (vector["session_state"] as? String) != "BOUND_RX" && vector["name"] as? String != "bind_when_already_bound" && vector["name"] as? String != "submit_sm_unknown_tlv_is_ignored" {
            let result = try TernProcess.run(["pdu", "decode", try #require(vector["hex"] as? String)])
            let name = vector["name"] as? String ?? ""
            #expect(result.status == 1, "\(name)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(name): \(result.stderr)")
            let line = String(lines.first ?? "")
            #expect(line.contains("field "), "\(name): \(line)")
            #expect(line.contains("offset "), "\(name): \(line)")
            #expect(line.contains(try #require(vector["command_status_name"] as? String)), "\(name): \(line)")
            #expect(line.contains("server reaction: "), "\(name): \(line)")
        }
    }

    @Test("text shows the data_coding, the parts and their hex")
    func text() throws {
        let result = try TernProcess.run(["pdu", "text", String(repeating: "A", count: 152) + "€" + String(repeating: "B", count: 10)])
        #expect(result.status == 0)
        #expect(result.stdout.contains("data_coding: 0x00"))
        #expect(result.stdout.contains("parts: 2"))
        #expect(result.stdout.contains("part 2: 0500030102021b6542424242424242424242 (18 octets, UDH, esm_class 0x40)"))
        let ucs2 = try TernProcess.run(["pdu", "text", "Привет"])
        #expect(ucs2.stdout.contains("data_coding: 0x08"))
        #expect(ucs2.stdout.contains("part 1: 041f04400438043204350442 (12 octets)"))
    }

    @Test("bad hex and bad JSON are refused with a reason")
    func badInput() throws {
        let hex = try TernProcess.run(["pdu", "decode", "00zz"])
        #expect(hex.status == 1)
        #expect(hex.stderr.contains("hex"))
        let json = try TernProcess.run(["pdu", "encode"], input: "{\"command_name\": \"submit_sm\", \"sequence_number\": 1}")
        #expect(json.status == 1)
        #expect(json.stderr.contains("missing field \"service_type\""))
    }
}
