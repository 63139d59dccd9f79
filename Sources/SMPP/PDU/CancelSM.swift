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

    func encode(into buffer: inout ByteBuffer, as id: CommandID) throws(SMPPEncodingError) {
        try buffer.writeCString(serviceType, .serviceType, pdu: id)
        try buffer.writeCString(messageID, .messageID, pdu: id)
        try buffer.writeAddress(source, .sourceAddr, pdu: id)
        try buffer.writeAddress(destination, .destinationAddr, pdu: id)
    }
}
