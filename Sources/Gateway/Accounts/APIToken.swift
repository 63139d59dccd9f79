import Foundation

/// A token for the HTTP API. Its secret is shown once when it is made; the store keeps only a
/// slow hash of it, and the id, which the token's text carries so a request finds it at once.
public struct APIToken: Sendable, Hashable {
    public var id: Int64
    public var accountID: Int64
    /// What the owner calls it ("billing script", "web shop").
    public var name: String
    public var secretHash: PasswordHash
    public var createdAt: Date

    public init(id: Int64, accountID: Int64, name: String, secretHash: PasswordHash, createdAt: Date) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.secretHash = secretHash
        self.createdAt = createdAt
    }

    /// The text a client sends: `tern_<id>_<secret>`.
    public static func text(id: Int64, secret: String) -> String { "tern_\(id)_\(secret)" }

    /// The id and secret in a token's text; nil when the text is not shaped like a token.
    public static func parse(_ text: String) -> (id: Int64, secret: String)? {
        let parts = text.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "tern", let id = Int64(parts[1]), id > 0, parts[2].count >= 16 else { return nil }
        return (id, String(parts[2]))
    }

    /// 32 random hex digits (128 bits).
    public static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
