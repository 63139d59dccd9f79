/// A delivery receipt as Tern acts on it: message id, state and error, taken from the receipt
/// TLVs when present and from the text otherwise.
public struct ReceivedReceipt: Hashable, Sendable {
    /// receipted_message_id (0x001E), else the text's `id:`.
    public var messageID: String
    /// message_state (0x0427), else the text's `stat:`.
    public var state: MessageState
    /// network_error_code (0x0423), else the text's `err:`; nil when neither is there.
    public var error: ErrorCode?
    /// The text, when it was a complete receipt on its own.
    public var parsedText: DeliveryReceipt?

    public init(messageID: String, state: MessageState, error: ErrorCode?, parsedText: DeliveryReceipt?) {
        self.messageID = messageID
        self.state = state
        self.error = error
        self.parsedText = parsedText
    }
}
