/// Chooses the data_coding for a text and encodes it: GSM 7-bit (0x00) when every character is in GSM 03.38,
/// otherwise Latin-1 (0x03) if allowed and sufficient, otherwise UCS-2 (0x08).
public struct TextEncoder: Hashable, Sendable {
    /// Use Latin-1 rather than UCS-2 for text that is not GSM but fits ISO-8859-1 (140 instead of 70
    /// characters per message). Off by default: many handsets and MCs render data_coding 3 badly.
    public var prefersLatin1OverUCS2: Bool

    public init(prefersLatin1OverUCS2: Bool = false) {
        self.prefersLatin1OverUCS2 = prefersLatin1OverUCS2
    }

    /// The data_coding `encode(_:)` would pick for `text`.
    public func dataCoding(for text: String) -> DataCoding {
        if GSM7.canEncode(text) { return .mcDefault }
        if prefersLatin1OverUCS2, Latin1.canEncode(text) { return .latin1 }
        return .ucs2
    }

    /// Encodes `text` in the cheapest alphabet that represents it exactly. Never fails: UCS-2 takes anything.
    public func encode(_ text: String) -> EncodedText {
        if let septets = GSM7.encodeIfPossible(text) {
            return EncodedText(dataCoding: .mcDefault, octets: septets)
        }
        if prefersLatin1OverUCS2, let octets = Latin1.encodeIfPossible(text) {
            return EncodedText(dataCoding: .latin1, octets: octets)
        }
        return EncodedText(dataCoding: .ucs2, octets: UCS2.encode(text))
    }

    /// Encodes `text` in the alphabet of a data_coding the caller has fixed (an account or connector setting).
    ///
    /// - Throws: `SMPPTextError` `.unencodableCharacter` when a character does not exist in that alphabet, or
    ///   `.unsupportedDataCoding` for binary and national codings, which carry no text Tern can produce.
    public func encode(_ text: String, as dataCoding: DataCoding) throws(SMPPTextError) -> EncodedText {
        switch dataCoding.alphabet {
        case .gsm7: return EncodedText(dataCoding: dataCoding, octets: try GSM7.encode(text))
        case .ascii: return EncodedText(dataCoding: dataCoding, octets: try IA5.encode(text))
        case .latin1: return EncodedText(dataCoding: dataCoding, octets: try Latin1.encode(text))
        case .ucs2: return EncodedText(dataCoding: dataCoding, octets: UCS2.encode(text))
        case .binary:
            throw .unsupported(dataCoding, "8-bit data carries octets, not text; split the octets with MessageSplitter.split(binary:)")
        case .other:
            throw .unsupported(dataCoding, "Tern has no encoder for this character set; use 0x00, 0x03 or 0x08")
        }
    }
}
