import Foundation

/// One change made through the API or the CLI: who, when, from where, what.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var id: Int64
    public var at: Date
    /// The account that made the change ("local" for the CLI's admin token).
    public var actor: String
    public var actorID: Int64?
    /// The client's address.
    public var remote: String
    /// What was done: "account.create", "credit.top_up", "session.detach", "reload", …
    public var action: String
    /// What it was done to (an account's system_id, a session id).
    public var target: String
    /// The account the change concerns, so resellers and users see the entries about theirs.
    public var targetAccountID: Int64?
    /// What changed, in words or as JSON.
    public var detail: String

    public init(id: Int64 = 0, at: Date = Date(), actor: String, actorID: Int64?, remote: String, action: String,
                target: String, targetAccountID: Int64?, detail: String) {
        self.id = id
        self.at = at
        self.actor = actor
        self.actorID = actorID
        self.remote = remote
        self.action = action
        self.target = target
        self.targetAccountID = targetAccountID
        self.detail = detail
    }
}
