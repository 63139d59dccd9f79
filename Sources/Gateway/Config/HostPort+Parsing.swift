extension HostPort {
    /// Reads `host:port`, with IPv6 addresses in brackets (`[::1]:2775`). On failure, the reason
    /// is a sentence for the person editing the file.
    public static func parse(_ text: String) -> Result<HostPort, HostPortError> {
        func fail(_ reason: String) -> Result<HostPort, HostPortError> { .failure(HostPortError(reason: reason)) }
        if text.contains("://") {
            return fail("\"\(text)\" is a URL; write only host:port, e.g. \"0.0.0.0:2775\"")
        }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                return fail("\"\(text)\": missing ']' after the IPv6 address")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.first == ":" else {
                return fail("\"\(text)\": missing :port after the IPv6 address, e.g. \"[::]:2775\"")
            }
            portText = rest.dropFirst()
            guard host.contains(":") else {
                return fail("\"\(text)\": brackets are only for IPv6 addresses")
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                return fail("\"\(text)\" has no port; write host:port, e.g. \"0.0.0.0:2775\"")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") {
                return fail("\"\(text)\": put an IPv6 address in brackets, e.g. \"[::1]:2775\"")
            }
        }
        if host.isEmpty {
            return fail("\"\(text)\" has no host; use 0.0.0.0 (or [::]) to listen on every address")
        }
        if let bad = host.unicodeScalars.first(where: { !isHostScalar($0) }) {
            return fail("\"\(text)\": '\(bad)' cannot appear in a host name or address")
        }
        guard !portText.isEmpty, portText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return fail("\"\(text)\": the port must be a number from 1 to 65535")
        }
        guard let port = Int(portText), (1...65535).contains(port) else {
            return fail("\"\(text)\": port \(portText) is out of range (1–65535)")
        }
        return .success(HostPort(host: String(host), port: port))
    }

    private static func isHostScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "_", ":", "%":
            return true
        default:
            return false
        }
    }
}
