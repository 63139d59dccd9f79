/// UCS-2 text for data_coding 0x08: big-endian UTF-16, with surrogate pairs for characters beyond the BMP
/// (what handsets and SMPP clients actually expect under the UCS-2 label).
public enum UCS2 {
    /// The number of UTF-16 code units `text` takes: two octets each, two units for an emoji or other
    /// astral-plane character.
    public static func unitCount(_ text: String) -> Int {
        text.utf16.count
    }

    /// Encodes `text` as UTF-16BE octets. Every `String` is encodable.
    public static func encode(_ text: String) -> [UInt8] {
        UTF8Coding.withUTF8(text) { utf8 in
            // A scalar of k UTF-8 octets takes 1 UTF-16 unit (k ≤ 3) or 2 (k = 4): never more than 2k octets.
            [UInt8](unsafeUninitializedCapacity: utf8.count * 2) { out, initialized in
                var index = 0
                var written = 0
                while index < utf8.count {
                    let scalar = UTF8Coding.nextScalar(utf8, &index)
                    if scalar < 0x10000 {
                        out[written] = UInt8(truncatingIfNeeded: scalar >> 8)
                        out[written + 1] = UInt8(truncatingIfNeeded: scalar)
                        written += 2
                    } else {
                        let offset = scalar - 0x10000
                        let high = 0xD800 | (offset >> 10)
                        let low = 0xDC00 | (offset & 0x3FF)
                        out[written] = UInt8(truncatingIfNeeded: high >> 8)
                        out[written + 1] = UInt8(truncatingIfNeeded: high)
                        out[written + 2] = UInt8(truncatingIfNeeded: low >> 8)
                        out[written + 3] = UInt8(truncatingIfNeeded: low)
                        written += 4
                    }
                }
                initialized = written
            }
        }
    }

    /// Decodes UTF-16BE octets. A lone surrogate and an odd trailing octet each become U+FFFD; nothing traps.
    public static func decode(_ octets: some Collection<UInt8>) -> String {
        UTF8Coding.withContiguous(octets) { input in
            let unitCount = input.count / 2
            // A BMP unit needs at most 3 UTF-8 octets and a pair 4 for 2 units; +3 for the odd-octet U+FFFD.
            return String(unsafeUninitializedCapacity: unitCount * 3 + 3) { out in
                var unit = 0
                var written = 0
                while unit < unitCount {
                    let first = UInt32(input[2 * unit]) << 8 | UInt32(input[2 * unit + 1])
                    unit += 1
                    var scalar = first
                    if first & 0xFC00 == 0xD800 {
                        // High surrogate: valid only when a low surrogate follows.
                        if unit < unitCount {
                            let second = UInt32(input[2 * unit]) << 8 | UInt32(input[2 * unit + 1])
                            if second & 0xFC00 == 0xDC00 {
                                scalar = 0x10000 + ((first & 0x3FF) << 10) + (second & 0x3FF)
                                unit += 1
                            } else {
                                scalar = UTF8Coding.replacement
                            }
                        } else {
                            scalar = UTF8Coding.replacement
                        }
                    } else if first & 0xFC00 == 0xDC00 {
                        scalar = UTF8Coding.replacement
                    }
                    UTF8Coding.write(scalar, into: out, at: &written)
                }
                if input.count % 2 == 1 {
                    UTF8Coding.write(UTF8Coding.replacement, into: out, at: &written)
                }
                return written
            }
        }
    }

    /// True when the big-endian unit at `octetOffset` is a high surrogate, i.e. the first half of a pair that
    /// a splitter must not separate from the unit after it.
    @inline(__always)
    static func isHighSurrogate(_ octets: UnsafeBufferPointer<UInt8>, at octetOffset: Int) -> Bool {
        octets[octetOffset] & 0xFC == 0xD8
    }
}
