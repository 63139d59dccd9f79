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

    /// Octets the body takes at most on the wire, for reserving the one write (`PDUWriter`).
    var encodedLengthBound: Int {
        CStringField.serviceType.maxLength + CStringField.sourceAddr.addressBound + CStringField.messageID.maxLength + 1
            + CStringField.scheduleDeliveryTime.maxLength + CStringField.validityPeriod.maxLength + 3
    }

    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError) {
        try writer.writeCString(serviceType, .serviceType)
        try writer.writeAddress(source, .sourceAddr)
        try writer.writeCString(messageID, .messageID)
        writer.writeInteger(priorityFlag)
        try writer.writeTime(scheduleDeliveryTime, .scheduleDeliveryTime)
        try writer.writeTime(validityPeriod, .validityPeriod)
        writer.writeInteger(replaceIfPresentFlag)
        writer.writeInteger(dataCoding.rawValue)
        writer.writeInteger(smDefaultMsgID)
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

    /// Octets the body takes at most on the wire, for reserving the one write (`PDUWriter`).
    var encodedLengthBound: Int {
        CStringField.messageID.maxLength + CStringField.sourceAddr.addressBound
    }

    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError) {
        try writer.writeCString(messageID, .messageID)
        try writer.writeAddress(source, .sourceAddr)
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

    /// Octets the body takes at most on the wire, for reserving the one write (`PDUWriter`).
    var encodedLengthBound: Int {
        CStringField.serviceType.maxLength + CStringField.messageID.maxLength + CStringField.sourceAddr.addressBound
    }

    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError) {
        try writer.writeCString(serviceType, .serviceType)
        try writer.writeCString(messageID, .messageID)
        try writer.writeAddress(source, .sourceAddr)
    }
}
