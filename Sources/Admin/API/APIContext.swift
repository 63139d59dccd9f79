import Foundation
import Gateway
import Hummingbird
import NIOCore

/// The request context of Tern's HTTP port: who is calling (set by `AuthenticationMiddleware`)
/// and from where, and JSON in snake_case with ISO 8601 dates.
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// nil until the middleware has authenticated the request.
    public var caller: Caller?
    /// The client's IP address, for the audit trail and login lockouts.
    public let remote: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remote = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    public var requestDecoder: JSONDecoder { APIJSON.decoder }
    public var responseEncoder: JSONEncoder { APIJSON.encoder }

    /// The caller, for routes behind the middleware (which always sets it).
    func requireCaller() throws -> Caller {
        guard let caller else { throw HTTPError(.unauthorized, message: "log in or send an API token") }
        return caller
    }
}

enum APIJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// Who is calling the API, and which accounts that lets it see.
public struct Caller: Sendable {
    /// nil for the local admin token (`var/admin.token`, used by the CLI on the gateway's host).
    public var account: Account?
    public var role: AccountRole
    /// The system_id, or "local" for the admin token: what the audit trail records.
    public var name: String
    /// The accounts this caller may see and act on; nil is every account (admin).
    public var scope: Set<Int64>?

    public var id: Int64? { account?.id }

    public var isAdmin: Bool { role == .admin }

    public func canSee(_ accountID: Int64) -> Bool {
        scope?.contains(accountID) ?? true
    }

    public var scopeList: [Int64]? { scope.map { $0.sorted() } }
}
