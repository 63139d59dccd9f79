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

    /// Octets the body takes at most on the wire, for reserving the one write (`PDUWriter`).
    var encodedLengthBound: Int {
        CStringField.messageID.maxLength + CStringField.sourceAddr.addressBound + CStringField.scheduleDeliveryTime.maxLength
            + CStringField.validityPeriod.maxLength + 2 + shortMessageBound(shortMessage)
    }

    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError) {
        try writer.writeCString(messageID, .messageID)
        try writer.writeAddress(source, .sourceAddr)
        try writer.writeTime(scheduleDeliveryTime, .scheduleDeliveryTime)
        try writer.writeTime(validityPeriod, .validityPeriod)
        writer.writeInteger(registeredDelivery.rawValue)
        writer.writeInteger(smDefaultMsgID)
        try writer.writeShortMessage(shortMessage)
    }
}
