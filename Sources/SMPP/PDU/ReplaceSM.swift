import NIOCore

/// replace_sm: replaces the text (and times) of a message not yet delivered.
public struct ReplaceSM: Hashable, Sendable {
    public var messageID: String
    public var source: Address
    public var scheduleDeliveryTime: String
    public var validityPeriod: String
    public var registeredDelivery: RegisteredDelivery
    public var smDefaultMsgID: UInt8
    public var shortMessage: ByteBuffer

    public init(messageID: String, source: Address, scheduleDeliveryTime: String = "", validityPeriod: String = "",
                registeredDelivery: RegisteredDelivery = .none, smDefaultMsgID: UInt8 = 0, shortMessage: ByteBuffer = ByteBuffer()) {
        self.messageID = messageID
        self.source = source
        self.scheduleDeliveryTime = scheduleDeliveryTime
        self.validityPeriod = validityPeriod
        self.registeredDelivery = registeredDelivery
        self.smDefaultMsgID = smDefaultMsgID
        self.shortMessage = shortMessage
    }

    init(from reader: inout PDUReader) throws(SMPPDecodingError) {
        messageID = try reader.readCString(.messageID)
        source = try reader.readSourceAddress()
        scheduleDeliveryTime = try reader.readTime(.scheduleDeliveryTime)
        validityPeriod = try reader.readTime(.validityPeriod)
        registeredDelivery = RegisteredDelivery(rawValue: try reader.readUInt8("registered_delivery"))
        smDefaultMsgID = try reader.readUInt8("sm_default_msg_id")
        shortMessage = try reader.readShortMessage()
    }

    func encode(into buffer: inout ByteBuffer, as id: CommandID) throws(SMPPEncodingError) {
        try buffer.writeCString(messageID, .messageID, pdu: id)
        try buffer.writeAddress(source, .sourceAddr, pdu: id)
        try buffer.writeTime(scheduleDeliveryTime, .scheduleDeliveryTime, pdu: id)
        try buffer.writeTime(validityPeriod, .validityPeriod, pdu: id)
        buffer.writeInteger(registeredDelivery.rawValue)
        buffer.writeInteger(smDefaultMsgID)
        try buffer.writeShortMessage(shortMessage, pdu: id)
    }
}
