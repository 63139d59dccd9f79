import NIOCore
import SMPP

/// The PDU vectors in `shared/reference/vectors/`, produced by independent SMPP implementations.
enum ReferenceVectors {
    struct Valid: Sendable, CustomStringConvertible {
        let name: String
        let bytes: [UInt8]
        let pdu: JSONValue
        var description: String { name }
    }

    struct Malformed: Sendable, CustomStringConvertible {
        let name: String
        let bytes: [UInt8]
        let action: String
        let status: CommandStatus?
        let closeConnection: Bool
        let sessionState: String
        var description: String { name }
    }

    /// `shared/` sits beside the repository (CI clones it there); TERN_SHARED_DIR overrides.
    static var directory: String {
        if let override = ProcessInfoLite.environment("TERN_SHARED_DIR") { return override + "/reference/vectors" }
        var root = #filePath
        for _ in 0..<4 { root = String(root[..<(root.lastIndex(of: "/") ?? root.startIndex)]) }
        return root + "/../shared/reference/vectors"
    }

    static func lines(_ file: String) -> [JSONValue] {
        guard let text = readTextFile(directory + "/" + file) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONValue(parsing: String($0)) }
    }

    static let valid: [Valid] = lines("valid.jsonl").compactMap { line in
        guard case .string(let name)? = line["name"], case .string(let hex)? = line["hex"], let bytes = bytesFromHex(hex), let pdu = line["pdu"] else { return nil }
        return Valid(name: name, bytes: bytes, pdu: pdu)
    }

    static let malformed: [Malformed] = lines("malformed.jsonl").compactMap { line in
        guard case .string(let name)? = line["name"], case .string(let hex)? = line["hex"], let bytes = bytesFromHex(hex),
              case .string(let action)? = line["action"], case .bool(let close)? = line["close_connection"],
              case .string(let state)? = line["session_state"] else { return nil }
        var status: CommandStatus?
        if case .string(let text)? = line["command_status"], let raw = UInt32(text.dropFirst(2), radix: 16) { status = CommandStatus(rawValue: raw) }
        return Malformed(name: name, bytes: bytes, action: action, status: status, closeConnection: close, sessionState: state)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum ProcessInfoLite {
    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}

func readTextFile(_ path: String) -> String? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count <= 0 { break }
        bytes.append(contentsOf: chunk[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}
