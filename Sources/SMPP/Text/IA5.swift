/// IA5 (7-bit ASCII) text for data_coding 0x01.
public enum IA5 {
    /// True when `text` is plain ASCII.
    public static func canEncode(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 < 0x80 }
    }

    /// Encodes `text` one octet per character.
    ///
    /// - Throws: `SMPPTextError` `.unencodableCharacter` for the first non-ASCII scalar.
    public static func encode(_ text: String) throws(SMPPTextError) -> [UInt8] {
        try SingleByteCoding.encode(text, limit: 0x7F, alphabet: "IA5 (ASCII)")
    }

    /// Decodes ASCII octets; an octet above 0x7F becomes U+FFFD.
    public static func decode(_ octets: some Collection<UInt8>) -> String {
        SingleByteCoding.decode(octets, limit: 0x7F)
    }
}
