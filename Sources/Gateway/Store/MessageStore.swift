import Foundation

/// Where messages, their timelines, pending receipts and accounts are kept durably.
///
/// The write path is one call, `apply(_:)`, which must make the whole batch durable in one
/// transaction before it returns: the gateway's group commit gathers many messages and state
/// changes into one batch, and acknowledges a message to its client only after the batch that
/// holds it has returned. Implementations: SQLite (the `Store` target) now, PostgreSQL later.
public protocol MessageStore: Sendable {
    /// Creates or upgrades the schema.
    func migrate() async throws

    // MARK: Writes

    /// Makes every write durable, all or nothing, in order.
    ///
    /// An accepted message with a price is charged in the same transaction: its account (and
    /// its reseller) must have the credit, else the message is kept as rejected and listed in
    /// the outcome. A message reaching a state in `refundOn` gives its charges back.
    func apply(_ writes: [StoreWrite], refundOn: Set<MessageLifecycle>) async throws -> ApplyOutcome

    /// `apply(_:refundOn:)` on the calling thread, which it blocks until the batch is durable.
    /// The group committer calls it from a thread of its own: the store's one writer is the
    /// gateway's serial step, and a hop to another thread and back between two batches waits
    /// to be scheduled on a busy machine. Never call it from an event loop or a task.
    /// The writes come in parts, applied in order in the one transaction: the committer's
    /// two lanes, which joining into one array would copy.
    func applyOnCallingThread(_ parts: [[StoreWrite]], refundOn: Set<MessageLifecycle>) throws -> ApplyOutcome

    // MARK: Messages

    func message(_ id: MessageID) async throws -> Message?
    /// The message an upstream receipt is about: `upstreamIDs` are the candidate keys from
    /// `UpstreamMessageID.candidates`, tried in order.
    func message(connector: String, upstreamIDs: [String]) async throws -> Message?
    /// The message's timeline, oldest first.
    func events(of id: MessageID) async throws -> [MessageEvent]
    /// Messages accepted but not yet acknowledged by an upstream (accepted, routed, retrying),
    /// oldest first: what the dispatcher must send after a restart.
    func messagesAwaitingDispatch(limit: Int) async throws -> [Message]
    /// Messages a connector acknowledged and that have no final state yet, oldest first.
    func messagesAwaitingReceipt(connector: String, limit: Int) async throws -> [Message]

    // MARK: Receipts waiting for a receiver session

    func pendingReceipts(accountID: Int64, limit: Int) async throws -> [PendingReceipt]
    func pendingReceiptCount(accountID: Int64) async throws -> Int
    /// MO messages waiting for the account, oldest first.
    func pendingMobileOriginated(accountID: Int64, limit: Int) async throws -> [PendingMobileOriginated]

    // MARK: Accounts

    func account(systemID: String) async throws -> Account?
    func account(id: Int64) async throws -> Account?
    func accounts() async throws -> [Account]
    /// How many messages of the account have an id at or after `firstID` (ids grow with time).
    func messageCount(accountID: Int64, since firstID: MessageID) async throws -> Int
    /// Inserts a new account and returns it with its id; a duplicate system_id throws
    /// `StoreError.duplicateAccount`.
    func insertAccount(_ account: Account) async throws -> Account
    /// Replaces the account with the same id; throws `StoreError.accountNotFound` if none.
    func updateAccount(_ account: Account) async throws
    /// Returns whether an account was removed.
    func removeAccount(systemID: String) async throws -> Bool
    /// The accounts a reseller owns.
    func accounts(resellerID: Int64) async throws -> [Account]

    // MARK: Credit

    func balance(accountID: Int64) async throws -> Int
    /// Applies a top-up or transfer, all or nothing, and returns its ledger entries.
    func changeCredit(_ change: CreditChange) async throws -> [LedgerEntry]
    /// The account's ledger, newest first; `before` continues from an entry id.
    func ledger(accountID: Int64, before: Int64?, limit: Int) async throws -> [LedgerEntry]
    /// The sum of the account's ledger entries (equal to its balance, always).
    func ledgerSum(accountID: Int64) async throws -> Int

    // MARK: API tokens

    func insertToken(accountID: Int64, name: String, secretHash: PasswordHash) async throws -> APIToken
    func token(id: Int64) async throws -> APIToken?
    func tokens(accountID: Int64) async throws -> [APIToken]
    func removeToken(id: Int64) async throws -> Bool

