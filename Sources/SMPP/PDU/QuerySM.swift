import NIOCore

/// query_sm: asks for the state of a message submitted earlier.
public struct QuerySM: Hashable, Sendable {
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

/// query_sm_resp: the message's state, when it reached it, and the network error.
public struct QuerySMResp: Hashable, Sendable {
    public var messageID: String
    /// Empty while the message is not final, else `YYMMDDhhmmsstnnp`.
    public var finalDate: String
    public var messageState: MessageState
    public var errorCode: UInt8

    public init(messageID: String, finalDate: String = "", messageState: MessageState, errorCode: UInt8 = 0) {
        self.messageID = messageID
        self.finalDate = finalDate
        self.messageState = messageState
        self.errorCode = errorCode
    }

    init(from reader: inout PDUReader) throws(SMPPDecodingError) {
        messageID = try reader.readCString(.messageID)
        finalDate = try reader.readTime(.finalDate)
        messageState = MessageState(rawValue: try reader.readUInt8("message_state"))
        errorCode = try reader.readUInt8("error_code")
    }

    /// Octets the body takes at most on the wire, for reserving the one write (`PDUWriter`).
    var encodedLengthBound: Int {
        CStringField.messageID.maxLength + CStringField.finalDate.maxLength + 2
    }

    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError) {
        try writer.writeCString(messageID, .messageID)
        try writer.writeTime(finalDate, .finalDate)
        writer.writeInteger(messageState.rawValue)
        writer.writeInteger(errorCode)
    }
}
