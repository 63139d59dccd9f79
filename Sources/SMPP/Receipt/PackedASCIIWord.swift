/// Up to 16 ASCII bytes, upper-cased and packed into two integers, so the receipt parser can
/// recognise keys and `stat:` words case-insensitively without building a String.
struct PackedASCIIWord: Hashable, Sendable {
    private var low: UInt64 = 0
    private var high: UInt64 = 0
    /// How many bytes were appended; past 16 the word can match nothing.
    private(set) var count = 0

    init() {}

    /// Packs a literal (already in the case it should match, i.e. upper case).
    init(_ literal: StaticString) {
        literal.withUTF8Buffer { buffer in
            for byte in buffer { self.append(byte) }
        }
    }

    /// Appends one byte, upper-casing ASCII letters.
    mutating func append(_ byte: UInt8) {
        let upper = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte &- 0x20 : byte
        if count < 8 {
            low |= UInt64(upper) << (8 &* UInt64(count))
        } else if count < 16 {
            high |= UInt64(upper) << (8 &* UInt64(count &- 8))
        }
        count &+= 1
    }

    /// Whether more bytes were appended than fit; such a word equals no table entry.
    var overflowed: Bool { count > 16 }
}
