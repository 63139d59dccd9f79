import NIOCore

/// submit_sm_resp: the MC's message_id for the submitted message. The body may be absent when
/// the status is an error. deliver_sm_resp, data_sm_resp, broadcast_sm_resp and
/// query_broadcast_sm_resp have the same mandatory body.
public struct SubmitSMResp: Hashable, Sendable {
    /// nil when the response carried no body at all.
    public var messageID: String?

    public init(messageID: String?) { self.messageID = messageID }

    init(from reader: inout PDUReader) throws(SMPPDecodingError) {
        messageID = try reader.readOptionalCString(.messageID)
    }

    /// Octets the body takes at most on the wire, for reserving the one write (`PDUWriter`).
    var encodedLengthBound: Int { messageID == nil ? 0 : CStringField.messageID.maxLength }

    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError) {
        if let messageID { try writer.writeCString(messageID, .messageID) }
    }
}

/// deliver_sm_resp: message_id is always sent as a single NUL.
public typealias DeliverSMResp = SubmitSMResp
/// data_sm_resp: the MC's message_id, plus result TLVs.
public typealias DataSMResp = SubmitSMResp
/// broadcast_sm_resp: the MC's message_id for the broadcast.
public typealias BroadcastSMResp = SubmitSMResp
/// query_broadcast_sm_resp: message_id; state and areas travel in required TLVs.
public typealias QueryBroadcastSMResp = SubmitSMResp
