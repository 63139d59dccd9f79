import Foundation
import Gateway
import Hummingbird
import Logging

/// The admin REST API under `/api/v1`: accounts, credit, tokens, sessions, messages,
/// campaigns, stats, connectors, reload and audit, each scoped to what the caller may see.
///
/// Scope rules, everywhere: an account outside the caller's scope answers 404 (its existence is
/// not the caller's business); an action the caller's role may not take on an account it can
/// see answers 403.
public struct AdminAPI: Sendable {
    public typealias Reload = @Sendable () async -> Result<ReloadReport, ConfigErrors>

    let gateway: TernGateway
    let store: any MessageStore
    let authenticator: APIAuthenticator
    let reload: Reload?
    /// Checks a policy file before an account names it (compile and init), as a reload would.
    let checkPolicy: @Sendable (String) -> String?
    let logger: Logger

    public init(gateway: TernGateway, authenticator: APIAuthenticator, reload: Reload?,
                checkPolicy: @escaping @Sendable (String) -> String?, logger: Logger) {
        self.gateway = gateway
        store = gateway.store
        self.authenticator = authenticator
        self.reload = reload
        self.checkPolicy = checkPolicy
        self.logger = logger
    }

    public func register(on router: Router<APIContext>) {
        let open = router.group("api/v1")
        registerLogin(on: open)
        registerOpenAPI(on: open)
        let api = router.group("api/v1").add(middleware: AuthenticationMiddleware(authenticator: authenticator))
        registerAccounts(on: api)
        registerCredit(on: api)
        registerTokens(on: api)
        registerSessions(on: api)
        registerMessages(on: api)
        registerReports(on: api)
        registerOperations(on: api)
    }

    // MARK: Shared steps

    /// The account named in the path, if the caller may see it; 404 otherwise.
    func visibleAccount(_ systemID: String, caller: Caller) async throws -> Account {
        guard let account = try await store.account(systemID: systemID), let id = account.id, caller.canSee(id) else {
            throw HTTPError(.notFound, message: "no account '\(systemID)'")
        }
        return account
    }

    func view(_ account: Account) async throws -> AccountView {
        var reseller: String?
        if let id = account.resellerID { reseller = try await store.account(id: id)?.systemID }
        return AccountView(account, reseller: reseller, balance: try await store.balance(accountID: account.id ?? 0))
    }

    /// Records a change in the audit trail; a failure to record is logged, not hidden.
    func audit(_ caller: Caller, _ context: APIContext, action: String, target: String, targetID: Int64?, detail: String) async {
        let entry = AuditEntry(actor: caller.name, actorID: caller.id, remote: context.remote, action: action, target: target,
                               targetAccountID: targetID, detail: detail)
        do {
            try await store.appendAudit(entry)
        } catch {
            logger.error("audit entry could not be stored", metadata: ["action": "\(action)", "target": "\(target)", "error": "\(error)"])
        }
    }

    static func json<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try APIJSON.encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from request: Request, context: APIContext) async throws -> Value {
        do {
            return try await request.decode(as: type, context: context)
        } catch let error as HTTPError {
            throw error
        } catch let DecodingError.keyNotFound(key, _) {
            throw HTTPError(.badRequest, message: "the body lacks \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw HTTPError(.badRequest, message: "\"\(path)\": \(context.debugDescription)")
        } catch {
            throw HTTPError(.badRequest, message: "the body is not the JSON this call takes: \(error)")
        }
    }

    /// A query parameter as an integer in a range, or 400.
    static func integer(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw HTTPError(.badRequest, message: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A query parameter as a time: ISO 8601 (`2026-12-01T10:00:00Z`) or a date (`2026-12-01`, UTC).
    static func time(_ request: Request, _ name: String) throws -> Date? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let date = day.date(from: text) { return date }
        throw HTTPError(.badRequest, message: "\(name) \"\(text)\" is not a time: write 2026-12-01 or 2026-12-01T10:00:00Z")
    }
}
