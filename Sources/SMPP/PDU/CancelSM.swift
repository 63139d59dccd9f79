import NIOCore

/// cancel_sm: withdraws a message not yet delivered. An empty message_id means every message
/// from source to destination (service_type narrows it).
public struct CancelSM: Hashable, Sendable {
    public var serviceType: String
    public var messageID: String
    public var source: Address
    public var destination: Address

    public init(serviceType: String = "", messageID: String, source: Address, destination: Address) {
        self.serviceType = serviceType
        self.messageID = messageID
        self.source = source
        self.destination = destination
    }

    init(from reader: inout PDUReader) throws(SMPPDecodingError) {
        serviceType = try reader.readCString(.serviceType)
        messageID = try reader.readCString(.messageID)
        source = try reader.readSourceAddress()
        destination = try reader.readDestinationAddress()
    }

    /// Octets the body takes at most on the wire, for reserving the one write (`PDUWriter`).
    var encodedLengthBound: Int {
        CStringField.serviceType.maxLength + CStringField.messageID.maxLength + CStringField.sourceAddr.addressBound + CStringField.destinationAddr.addressBound
    }

    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError) {
        try writer.writeCString(serviceType, .serviceType)
        try writer.writeCString(messageID, .messageID)
        try writer.writeAddress(source, .sourceAddr)
        try writer.writeAddress(destination, .destinationAddr)
    }
}
