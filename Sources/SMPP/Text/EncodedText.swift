/// A text turned into the octets of one data_coding, before any splitting.
public struct EncodedText: Hashable, Sendable {
    /// The data_coding to put in the PDU.
    public var dataCoding: DataCoding
    /// The encoded octets; for GSM 7-bit these are unpacked septets, one per octet.
    public var octets: [UInt8]

    public init(dataCoding: DataCoding, octets: [UInt8]) {
        self.dataCoding = dataCoding
        self.octets = octets
    }

    /// The length in the units the segment limits count: septets for GSM 7-bit (an extension character
    /// counts 2), UTF-16 code units for UCS-2, octets otherwise.
    public var unitCount: Int {
        dataCoding.alphabet == .ucs2 ? octets.count / 2 : octets.count
    }
}
