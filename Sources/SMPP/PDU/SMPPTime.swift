/// An SMPP time field value: `YYMMDDhhmmsstnnp` (reference §6), absolute or relative.
public struct SMPPTime: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// An absolute time; `quarterHours` is the offset from UTC, signed.
        case absolute(quarterHours: Int)
        /// A duration from now; the date part counts years, months, days.
        case relative
    }

    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var tenths: Int
    public var kind: Kind

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, tenths: Int = 0, kind: Kind) {
        (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
        self.tenths = tenths
        self.kind = kind
    }

    /// The 16-character form (`YYMMDDhhmmsstnnp`); each field is written in its width, clamped.
    public var text: String {
        ReceiptTextWriter.string(capacity: 16) { out in
            for field in [year, month, day, hour, minute, second] { out.appendDigits(field, width: 2) }
            out.appendDigits(tenths, width: 1)
            switch kind {
            case .relative:
                out.appendDigits(0, width: 2)
                out.append(UInt8(ascii: "R"))
            case .absolute(let quarterHours):
                out.appendDigits(abs(quarterHours), width: 2)
                out.append(UInt8(ascii: quarterHours < 0 ? "-" : "+"))
            }
        }
    }

    /// Parses the 16-character form; returns nil for anything else (the empty value included).
    public init?(_ text: String) {
        guard SMPPTime.problem(in: text) == nil, !text.isEmpty else { return nil }
        let d = Array(text.utf8).map { Int($0) - 48 }
        year = d[0] * 10 + d[1]
        month = d[2] * 10 + d[3]
        day = d[4] * 10 + d[5]
        hour = d[6] * 10 + d[7]
        minute = d[8] * 10 + d[9]
        second = d[10] * 10 + d[11]
        tenths = d[12]
        let quarters = d[13] * 10 + d[14]
        switch text.utf8.last {
        case UInt8(ascii: "R"): kind = .relative
        case UInt8(ascii: "-"): kind = .absolute(quarterHours: -quarters)
        default: kind = .absolute(quarterHours: quarters)
        }
    }

    /// Why `text` is not a valid time field, or nil when it is (empty counts as valid).
    public static func problem(in text: String) -> String? {
        // The outer optional is nil only for a string without contiguous UTF-8 (bridged), which is copied.
        if let checked = text.utf8.withContiguousStorageIfAvailable({ problem(inUTF8: $0, text: text) }) {
            return checked
        }
        return Array(text.utf8).withUnsafeBufferPointer { problem(inUTF8: $0, text: text) }
    }

    /// `problem(in:)` over the field's octets, which the decoder has at hand; `text` is the same
    /// value as a String, only for the message. Allocates nothing unless it finds a problem.
    static func problem(inUTF8 bytes: UnsafeBufferPointer<UInt8>, text: String) -> String? {
        if bytes.isEmpty { return nil }
        guard bytes.count == 16 else {
            return "\"\(text)\" is neither empty nor 16 characters YYMMDDhhmmsstnnp"
        }
        for index in 0..<15 {
            let byte = bytes[index]
            guard byte >= 0x30, byte <= 0x39 else { return "\"\(text)\": character \(index + 1) is not a digit" }
        }
        @inline(__always) func number(_ index: Int) -> Int { (Int(bytes[index]) - 48) * 10 + Int(bytes[index + 1]) - 48 }
        switch bytes[15] {
        case UInt8(ascii: "R"):
            return nil
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let month = number(2), day = number(4)
            let hour = number(6), minute = number(8), second = number(10)
            let quarters = number(13)
            guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else {
                return "\"\(text)\" is not a valid date and time"
            }
            guard quarters <= 48 else { return "\"\(text)\": UTC offset \(quarters) quarter hours is above 48" }
            return nil
        default:
            return "\"\(text)\": the last character must be +, - or R"
        }
    }
}