    // MARK: Audit

    func appendAudit(_ entry: AuditEntry) async throws
    /// Entries newest first. `scope` limits them to changes made by, or about, those accounts.
    func audit(scope: [Int64]?, before: Int64?, limit: Int) async throws -> [AuditEntry]

    // MARK: Tracking

    func searchMessages(_ query: MessageQuery) async throws -> [Message]
    /// Campaigns of the accounts in `scope` (all when nil), newest first; `name` picks one.
    func campaigns(scope: [Int64]?, name: String?, limit: Int) async throws -> [CampaignSummary]
    /// Consumption rows of the accounts in `scope` between two times, by hour or by day.
    func usage(scope: [Int64]?, from: Date, to: Date, daily: Bool) async throws -> [UsageRow]

    /// Closes files and connections.
    func close() async throws
}

/// One durable change, applied inside a group-commit batch.
public enum StoreWrite: Sendable, Hashable {
    /// A new message, accepted at its `receivedAt`; when its state is `routed` (with a
    /// connector) it was routed at that same time, and the timeline shows both steps.
    case accept(Message)
    /// A change of state, appended to the timeline and reflected on the message row (state,
    /// connector, upstream id and its canonical key, error code, attempts + 1 on `retrying`).
    case transition(MessageTransition)
    /// replace_sm: new text, validity and schedule for a message still inside Tern.
    case replace(MessageID, shortMessage: [UInt8], expiresAt: Date?, scheduledAt: Date?, registeredDelivery: UInt8?)
    /// A receipt waiting for a receiver session of its account.
    case queueReceipt(PendingReceipt)
    /// A queued receipt was delivered to a client, or expired: remove it.
    case removeReceipt(MessageID)
    /// An MO message waiting for a receiver session of its account.
    case queueMobileOriginated(PendingMobileOriginated)
    /// A waiting MO message was delivered to a client, or expired: remove it.
    case removeMobileOriginated(MessageID)
    /// An account has `count` sessions bound at `at`: raises that hour's peak if higher.
    case sessionsBound(accountID: Int64, at: Date, count: Int)
}

extension MessageStore {
    /// Writes with no refunds (tests, tools).
    @discardableResult
    public func apply(_ writes: [StoreWrite]) async throws -> ApplyOutcome {
        try await apply(writes, refundOn: [])
    }
}

/// An MO message owed to a client, kept until a receiver session of the account takes it.
public struct PendingMobileOriginated: Sendable, Hashable {
    /// Tern's own id for it (ids grow with time, so ordering by id is arrival order).
    public var id: MessageID
    public var accountID: Int64
    public var message: MobileOriginatedMessage
    public var expiresAt: Date

    public init(id: MessageID, accountID: Int64, message: MobileOriginatedMessage, expiresAt: Date) {
        self.id = id
        self.accountID = accountID
        self.message = message
        self.expiresAt = expiresAt
    }
}

/// A delivery receipt owed to a client, kept until a receiver session of the account takes it.
public struct PendingReceipt: Sendable, Hashable {
    public var messageID: MessageID
    public var accountID: Int64
    public var state: MessageLifecycle
    /// The receipt's `err:` value (three digits on the wire).
    public var errorCode: Int
    public var doneAt: Date
    public var expiresAt: Date

    public init(messageID: MessageID, accountID: Int64, state: MessageLifecycle, errorCode: Int, doneAt: Date, expiresAt: Date) {
        self.messageID = messageID
        self.accountID = accountID
        self.state = state
        self.errorCode = errorCode
        self.doneAt = doneAt
        self.expiresAt = expiresAt
    }
}

/// Store failures a caller can act on.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case duplicateAccount(String)
    case accountNotFound(String)
    case unavailable(String)
    /// A reseller or admin that still owns accounts cannot be removed.
    case accountHasUsers(String, count: Int)

    public var description: String {
        switch self {
        case .duplicateAccount(let systemID): return "an account with system_id '\(systemID)' already exists"
        case .accountNotFound(let systemID): return "no account with system_id '\(systemID)'"
        case .unavailable(let reason): return "the message store is unavailable: \(reason)"
        case .accountHasUsers(let systemID, let count):
            return "'\(systemID)' still owns \(count) account(s); move or remove them first"
        }
    }
}
