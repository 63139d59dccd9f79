import Foundation

/// One change of a message's state, stored with its time so the whole timeline can be shown.
public struct MessageTransition: Sendable, Hashable {
    public var messageID: MessageID
    public var at: Date
    public var state: MessageLifecycle
    /// Set when the change names a connector (routed, submitted, retrying).
    public var connector: String?
    /// The upstream's id for the message (submitted) exactly as the upstream wrote it.
    public var upstreamID: String?
    /// The SMPP command_status or receipt error code behind the change.
    public var errorCode: Int?
    /// Why, in words (retry reason, rejection reason).
    public var detail: String?
    /// The message's account, when whoever reports the change knows it (a matched receipt): the
    /// store counts a final state per account and need not read the row back for it. Not stored
    /// with the step: a `MessageEvent` read back has none, so compare timelines without it.
    public var accountID: Int64?

    public init(messageID: MessageID, at: Date = Date(), state: MessageLifecycle, connector: String? = nil,
                upstreamID: String? = nil, errorCode: Int? = nil, detail: String? = nil, accountID: Int64? = nil) {
        self.messageID = messageID
        self.at = at
        self.state = state
        self.connector = connector
        self.upstreamID = upstreamID
        self.errorCode = errorCode
        self.detail = detail
        self.accountID = accountID
    }
}

/// A stored transition as read back.
public typealias MessageEvent = MessageTransition
