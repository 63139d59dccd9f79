/// The text of an SMPP delivery receipt (reference §7): what an MC puts in a receipt's
/// short_message, `id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…`.
///
/// Tern builds one with ``format(dateStyle:includingExtraFields:)`` for its own clients and reads
/// upstream ones with ``parse(_:)``; ``resolve(text:receiptedMessageID:messageState:networkErrorCode:)``
/// combines the text with the receipt TLVs, which win when present.
public struct DeliveryReceipt: Hashable, Sendable {
    /// `id:` — the message_id returned in submit_sm_resp, exactly (case included).
    public var id: String
    /// `sub:` — messages originally submitted; 0 when absent or not a number.
    public var submitted: Int
    /// `dlvrd:` — messages delivered; 0 when absent or not a number.
    public var delivered: Int
    /// `submit date:`; nil when absent.
    public var submitDate: ReceiptDate?
    /// `done date:`; nil when absent.
    public var doneDate: ReceiptDate?
    /// `stat:` — the message state.
    public var stat: MessageState
    /// `err:` — the network or MC error code as sent (usually 3 digits); empty when absent.
    public var err: String
    /// `text:` — the start of the original message; nil when the receipt has no `text:` field.
    public var text: String?
    /// Fields that are not part of the classic form (`imsi:`, `mcc:` …), in order, as sent.
    public var extraFields: [Field]

    /// Builds a receipt. `delivered` defaults to 1 for DELIVRD and 0 otherwise.
    public init(
        id: String,
        submitted: Int = 1,
        delivered: Int? = nil,
        submitDate: ReceiptDate?,
        doneDate: ReceiptDate?,
        stat: MessageState,
        err: String = "000",
        text: String? = "",
        extraFields: [Field] = []
    ) {
        self.id = id
        self.submitted = submitted
        self.delivered = delivered ?? (stat == .delivered ? 1 : 0)
        self.submitDate = submitDate
        self.doneDate = doneDate
        self.stat = stat
        self.err = err
        self.text = text
        self.extraFields = extraFields
    }
}
