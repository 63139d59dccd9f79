import Foundation

/// One movement of an account's credit. The account's balance is always the sum of its
/// entries: the store writes both in the same transaction.
public struct LedgerEntry: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Credit added (or, negative, taken back) by the admin.
        case topUp = "top_up"
        /// Credit moved between a reseller and one of its users, leaving this account…
        case transferOut = "transfer_out"
        /// …or arriving in it.
        case transferIn = "transfer_in"
        /// A message part's price.
        case charge
        /// A charged message ended in a state the config refunds.
        case refund
    }

    public var id: Int64
    public var accountID: Int64
    public var at: Date
    /// Minor units: positive adds credit, negative takes it.
    public var amount: Int
    public var balanceAfter: Int
    public var kind: Kind
    public var messageID: MessageID?
    /// Why, in words (the top-up's note, the refunded state).
    public var reason: String
    /// The account that made the change (nil for the gateway's own charges and refunds).
    public var actor: String?

    public init(id: Int64, accountID: Int64, at: Date, amount: Int, balanceAfter: Int, kind: Kind,
                messageID: MessageID?, reason: String, actor: String?) {
        self.id = id
        self.accountID = accountID
        self.at = at
        self.amount = amount
        self.balanceAfter = balanceAfter
        self.kind = kind
        self.messageID = messageID
        self.reason = reason
        self.actor = actor
    }
}

/// A change of credit made by a person (through the API or the CLI).
public enum CreditChange: Sendable, Hashable {
    /// The admin adds `amount` to an account (negative takes it back, never below zero).
    case topUp(accountID: Int64, amount: Int, reason: String, actor: String)
    /// A reseller moves `amount` (positive) of its own balance to one of its users, or takes it
    /// back (negative), never leaving either balance below zero.
    case transfer(from: Int64, to: Int64, amount: Int, reason: String, actor: String)
}

/// Why a credit change or a charge was refused.
public enum CreditError: Error, Sendable, Hashable, CustomStringConvertible {
    case insufficient(systemID: String, balance: Int, needed: Int)
    case accountNotFound(Int64)
    case zeroAmount

    public var description: String {
        switch self {
        case .insufficient(let systemID, let balance, let needed):
            return "insufficient credit: '\(systemID)' has \(balance), needs \(needed)"
        case .accountNotFound(let id): return "no account with id \(id)"
        case .zeroAmount: return "the amount must not be zero"
        }
    }
}

/// What one `MessageStore.apply` did beyond writing: messages the store refused because a
/// balance could not pay for them (kept as rejected, never dispatched).
public struct ApplyOutcome: Sendable, Hashable {
    public var refusedForCredit: [MessageID: String]

    public init(refusedForCredit: [MessageID: String] = [:]) {
        self.refusedForCredit = refusedForCredit
    }

    public mutating func merge(_ other: ApplyOutcome) {
        refusedForCredit.merge(other.refusedForCredit) { first, _ in first }
    }
}
