/// ISO-8859-1 text for data_coding 0x03: one octet per character, U+0000–U+00FF only.
public enum Latin1 {
    /// True when every scalar of `text` is at most U+00FF.
    public static func canEncode(_ text: String) -> Bool {
        UTF8Coding.withUTF8(text) { utf8 in
            // UTF-8 lead octets 0xC4 and above start scalars beyond U+00FF; continuation octets are 0x80–0xBF.
            for octet in utf8 where octet >= 0xC4 { return false }
            return true
        }
    }

    /// Encodes `text` one octet per scalar.
    ///
    /// - Throws: `SMPPTextError` `.unencodableCharacter` for the first scalar above U+00FF.
    public static func encode(_ text: String) throws(SMPPTextError) -> [UInt8] {
        try SingleByteCoding.encode(text, limit: 0xFF, alphabet: "Latin-1 (ISO-8859-1)")
    }

    /// Encodes `text`, or returns nil when a scalar is above U+00FF, without building an error.
    static func encodeIfPossible(_ text: String) -> [UInt8]? {
        SingleByteCoding.encodeIfPossible(text, limit: 0xFF)
    }

    /// Decodes octets as ISO-8859-1; every octet is a character, so this cannot fail.
    public static func decode(_ octets: some Collection<UInt8>) -> String {
        SingleByteCoding.decode(octets, limit: 0xFF)
    }
}
