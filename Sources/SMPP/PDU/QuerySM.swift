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

    func encode(into buffer: inout ByteBuffer, as id: CommandID) throws(SMPPEncodingError) {
        try buffer.writeCString(messageID, .messageID, pdu: id)
        try buffer.writeAddress(source, .sourceAddr, pdu: id)
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

    func encode(into buffer: inout ByteBuffer, as id: CommandID) throws(SMPPEncodingError) {
        try buffer.writeCString(messageID, .messageID, pdu: id)
        try buffer.writeTime(finalDate, .finalDate, pdu: id)
        buffer.writeInteger(messageState.rawValue)
        buffer.writeInteger(errorCode)
    }
}
