/// A client of the gateway: the credentials an ESME binds with and the limits that apply to it.
///
/// Accounts live in the store. Later issues add resellers, credit and policies; the optional
/// fields here are where those grow, so existing rows stay valid.
public struct Account: Sendable, Hashable, Codable {
    /// The store's key; `nil` until the account is inserted.
    public var id: Int64?
    /// The SMPP system_id (at most 15 characters, reference §4.1).
    public var systemID: String
    public var passwordHash: PasswordHash
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
