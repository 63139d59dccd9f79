/// The shared loop of the one-octet-per-character codecs (`IA5`, `Latin1`): scalar value = octet value up to
/// a limit.
enum SingleByteCoding {
    static func encode(_ text: String, limit: UInt32, alphabet: String) throws(SMPPTextError) -> [UInt8] {
        guard let failure = firstScalar(in: text, above: limit) else {
            return encodeUnchecked(text)
        }
        throw SMPPTextError.unencodable(Unicode.Scalar(failure.scalar) ?? "\u{FFFD}", at: failure.offset, in: alphabet)
    }

    /// Encodes `text`, or returns nil when a scalar is above `limit`, without building an error.
    static func encodeIfPossible(_ text: String, limit: UInt32) -> [UInt8]? {
        firstScalar(in: text, above: limit) == nil ? encodeUnchecked(text) : nil
    }

    private static func firstScalar(in text: String, above limit: UInt32) -> (scalar: UInt32, offset: Int)? {
        UTF8Coding.withUTF8(text) { utf8 in
            var index = 0
            var offset = 0
            while index < utf8.count {
                let scalar = UTF8Coding.nextScalar(utf8, &index)
                if scalar > limit { return (scalar, offset) }
                offset += 1
            }
            return nil
        }
    }

    /// One octet per scalar; only call after `firstScalar(in:above:)` found none out of range.
    private static func encodeUnchecked(_ text: String) -> [UInt8] {
        UTF8Coding.withUTF8(text) { utf8 in
            [UInt8](unsafeUninitializedCapacity: utf8.count) { out, initialized in
                var index = 0
                var written = 0
                while index < utf8.count {
                    out[written] = UInt8(truncatingIfNeeded: UTF8Coding.nextScalar(utf8, &index))
                    written += 1
                }
                initialized = written
            }
        }
    }

    static func decode(_ octets: some Collection<UInt8>, limit: UInt8) -> String {
        UTF8Coding.withContiguous(octets) { input in
            // Octets 0x80–0xFF take 2 UTF-8 octets (Latin-1) and U+FFFD takes 3 (IA5).
            String(unsafeUninitializedCapacity: input.count * 3) { out in
                var written = 0
                for octet in input {
                    UTF8Coding.write(octet <= limit ? UInt32(octet) : UTF8Coding.replacement, into: out, at: &written)
                }
                return written
            }
        }
    }
}
