import NIOCore

extension DeliverSM {
    /// A deliver_sm carrying `receipt` the way SMPP clients expect it (reference/clients.md):
    /// esm_class 0x04, the classic text with 10-digit dates, and the receipted_message_id and
    /// message_state TLVs holding the very same id and state as the text.
    ///
    /// The receipt travels back along the message's path: its source is the handset the message
    /// went to (Kannel matches on that number), its destination the original sender.
    public static func receipt(
        _ receipt: DeliveryReceipt,
        originalSource: Address,
        originalDestination: Address,
        networkErrorCode: (type: UInt8, code: UInt16)? = nil
    ) throws(SMPPEncodingError) -> (body: DeliverSM, tlvs: TLVList) {
        var text = ByteBuffer()
        let length = receipt.format(into: &text)
        guard length <= 254 else {
            throw SMPPEncodingError(pdu: "deliver_sm", field: "short_message", reason: "receipt text of \(length) octets is over 254; shorten the id or the text")
        }
        var tlvs = TLVList()
        try tlvs.appendString(.receiptedMessageID, receipt.id)
        try tlvs.appendInteger(.messageState, UInt32(receipt.stat.rawValue))
        if let networkErrorCode {
            var value = ByteBuffer()
            value.writeInteger(networkErrorCode.type)
            value.writeInteger(networkErrorCode.code)
            try tlvs.append(.networkErrorCode, value)
        }
        let body = DeliverSM(source: originalDestination, destination: originalSource, esmClass: .deliveryReceipt,
                             dataCoding: .mcDefault, shortMessage: text)
        return (body, tlvs)
    }
}

extension PDU {
    /// The delivery receipt this deliver_sm or data_sm carries, from its TLVs first and its
    /// text second; nil when the PDU is not a receipt (esm_class message type 0x04 or 0x20).
    public func deliveryReceipt() throws(ReceiptParseError) -> ReceivedReceipt? {
        let esmClass: ESMClass
        let text: ByteBuffer?
        switch body {
        case .deliverSM(let deliver):
            esmClass = deliver.esmClass
            text = deliver.shortMessage.readableBytes > 0 ? deliver.shortMessage : tlvs.messagePayload
        case .dataSM(let data):
            esmClass = data.esmClass
            text = tlvs.messagePayload
        default:
            return nil
        }
        guard esmClass.isDeliveryReceipt || esmClass.isIntermediateNotification else { return nil }
        return try DeliveryReceipt.resolve(
            text: text.map { String(decoding: $0.readableBytesView, as: UTF8.self) },
            receiptedMessageID: tlvs.receiptedMessageID,
            messageState: tlvs.messageState.map(MessageState.init(rawValue:)),
            networkErrorCode: tlvs.networkErrorCode)
    }
}
