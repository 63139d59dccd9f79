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
        // Fields go into locals and then one `self.init`: assigning `self.x = try …` field by field
        // makes the compiler build the value aside and copy it out, retains and all.
        let serviceType = try reader.readCString(.serviceType)
        let source = try reader.readSourceAddress()
        let destination = try reader.readDestinationAddress()
        let esmClass = ESMClass(rawValue: try reader.readUInt8("esm_class"))
        let protocolID = try reader.readUInt8("protocol_id")
        let priorityFlag = try reader.readPriorityFlag()
        let scheduleDeliveryTime = try reader.readTime(.scheduleDeliveryTime)
        let validityPeriod = try reader.readTime(.validityPeriod)
        let registeredDelivery = RegisteredDelivery(rawValue: try reader.readUInt8("registered_delivery"))
        let replaceIfPresentFlag = try reader.readReplaceIfPresentFlag()
        let dataCoding = DataCoding(rawValue: try reader.readUInt8("data_coding"))
        let smDefaultMsgID = try reader.readUInt8("sm_default_msg_id")
        let shortMessage = try reader.readShortMessage()
        self.init(serviceType: serviceType, source: source, destination: destination, esmClass: esmClass, protocolID: protocolID,
                  priorityFlag: priorityFlag, scheduleDeliveryTime: scheduleDeliveryTime, validityPeriod: validityPeriod,
                  registeredDelivery: registeredDelivery, replaceIfPresentFlag: replaceIfPresentFlag, dataCoding: dataCoding,
                  smDefaultMsgID: smDefaultMsgID, shortMessage: shortMessage)
    }

    /// Octets the body takes at most on the wire, for reserving the one write (`PDUWriter`).
    var encodedLengthBound: Int {
        CStringField.serviceType.maxLength + CStringField.sourceAddr.addressBound + CStringField.destinationAddr.addressBound + 3
            + CStringField.scheduleDeliveryTime.maxLength + CStringField.validityPeriod.maxLength + 4 + shortMessageBound(shortMessage)
    }

    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError) {
        try writer.writeCString(serviceType, .serviceType)
        try writer.writeAddress(source, .sourceAddr)
        try writer.writeAddress(destination, .destinationAddr)
        try writer.writeContent(self)
    }
}

/// deliver_sm: the MC hands an ESME a mobile-originated message or a delivery receipt.
public typealias DeliverSM = SubmitSM
