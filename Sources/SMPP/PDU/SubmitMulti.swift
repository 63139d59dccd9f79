import NIOCore

/// One destination of a submit_multi: an SME address (dest_flag 1) or a distribution list (2).
public enum DestinationAddress: Hashable, Sendable {
    case sme(Address)
    case distributionList(String)
}

/// submit_multi: one message to up to 254 destinations (255 in SMPP 5.0).
public struct SubmitMulti: Hashable, Sendable {
    public var serviceType: String
    public var source: Address
    public var destinations: [DestinationAddress]
    public var esmClass: ESMClass
    public var protocolID: UInt8
    public var priorityFlag: UInt8
    public var scheduleDeliveryTime: String
    public var validityPeriod: String
    public var registeredDelivery: RegisteredDelivery
    public var replaceIfPresentFlag: UInt8
    public var dataCoding: DataCoding
    public var smDefaultMsgID: UInt8
    public var shortMessage: ByteBuffer

    public init(
        serviceType: String = "", source: Address, destinations: [DestinationAddress], esmClass: ESMClass = ESMClass(rawValue: 0),
        protocolID: UInt8 = 0, priorityFlag: UInt8 = 0, scheduleDeliveryTime: String = "", validityPeriod: String = "",
        registeredDelivery: RegisteredDelivery = .none, replaceIfPresentFlag: UInt8 = 0, dataCoding: DataCoding = .mcDefault,
        smDefaultMsgID: UInt8 = 0, shortMessage: ByteBuffer = ByteBuffer()
    ) {
        self.serviceType = serviceType
        self.source = source
        self.destinations = destinations
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
        let countOffset = reader.offset
        let count = Int(try reader.readUInt8("number_of_dests"))
        guard count >= 1 else {
            throw reader.invalid("number_of_dests", .invalidNumberOfDestinations, "number_of_dests must be 1–254 (255 in SMPP 5.0), got 0", at: countOffset)
        }
        var destinations: [DestinationAddress] = []
        destinations.reserveCapacity(count)
        for _ in 0..<count {
            let flagOffset = reader.offset
            switch try reader.readUInt8("dest_flag") {
            case 1: destinations.append(.sme(try reader.readDestinationAddress()))
            case 2: destinations.append(.distributionList(try reader.readCString(.dlName)))
            case let flag:
                throw reader.invalid("dest_flag", .invalidDestinationFlag, "dest_flag must be 1 (SME address) or 2 (distribution list), got \(flag)", at: flagOffset)
            }
        }
        self.destinations = destinations
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

    /// Octets the body takes at most on the wire, for reserving the one write (`PDUWriter`). More
    /// than 255 destinations are refused before any is written.
    var encodedLengthBound: Int {
        let destination = max(1 + CStringField.destinationAddr.addressBound, 1 + CStringField.dlName.maxLength)
        return CStringField.serviceType.maxLength + CStringField.sourceAddr.addressBound + 1 + min(destinations.count, 255) * destination + 3
            + CStringField.scheduleDeliveryTime.maxLength + CStringField.validityPeriod.maxLength + 4 + shortMessageBound(shortMessage)
    }

    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError) {
        try writer.writeCString(serviceType, .serviceType)
        try writer.writeAddress(source, .sourceAddr)
        guard (1...255).contains(destinations.count) else {
            throw SMPPEncodingError(pdu: writer.commandID.name, field: "number_of_dests", reason: "\(destinations.count) destinations; 1–254 allowed (255 in SMPP 5.0)")
        }
        writer.writeInteger(UInt8(destinations.count))
        for destination in destinations {
            switch destination {
            case .sme(let address):
                writer.writeInteger(UInt8(1))
                try writer.writeAddress(address, .destinationAddr)
            case .distributionList(let name):
                writer.writeInteger(UInt8(2))
                try writer.writeCString(name, .dlName)
            }
        }
        try writer.writeContent(self)
    }
}

/// A destination of a submit_multi that the MC could not accept, with the reason.
public struct UnsuccessfulSME: Hashable, Sendable {
    public var address: Address
    public var errorStatusCode: CommandStatus

    public init(address: Address, errorStatusCode: CommandStatus) {
        self.address = address
        self.errorStatusCode = errorStatusCode
    }
}

/// submit_multi_resp: the message_id and the destinations that failed.
public struct SubmitMultiResp: Hashable, Sendable {
    public var messageID: String
    public var unsuccessful: [UnsuccessfulSME]

    public init(messageID: String, unsuccessful: [UnsuccessfulSME] = []) {
        self.messageID = messageID
        self.unsuccessful = unsuccessful
    }

    init(from reader: inout PDUReader) throws(SMPPDecodingError) {
        messageID = try reader.readCString(.messageID)
        let count = Int(try reader.readUInt8("no_unsuccess"))
        var unsuccessful: [UnsuccessfulSME] = []
        unsuccessful.reserveCapacity(count)
        for _ in 0..<count {
            let address = try reader.readDestinationAddress()
            let status = CommandStatus(rawValue: try reader.readUInt32("error_status_code"))
            unsuccessful.append(UnsuccessfulSME(address: address, errorStatusCode: status))
        }
        self.unsuccessful = unsuccessful
    }

    /// Octets the body takes at most on the wire, for reserving the one write (`PDUWriter`). More
    /// than 255 entries are refused before any is written.
    var encodedLengthBound: Int {
        CStringField.messageID.maxLength + 1 + min(unsuccessful.count, 255) * (CStringField.destinationAddr.addressBound + 4)
    }

    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError) {
        try writer.writeCString(messageID, .messageID)
        guard unsuccessful.count <= 255 else {
            throw SMPPEncodingError(pdu: writer.commandID.name, field: "no_unsuccess", reason: "\(unsuccessful.count) entries; at most 255 fit")
        }
        writer.writeInteger(UInt8(unsuccessful.count))
        for entry in unsuccessful {
            try writer.writeAddress(entry.address, .destinationAddr)
            writer.writeInteger(entry.errorStatusCode.rawValue)
        }
    }
}
