import NIOCore

/// alert_notification: the MC tells an ESME that a mobile became reachable (or not).
public struct AlertNotification: Hashable, Sendable {
    public var source: Address
    public var esmeAddress: Address

    public init(source: Address, esmeAddress: Address) {
        self.source = source
        self.esmeAddress = esmeAddress
    }

    init(from reader: inout PDUReader) throws(SMPPDecodingError) {
        source = try reader.readSourceAddress(.sourceAddr65)
        esmeAddress = try reader.readAddress(ton: "esme_addr_ton", npi: "esme_addr_npi", .esmeAddr,
                                             tonStatus: .invalidDestinationTON, npiStatus: .invalidDestinationNPI)
    }

    /// Octets the body takes at most on the wire, for reserving the one write (`PDUWriter`).
    var encodedLengthBound: Int {
        CStringField.sourceAddr65.addressBound + CStringField.esmeAddr.addressBound
    }

    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError) {
        try writer.writeAddress(source, .sourceAddr65)
        try writer.writeAddress(esmeAddress, .esmeAddr)
    }
}
