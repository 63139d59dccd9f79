import Foundation

/// A search of the messages: every field set narrows it. Results come newest first; `before`
/// continues a page where the last one stopped.
public struct MessageQuery: Sendable, Hashable {
    /// The accounts the asker may see; nil sees all (the admin).
    public var scope: [Int64]?
    public var accountID: Int64?
    public var messageID: MessageID?
    public var source: String?
    public var destination: String?
    public var campaign: String?
    public var state: MessageLifecycle?
    public var from: Date?
    public var to: Date?
    /// Only messages older than this one (the last id of the previous page).
    public var before: MessageID?
    public var limit: Int

    public init(scope: [Int64]? = nil, accountID: Int64? = nil, messageID: MessageID? = nil, source: String? = nil,
                destination: String? = nil, campaign: String? = nil, state: MessageLifecycle? = nil, from: Date? = nil,
                to: Date? = nil, before: MessageID? = nil, limit: Int = 100) {
        self.scope = scope
        self.accountID = accountID
        self.messageID = messageID
        self.source = source
        self.destination = destination
        self.campaign = campaign
        self.state = state
        self.from = from
        self.to = to
        self.before = before
        self.limit = limit
    }
}

/// How a campaign is doing: its messages (parts) counted by where they are.
public struct CampaignSummary: Sendable, Hashable, Codable {
    public var campaign: String
    public var accountID: Int64
    public var systemID: String
    public var accepted: Int
    public var submitted: Int
    public var delivered: Int
    public var failed: Int
    public var pending: Int
    public var spent: Int
    public var firstAt: Date
    public var lastAt: Date

    public init(campaign: String, accountID: Int64, systemID: String, accepted: Int, submitted: Int, delivered: Int,
                failed: Int, pending: Int, spent: Int, firstAt: Date, lastAt: Date) {
        self.campaign = campaign
        self.accountID = accountID
        self.systemID = systemID
        self.accepted = accepted
        self.submitted = submitted
        self.delivered = delivered
        self.failed = failed
        self.pending = pending
        self.spent = spent
        self.firstAt = firstAt
        self.lastAt = lastAt
    }
}

/// One account's consumption in one hour (or day), from the rollup the store keeps as
/// messages are accepted and end.
public struct UsageRow: Sendable, Hashable, Codable {
    public var accountID: Int64
    /// The hour's (or day's) first second.
    public var periodStart: Date
    /// Logical messages (a long message counts once).
    public var messages: Int
    public var parts: Int
    /// Credit charged to this account.
    public var spent: Int
    /// Messages refused because the balance could not pay.
    public var refusedForCredit: Int
    /// Final states reached, by state name (delivered, undeliverable, expired, rejected, …).
    public var finalStates: [String: Int]
    /// Most sessions bound at once.
    public var sessionsPeak: Int

    public init(accountID: Int64, periodStart: Date, messages: Int = 0, parts: Int = 0, spent: Int = 0,
                refusedForCredit: Int = 0, finalStates: [String: Int] = [:], sessionsPeak: Int = 0) {
        self.accountID = accountID
        self.periodStart = periodStart
        self.messages = messages
        self.parts = parts
        self.spent = spent
        self.refusedForCredit = refusedForCredit
        self.finalStates = finalStates
        self.sessionsPeak = sessionsPeak
    }
}
