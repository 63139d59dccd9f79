import NIOCore

/// submit_sm: an ESME hands the MC one short message. deliver_sm has the very same body.
public struct SubmitSM: Hashable, Sendable {
    public var serviceType: String
    public var source: Address
    public var destination: Address
    public var esmClass: ESMClass
    public var protocolID: UInt8
    /// 0–3 in SMPP 3.4, up to 4 in 5.0.
    public var priorityFlag: UInt8
    /// Empty, or `YYMMDDhhmmsstnnp` (see `SMPPTime`).
    public var scheduleDeliveryTime: String
    /// Empty, or `YYMMDDhhmmsstnnp` (see `SMPPTime`).
    public var validityPeriod: String
    public var registeredDelivery: RegisteredDelivery
    public var replaceIfPresentFlag: UInt8
    public var dataCoding: DataCoding
    public var smDefaultMsgID: UInt8
    /// 0–254 octets; longer content goes into the message_payload TLV.
    public var shortMessage: ByteBuffer

    public init(
        serviceType: String = "", source: Address, destination: Address, esmClass: ESMClass = ESMClass(rawValue: 0),
        protocolID: UInt8 = 0, priorityFlag: UInt8 = 0, scheduleDeliveryTime: String = "", validityPeriod: String = "",
        registeredDelivery: RegisteredDelivery = .none, replaceIfPresentFlag: UInt8 = 0, dataCoding: DataCoding = .mcDefault,
        smDefaultMsgID: UInt8 = 0, shortMessage: ByteBuffer = ByteBuffer()
    ) {
        self.serviceType = serviceType
        self.source = source
        self.destination = destination
        self.esmClass = esmClass
        self.protocolID = protocolID
        self.priorityFlag = priorityFlag
        self.scheduleDeliveryTime = scheduleDeliveryTime
        self.validityPeriod = validityPeriod
        self.registeredDelivery = registeredDelivery
        self.replaceIfPresentFlag = replaceIfPresentFlag
        self.dataCoding = dataCoding
        self.smDefaultMsgID = smDefaultMsgID
        self.shortMessage = shortMessage
    }

    init(from reader: inout PDUReader) throws(SMPPDecodingError) {
        serviceType = try reader.readCString(.serviceType)
        source = try reader.readSourceAddress()
        destination = try reader.readDestinationAddress()
        esmClass = ESMClass(rawValue: try reader.readUInt8("esm_class"))
        protocolID = try reader.readUInt8("protocol_id")
        priorityFlag = try reader.readPriorityFlag()
        scheduleDeliveryTime = try reader.readTime(.scheduleDeliveryTime)
        validityPeriod = try reader.readTime(.validityPeriod)
        registeredDelivery = RegisteredDelivery(rawValue: try reader.readUInt8("registered_delivery"))
        replaceIfPresentFlag = try reader.readReplaceIfPresentFlag()
        dataCoding = DataCoding(rawValue: try reader.readUInt8("data_coding"))
        smDefaultMsgID = try reader.readUInt8("sm_default_msg_id")
        shortMessage = try reader.readShortMessage()
    }

    func encode(into buffer: inout ByteBuffer, as id: CommandID) throws(SMPPEncodingError) {
        try buffer.writeCString(serviceType, .serviceType, pdu: id)
        try buffer.writeAddress(source, .sourceAddr, pdu: id)
        try buffer.writeAddress(destination, .destinationAddr, pdu: id)
        buffer.writeInteger(esmClass.rawValue)
        buffer.writeInteger(protocolID)
        buffer.writeInteger(priorityFlag)
        try buffer.writeTime(scheduleDeliveryTime, .scheduleDeliveryTime, pdu: id)
        try buffer.writeTime(validityPeriod, .validityPeriod, pdu: id)
        buffer.writeInteger(registeredDelivery.rawValue)
        buffer.writeInteger(replaceIfPresentFlag)
        buffer.writeInteger(dataCoding.rawValue)
        buffer.writeInteger(smDefaultMsgID)
        try buffer.writeShortMessage(shortMessage, pdu: id)
    }
}

/// deliver_sm: the MC hands an ESME a mobile-originated message or a delivery receipt.
public typealias DeliverSM = SubmitSM
