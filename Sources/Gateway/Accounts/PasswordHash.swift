import Crypto
import _CryptoExtras
import Foundation

/// A password as stored: PBKDF2-HMAC-SHA256 with a random salt, in the text form
/// `pbkdf2-sha256$ROUNDS$SALT_HEX$HASH_HEX`. The clear password is never stored.
public struct PasswordHash: Sendable, Hashable, Codable, CustomStringConvertible {
    public let encoded: String

    /// Rounds for new hashes. Binds are rare next to submits, and verified binds are cached by
    /// `BindAuthenticator`, so this can stay high.
    public static let defaultRounds = 20_000

    public init(encoded: String) { self.encoded = encoded }

    public init(hashing password: String, rounds: Int = PasswordHash.defaultRounds) {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = UInt8.random(in: 0...255, using: &generator) }
        let hash = Self.derive(password, salt: salt, rounds: rounds)
        encoded = "pbkdf2-sha256$\(rounds)$\(Self.hex(salt))$\(Self.hex(hash))"
    }

    /// Checks a password in constant time with respect to the stored hash.
    public func verify(_ password: String) -> Bool {
        let parts = encoded.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds > 0,
              let salt = Self.bytes(fromHex: parts[2]), let expected = Self.bytes(fromHex: parts[3]) else { return false }
        let actual = Self.derive(password, salt: salt, rounds: rounds)
        guard actual.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(actual, expected) { difference |= a ^ b }
        return difference == 0
    }

    public var description: String { "PasswordHash(…)" }

    public init(from decoder: Decoder) throws {
        encoded = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(encoded)
    }

    private static func derive(_ password: String, salt: [UInt8], rounds: Int) -> [UInt8] {
        let key = try? KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds)
        return key.map { $0.withUnsafeBytes { Array($0) } } ?? []
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    private static func bytes(fromHex text: Substring) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 2)
        var index = 0
        while index < characters.count {
            guard let high = hexValue(characters[index]), let low = hexValue(characters[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
