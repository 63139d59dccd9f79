/// Turns the user data of a short_message (or message_payload) back into text according to its data_coding.
public struct TextDecoder: Hashable, Sendable {
    /// How GSM 7-bit user data is carried by the peer.
    public var gsm7Packing: GSM7Packing

    public init(gsm7Packing: GSM7Packing = .unpacked) {
        self.gsm7Packing = gsm7Packing
    }

    /// Decodes `userData` (the octets after any UDH).
    ///
    /// - Parameters:
    ///   - fillBits: for packed GSM 7-bit after a UDH, the fill bits before the first septet
    ///     (`GSM7.fillBits(afterHeaderOfLength:)`); ignored otherwise.
    /// - Throws: `SMPPTextError` `.unsupportedDataCoding` for binary and national codings, which are not text.
    public func decode(
        _ userData: some Collection<UInt8>, dataCoding: DataCoding, fillBits: Int = 0
    ) throws(SMPPTextError) -> String {
        switch dataCoding.alphabet {
        case .gsm7:
            switch gsm7Packing {
            case .unpacked: return GSM7.decode(userData)
            case .packed: return GSM7.decode(GSM7.unpack(userData, fillBits: fillBits))
            }
        case .ascii: return IA5.decode(userData)
        case .latin1: return Latin1.decode(userData)
        case .ucs2: return UCS2.decode(userData)
        case .binary: throw .unsupported(dataCoding, "8-bit data is not text; pass the octets through unchanged")
        case .other: throw .unsupported(dataCoding, "Tern has no decoder for this character set")
        }
    }
}
