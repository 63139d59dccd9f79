/// A client of the gateway: the credentials an ESME binds with, the limits that apply to it, and
/// where it sits in the business (admin, reseller, or a user of one of them).
///
/// Accounts live in the store. The balance is not here: it changes with every charged message,
/// inside the store's transaction, and is read from the store when it is needed.
public struct Account: Sendable, Hashable, Codable {
    /// The store's key; `nil` until the account is inserted.
    public var id: Int64?
    /// The SMPP system_id (at most 15 characters, reference §4.1). Also the account's login name.
    public var systemID: String
    public var passwordHash: PasswordHash
    public var role: AccountRole = .user
    /// What people call the account (a company, a department); free text.
    public var name: String = ""
    /// The password for the HTTP API and web login; nil when the account logs in with tokens
    /// only. Separate from the SMPP password, which SMPP 3.4 limits to 8 characters.
    public var loginPasswordHash: PasswordHash?
    /// Sender IDs (source_addr) the account may use; empty allows any.
    public var allowedSenders: [String] = []
    /// The price of a message part when the `bill` hook does not answer; nil charges nothing.
    public var pricePlan: PricePlan?
    public var enabled: Bool
    /// How many sessions may be bound at once (a transmitter and a receiver count as two).
    public var maxBinds: Int
    /// Messages per second accepted from all of this account's sessions; `nil` is unlimited.
    public var throughput: Int?
    /// Source networks the account may bind from; empty allows any.
    public var allowedNetworks: [IPNetwork]
    public var receipts: ReceiptPreferences
    /// The reseller this account belongs to (resellers arrive with the credit issue).
    public var resellerID: Int64?
    /// A Lua policy file for this account (used by the scripting issue).
    public var policy: String?

    public init(
        id: Int64? = nil, systemID: String, passwordHash: PasswordHash, enabled: Bool = true,
        maxBinds: Int = 4, throughput: Int? = nil, allowedNetworks: [IPNetwork] = [],
        receipts: ReceiptPreferences = ReceiptPreferences(), resellerID: Int64? = nil, policy: String? = nil
    ) {
        self.id = id
        self.systemID = systemID
        self.passwordHash = passwordHash
        self.enabled = enabled
        self.maxBinds = maxBinds
        self.throughput = throughput
        self.allowedNetworks = allowedNetworks
        self.receipts = receipts
        self.resellerID = resellerID
        self.policy = policy
    }

    /// Whether the account may send from `sender` (`allowedSenders`, compared without case).
    public func allowsSender(_ sender: String) -> Bool {
        if allowedSenders.isEmpty { return true }
        return allowedSenders.contains { $0.caseInsensitiveCompare(sender) == .orderedSame }
    }

    /// Whether a bind from `address` is allowed by `allowedNetworks`.
    public func allowsBind(from address: IPAddressBytes?) -> Bool {
        if allowedNetworks.isEmpty { return true }
        guard let address else { return false }
        return allowedNetworks.contains { $0.contains(address) }
    }
}

/// What an account wants done with delivery receipts.
public struct ReceiptPreferences: Sendable, Hashable, Codable {
    /// How long a receipt waits for a receiver session before it is dropped.
    public var keepSeconds: Int
    /// Whether to send receipts at all when the client asked for one (registered_delivery).
    public var enabled: Bool

    public init(keepSeconds: Int = 72 * 3600, enabled: Bool = true) {
        self.keepSeconds = keepSeconds
        self.enabled = enabled
    }
}

/// Where an account sits: the aggregator's own staff, a reseller of its credit, or a user who
/// sends messages (of a reseller, or directly of the aggregator).
public enum AccountRole: String, Sendable, Hashable, Codable, CaseIterable {
    case admin
    case reseller
    case user
}
