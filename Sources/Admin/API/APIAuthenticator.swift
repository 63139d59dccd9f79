import Crypto
import Foundation
import Gateway
import Hummingbird
import NIOConcurrencyHelpers

/// Finds out who a request comes from: an API token (`Authorization: Bearer tern_…`), a login
/// session cookie, or the local admin token. Tokens and passwords are slow hashes in the store;
/// a token verified once is remembered by its SHA-256 until it is revoked.
public final class APIAuthenticator: Sendable {
    public static let cookieName = "tern_session"
    /// How long a login lasts.
    static let sessionLifetime: TimeInterval = 12 * 3600

    private struct LoginSession {
        var accountID: Int64
        var expires: Date
    }

    private struct Lockout {
        var failures = 0
        var lockedUntil: Date?
    }

    private let store: any MessageStore
    private let localToken: String?
    private let sessions = NIOLockedValueBox([String: LoginSession]())
    /// SHA-256 of a verified token text → (token id, account id).
    private let verifiedTokens = NIOLockedValueBox([[UInt8]: (token: Int64, account: Int64)]())
    private let lockouts = NIOLockedValueBox([String: Lockout]())
    /// Failed token checks by client address in the current minute: each costs a slow hash, so
    /// an address that keeps guessing is refused before hashing.
    private let tokenFailures = NIOLockedValueBox((minute: Int64(0), byAddress: [String: Int]()))
    static let tokenFailuresPerMinute = 20
    private let settings: @Sendable () -> AccountSettings

    public init(store: any MessageStore, localToken: String?, settings: @escaping @Sendable () -> AccountSettings) {
        self.store = store
        self.localToken = localToken
        self.settings = settings
    }

    // MARK: Requests

    /// The caller of a request from `remote`; throws 401 when it has no valid credentials.
    func caller(for request: Request, remote: String) async throws -> Caller {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw HTTPError(.unauthorized, message: "the Authorization header must be \"Bearer <token>\"")
            }
            return try await caller(token: String(parts[1]).trimmingCharacters(in: .whitespaces), remote: remote)
        }
        if let cookie = request.cookies[Self.cookieName]?.value {
            let session = sessions.withLockedValue { sessions -> LoginSession? in
                guard let session = sessions[cookie] else { return nil }
                if session.expires < Date() {
                    sessions[cookie] = nil
                    return nil
                }
                return session
            }
            guard let session else { throw HTTPError(.unauthorized, message: "the login has expired; log in again") }
            return try await caller(accountID: session.accountID)
        }
        throw HTTPError(.unauthorized, message: "log in (POST /api/v1/login) or send an API token (Authorization: Bearer …)")
    }

    private func caller(token text: String, remote: String) async throws -> Caller {
        if let localToken, Self.constantTimeEqual(text, localToken) {
            return Caller(account: nil, role: .admin, name: "local", scope: nil)
        }
        let digest = Array(SHA256.hash(data: Array(text.utf8)))
        if let known = verifiedTokens.withLockedValue({ $0[digest] }) {
            return try await caller(accountID: known.account)
        }
        let minute = Int64(Date().timeIntervalSince1970 / 60)
        let guessing = tokenFailures.withLockedValue { failures -> Bool in
            if failures.minute != minute { failures = (minute, [:]) }
            return failures.byAddress[remote, default: 0] >= Self.tokenFailuresPerMinute
        }
        if guessing {
            throw HTTPError(.tooManyRequests, headers: [.retryAfter: "60"],
                            message: "too many invalid API tokens from \(remote); try again in a minute")
        }
        guard let (id, secret) = APIToken.parse(text), let token = try await store.token(id: id),
              token.secretHash.verify(secret) else {
            tokenFailures.withLockedValue { failures in
                if failures.minute == minute { failures.byAddress[remote, default: 0] += 1 }
            }
            throw HTTPError(.unauthorized, message: "the API token is not valid (revoked, or mistyped)")
        }
        verifiedTokens.withLockedValue { $0[digest] = (token.id, token.accountID) }
        return try await caller(accountID: token.accountID)
    }

    func caller(accountID: Int64) async throws -> Caller {
        guard let account = try await store.account(id: accountID) else {
            throw HTTPError(.unauthorized, message: "the account of these credentials no longer exists")
        }
        guard account.enabled else { throw HTTPError(.forbidden, message: "account '\(account.systemID)' is disabled") }
        switch account.role {
        case .admin:
            return Caller(account: account, role: .admin, name: account.systemID, scope: nil)
        case .reseller:
            let users = try await store.accounts(resellerID: accountID).compactMap(\.id)
            return Caller(account: account, role: .reseller, name: account.systemID, scope: Set(users + [accountID]))
        case .user:
            return Caller(account: account, role: .user, name: account.systemID, scope: [accountID])
        }
    }

    /// A revoked token stops working at once, even where it was verified before.
    func forgetToken(id: Int64) {
        verifiedTokens.withLockedValue { tokens in tokens = tokens.filter { $0.value.token != id } }
    }

    /// Logins of a removed or disabled account end.
    func endSessions(accountID: Int64) {
        sessions.withLockedValue { sessions in sessions = sessions.filter { $0.value.accountID != accountID } }
        verifiedTokens.withLockedValue { tokens in tokens = tokens.filter { $0.value.account != accountID } }
    }

    // MARK: Login

    enum LoginFailure: Error {
        case wrongCredentials
        case locked(seconds: Int)
    }

    /// Checks a login and returns a new session's cookie value. Repeated failures for one
    /// system_id lock it for a while, whatever the password, so guessing is slow.
    func login(systemID: String, password: String) async throws -> (cookie: String, account: Account) {
        let settings = settings()
        let now = Date()
        if let until = lockouts.withLockedValue({ $0[systemID]?.lockedUntil }), until > now {
            throw LoginFailure.locked(seconds: Int(until.timeIntervalSince(now).rounded(.up)))
        }
        let account = try await store.account(systemID: systemID)
        guard let account, let id = account.id, account.enabled, let hash = account.loginPasswordHash, hash.verify(password) else {
            let locked = lockouts.withLockedValue { lockouts -> Bool in
                var entry = lockouts[systemID] ?? Lockout()
                entry.failures += 1
                if entry.failures >= settings.loginFailuresBeforeLockout {
                    entry.failures = 0
                    entry.lockedUntil = now.addingTimeInterval(Double(settings.loginLockoutSeconds))
                }
                lockouts[systemID] = entry
                // Bounded: an attacker cycling names cannot grow this without end.
                if lockouts.count > 100_000 { lockouts = lockouts.filter { $0.value.lockedUntil.map { $0 > now } ?? false } }
                return entry.lockedUntil != nil
            }
            if locked { throw LoginFailure.locked(seconds: settings.loginLockoutSeconds) }
            throw LoginFailure.wrongCredentials
        }
        lockouts.withLockedValue { $0[systemID] = nil }
        let cookie = APIToken.newSecret() + APIToken.newSecret()
        sessions.withLockedValue { sessions in
            sessions = sessions.filter { $0.value.expires > now }
            sessions[cookie] = LoginSession(accountID: id, expires: now.addingTimeInterval(Self.sessionLifetime))
        }
        return (cookie, account)
    }

    func logout(cookie: String) {
        sessions.withLockedValue { $0[cookie] = nil }
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(left, right) { difference |= x ^ y }
        return difference == 0
    }
}

/// Sets `context.caller` for every route behind it, or answers 401.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let authenticator: APIAuthenticator

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        var context = context
        context.caller = try await authenticator.caller(for: request, remote: context.remote)
        return try await next(request, context)
    }
}
