/// Upstream message ids as matched against receipts.
///
/// Upstreams disagree with themselves: the id in submit_sm_resp may be hex while the receipt says
/// decimal, with or without leading zeros, in either case. The stored key is the canonical form;
/// a receipt's id is looked up under every reading it allows.
public enum UpstreamMessageID {
    /// The key stored for an id from submit_sm_resp: trimmed, lower-cased, leading zeros gone,
    /// and an id with hex letters that fits 64 bits rewritten in decimal.
    public static func canonical(_ raw: String) -> String {
        let lowered = trimmed(raw)
        if lowered.isEmpty { return lowered }
        if lowered.allSatisfy(\.isDecimalDigitASCII) { return stripZeros(lowered) }
        if lowered.allSatisfy(\.isHexDigitASCII), lowered.count <= 16, let value = UInt64(lowered, radix: 16) {
            return String(value)
        }
        return lowered
    }

    /// Every key a receipt's id may have been stored under, most likely first.
    public static func candidates(_ raw: String) -> [String] {
        let lowered = trimmed(raw)
        var keys = [canonical(raw)]
        if lowered.allSatisfy(\.isHexDigitASCII), lowered.count <= 16, let value = UInt64(lowered, radix: 16) {
            keys.append(String(value))
        }
        if lowered.allSatisfy(\.isDecimalDigitASCII), let value = UInt64(stripZeros(lowered)) {
            keys.append(String(value, radix: 16))
        }
        var seen = Set<String>()
        return keys.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    private static func trimmed(_ raw: String) -> String {
        String(raw.unicodeScalars.filter { !$0.properties.isWhitespace && $0 != "\0" }).lowercased()
    }

    private static func stripZeros(_ digits: String) -> String {
        let stripped = digits.drop { $0 == "0" }
        return stripped.isEmpty ? "0" : String(stripped)
    }
}

extension Character {
    var isDecimalDigitASCII: Bool { isASCII && isNumber }
    var isHexDigitASCII: Bool { isASCII && isHexDigit }
}
