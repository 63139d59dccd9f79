/// The GSM 03.38 default alphabet (3GPP TS 23.038): counting, encoding a `String` to septets and decoding
/// septets back. Septets are handled unpacked, one per octet, which is what SMPP data_coding 0 carries; see
/// `GSM7+Packing.swift` for the 7-bit packed form.
public enum GSM7 {
    /// True when every character of `text` is in the default alphabet or its extension table.
    public static func canEncode(_ text: String) -> Bool {
        septetCount(text) != nil
    }

    /// How many septets `text` takes (extension characters such as `€` or `{` count 2), or nil when some
    /// character has no GSM representation.
    public static func septetCount(_ text: String) -> Int? {
        UTF8Coding.withUTF8(text) { utf8 -> Int? in
            encodeTable.withUnsafeBufferPointer { table -> Int? in
                var index = 0
                var count = 0
                while index < utf8.count {
                    let scalar = UTF8Coding.nextScalar(utf8, &index)
                    let entry = scalar < 0x100 ? table[Int(scalar)] : encodeEntry(forScalarAbove0xFF: scalar)
                    if entry == unencodable { return nil }
                    count += entry & extensionFlag == 0 ? 1 : 2
                }
                return count
            }
        }
    }

    /// Encodes `text` to unpacked septets (one per octet, values 0x00–0x7F), extension characters as ESC + code.
    ///
    /// - Throws: `SMPPTextError` `.unencodableCharacter` naming the first character outside the alphabet.
    public static func encode(_ text: String) throws(SMPPTextError) -> [UInt8] {
        switch encodeOrLocateFailure(text) {
        case .success(let septets):
            return septets
        case .failure(let failure):
            throw SMPPTextError.unencodable(Unicode.Scalar(failure.scalar) ?? "\u{FFFD}", at: failure.offset, in: "GSM 03.38")
        }
    }

    /// Encodes `text`, or returns nil when a character is outside the alphabet — without building an error,
    /// so trying GSM first and falling back to UCS-2 costs nothing extra.
    static func encodeIfPossible(_ text: String) -> [UInt8]? {
        if case .success(let septets) = encodeOrLocateFailure(text) { return septets }
        return nil
    }

    /// The first scalar GSM 7-bit cannot carry and its offset in scalars.
    struct EncodeFailure: Error {
        var scalar: UInt32
        var offset: Int
    }

    private static func encodeOrLocateFailure(_ text: String) -> Result<[UInt8], EncodeFailure> {
        var failure: EncodeFailure?
        let septets = UTF8Coding.withUTF8(text) { utf8 in
            encodeTable.withUnsafeBufferPointer { table in
                // Every scalar takes at least one UTF-8 octet and at most two septets.
                [UInt8](unsafeUninitializedCapacity: utf8.count * 2) { out, initialized in
                    var index = 0
                    var written = 0
                    var scalarOffset = 0
                    while index < utf8.count {
                        let scalar = UTF8Coding.nextScalar(utf8, &index)
                        let entry = scalar < 0x100 ? table[Int(scalar)] : encodeEntry(forScalarAbove0xFF: scalar)
                        if entry == unencodable {
                            failure = EncodeFailure(scalar: scalar, offset: scalarOffset)
                            break
                        }
                        if entry & extensionFlag == 0 {
                            out[written] = entry
                            written += 1
                        } else {
                            out[written] = escape
                            out[written + 1] = entry & ~extensionFlag
                            written += 2
                        }
                        scalarOffset += 1
                    }
                    initialized = written
                }
            }
        }
        if let failure { return .failure(failure) }
        return .success(septets)
    }

    /// Decodes unpacked septets (one per octet) to text.
    ///
    /// Peer input is never trusted: an octet above 0x7F becomes U+FFFD; ESC followed by a code that is not in
    /// the extension table yields the default-alphabet character for that code (TS 23.038 §6.2.1.1); ESC ESC
    /// and a dangling ESC at the end become a space.
    public static func decode(_ septets: some Collection<UInt8>) -> String {
        UTF8Coding.withContiguous(septets) { input in
            // Most texts are plain letters, digits and punctuation, which need no table: the
            // receipt builder and the hooks decode every message.
            let plain = sameAsASCII.withUnsafeBufferPointer { same in input.allSatisfy { $0 < 0x80 && same[Int($0)] } }
            if plain { return String(decoding: input, as: UTF8.self) }
            return defaultAlphabet.withUnsafeBufferPointer { main in
                extensionDecodeTable.withUnsafeBufferPointer { extended in
                    // Every GSM character and U+FFFD fit in 3 UTF-8 octets.
                    String(unsafeUninitializedCapacity: input.count * 3) { out in
                        var index = 0
                        var written = 0
                        while index < input.count {
                            let septet = input[index]
                            index += 1
                            var scalar: UInt32
                            if septet >= 0x80 {
                                scalar = UTF8Coding.replacement
                            } else if septet != escape {
                                scalar = main[Int(septet)]
                            } else if index < input.count {
                                let code = input[index]
                                index += 1
                                scalar = extended[Int(code)]
                                if scalar == 0 {
                                    // Unknown extension: show the base character; ESC ESC (a further table
                                    // nobody defines) and out-of-range octets fall back to a space or U+FFFD.
                                    scalar = code == escape ? 0x20 : (code < 0x80 ? main[Int(code)] : UTF8Coding.replacement)
                                }
                            } else {
                                scalar = 0x20
                            }
                            UTF8Coding.write(scalar, into: out, at: &written)
                        }
                        return written
                    }
                }
            }
        }
    }

    /// The number of fill bits between a user data header of `headerLength` octets (UDHL included) and the
    /// first septet, so that septets start on a septet boundary of the user data (TS 23.040 §9.2.3.24).
    public static func fillBits(afterHeaderOfLength headerLength: Int) -> Int {
        let bits = max(0, headerLength) * 8
        return (7 - bits % 7) % 7
    }
}
