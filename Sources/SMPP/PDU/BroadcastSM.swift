import NIOCore

/// broadcast_sm (SMPP 5.0): a cell broadcast. Content travels in message_payload; areas,
/// content type, repetitions and frequency travel in required TLVs.
public struct BroadcastSM: Hashable, Sendable {
    public var serviceType: String
    public var source: Address
    /// The id of a broadcast this one replaces; empty otherwise.
    public var messageID: String
    public var priorityFlag: UInt8
    public var scheduleDeliveryTime: String
    public var validityPeriod: String
    public var replaceIfPresentFlag: UInt8
    public var dataCoding: DataCoding
    public var smDefaultMsgID: UInt8

    /// TLVs a broadcast_sm must carry.
    public static let requiredTLVs: [TLVTag] = [.broadcastAreaIdentifier, .broadcastContentType, .broadcastRepNum, .broadcastFrequencyInterval]

    public init(serviceType: String = "", source: Address, messageID: String = "", priorityFlag: UInt8 = 0, scheduleDeliveryTime: String = "",
                validityPeriod: String = "", replaceIfPresentFlag: UInt8 = 0, dataCoding: DataCoding = .mcDefault, smDefaultMsgID: UInt8 = 0) {
        self.serviceType = serviceType
        self.source = source
        self.messageID = messageID
        self.priorityFlag = priorityFlag
        self.scheduleDeliveryTime = scheduleDeliveryTime
        self.validityPeriod = validityPeriod
        self.replaceIfPresentFlag = replaceIfPresentFlag
        self.dataCoding = dataCoding
        self.smDefaultMsgID = smDefaultMsgID
    }

    init(from reader: inout PDUReader) throws(SMPPDecodingError) {
        serviceType = try reader.readCString(.serviceType)
        source = try reader.readSourceAddress()
        messageID = try reader.readCString(.messageID)
        priorityFlag = try reader.readPriorityFlag()
        scheduleDeliveryTime = try reader.readTime(.scheduleDeliveryTime)
        validityPeriod = try reader.readTime(.validityPeriod)
        replaceIfPresentFlag = try reader.readReplaceIfPresentFlag()
        dataCoding = DataCoding(rawValue: try reader.readUInt8("data_coding"))
        smDefaultMsgID = try reader.readUInt8("sm_default_msg_id")
    }

    func encode(into buffer: inout ByteBuffer, as id: CommandID) throws(SMPPEncodingError) {
        try buffer.writeCString(serviceType, .serviceType, pdu: id)
        try buffer.writeAddress(source, .sourceAddr, pdu: id)
        try buffer.writeCString(messageID, .messageID, pdu: id)
        buffer.writeInteger(priorityFlag)
        try buffer.writeTime(scheduleDeliveryTime, .scheduleDeliveryTime, pdu: id)
        try buffer.writeTime(validityPeriod, .validityPeriod, pdu: id)
        buffer.writeInteger(replaceIfPresentFlag)
        buffer.writeInteger(dataCoding.rawValue)
        buffer.writeInteger(smDefaultMsgID)
    }
}

/// query_broadcast_sm (SMPP 5.0): asks for the state of a broadcast.
public struct QueryBroadcastSM: Hashable, Sendable {
    public var messageID: String
    public var source: Address

    public init(messageID: String, source: Address) {
        self.messageID = messageID
        self.source = source
    }

    init(from reader: inout PDUReader) throws(SMPPDecodingError) {
        messageID = try reader.readCString(.messageID)
        source = try reader.readSourceAddress()
    }

    func encode(into buffer: inout ByteBuffer, as id: CommandID) throws(SMPPEncodingError) {
        try buffer.writeCString(messageID, .messageID, pdu: id)
        try buffer.writeAddress(source, .sourceAddr, pdu: id)
    }
}

/// cancel_broadcast_sm (SMPP 5.0): withdraws a broadcast.
public struct CancelBroadcastSM: Hashable, Sendable {
    public var serviceType: String
    public var messageID: String
    public var source: Address

    public init(serviceType: String = "", messageID: String, source: Address) {
        self.serviceType = serviceType
        self.messageID = messageID
        self.source = source
    }

    init(from reader: inout PDUReader) throws(SMPPDecodingError) {
        serviceType = try reader.readCString(.serviceType)
        messageID = try reader.readCString(.messageID)
        source = try reader.readSourceAddress()
    }

    func encode(into buffer: inout ByteBuffer, as id: CommandID) throws(SMPPEncodingError) {
        try buffer.writeCString(serviceType, .serviceType, pdu: id)
        try buffer.writeCString(messageID, .messageID, pdu: id)
        try buffer.writeAddress(source, .sourceAddr, pdu: id)
    }
}
