extension DataCoding {
    /// The family of character sets a data_coding value selects; it decides which encoder, decoder and
    /// segment limits apply.
    public enum Alphabet: Hashable, Sendable, CaseIterable {
        /// GSM 03.38 default alphabet with its extension table (data_coding 0x00 and GSM DCS 7-bit groups).
        case gsm7
        /// IA5 / 7-bit ASCII (data_coding 0x01).
        case ascii
        /// ISO-8859-1 (data_coding 0x03).
        case latin1
        /// UCS-2 / UTF-16 big-endian (data_coding 0x08 and DCS 0xE0–0xEF).
        case ucs2
        /// Octets with no text meaning (0x02, 0x04, DCS 8-bit).
        case binary
        /// A national or reserved coding Tern passes through but does not transcode (JIS, ISO-8859-5, …).
        case other
    }
}
