extension DeliveryReceipt {
    /// Combines a receipt's text with its TLVs, field by field, preferring the TLVs (reference §7;
    /// Kannel does the same): receipted_message_id over `id:`, message_state over `stat:`,
    /// network_error_code over `err:`.
    ///
    /// Works with no text at all when the TLVs carry id and state, and with a text that lacks
    /// what a TLV supplies. An empty receipted_message_id counts as absent. Throws
    /// ``ReceiptParseError`` only when neither source gives a message id or a state.
    public static func resolve(
        text: String?,
        receiptedMessageID: String?,
        messageState: MessageState?,
        networkErrorCode: (type: UInt8, code: UInt16)?
    ) throws(ReceiptParseError) -> ReceivedReceipt {
        let fields = text.map { ReceiptFields($0) } ?? ReceiptFields()

        let messageID: String
        if let receiptedMessageID, !receiptedMessageID.isEmpty {
            messageID = receiptedMessageID
        } else if let id = fields.id, !id.isEmpty {
            messageID = id
        } else {
            throw .missingField("id")
        }

        let state: MessageState
        if let messageState {
            state = messageState
        } else if let stat = fields.stat {
            state = stat
        } else if let unreadable = fields.unreadableStat {
            throw .invalidValue(field: "stat", value: unreadable)
        } else {
            throw .missingField("stat")
        }

        let error: ReceivedReceipt.ErrorCode?
        if let networkErrorCode {
            error = .network(type: networkErrorCode.type, code: networkErrorCode.code)
        } else {
            error = fields.err.map { .text($0) }
        }

        return ReceivedReceipt(
            messageID: messageID,
            state: state,
            error: error,
            parsedText: try? fields.receipt()
        )
    }
}
