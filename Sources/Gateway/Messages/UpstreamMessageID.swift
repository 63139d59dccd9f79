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
        if lowered.isDecimalDigitsASCII { return stripZeros(lowered) }
        if lowered.isHexDigitsASCII, lowered.utf8.count <= 16, let value = UInt64(lowered, radix: 16) {
            return String(value)
        }
        return lowered
    }

    /// Every key a receipt's id may have been stored under, most likely first.
    public static func candidates(_ raw: String) -> [String] {
        let lowered = trimmed(raw)
        var keys = [canonical(raw)]
        if lowered.isHexDigitsASCII, lowered.utf8.count <= 16, let value = UInt64(lowered, radix: 16) {
            keys.append(String(value))
        }
        if lowered.isDecimalDigitsASCII, let value = UInt64(stripZeros(lowered)) {
            keys.append(String(value, radix: 16))
        }
        var seen = Set<String>()
        return keys.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    private static func trimmed(_ raw: String) -> String {
        // Most ids need nothing done: they come back as they are, without a copy.
        if raw.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x80 && !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) { return raw }
        // Ids are ASCII in practice: that case goes octet by octet, without Unicode tables.
        var octets: [UInt8] = []
        octets.reserveCapacity(raw.utf8.count)
        for octet in raw.utf8 {
            switch octet {
            case 0x80...: return String(raw.unicodeScalars.filter { !$0.properties.isWhitespace && $0 != "\0" }).lowercased()
            case 0x00, 0x09...0x0D, 0x20: continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): octets.append(octet + 0x20)
            default: octets.append(octet)
            }
        }
        return String(decoding: octets, as: UTF8.self)
    }

    private static func stripZeros(_ digits: String) -> String {
        let stripped = digits.drop { $0 == "0" }
        return stripped.isEmpty ? "0" : String(stripped)
    }
}

extension StringProtocol {
    var isDecimalDigitsASCII: Bool { utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }
}

extension String {
    var isHexDigitsASCII: Bool {
        utf8.allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0)
        }
    }
}
