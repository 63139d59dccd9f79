import Admin
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// A gateway with its admin API served over real HTTP on loopback, and a way to call it as
/// different callers.
struct APIHarness {
    static let localToken = "local_test_admin_token_0123456789"

    let gateway: GatewayHarness
    let client: any TestClientProtocol

    /// Runs `body` against a fresh gateway (SQLite file, SMPP listener, simulator) with its API.
    static func run(configure: @escaping (inout TernConfig) -> Void = { _ in },
                    _ body: @Sendable @escaping (APIHarness) async throws -> Void) async throws {
        let gateway = try await GatewayHarness(configure: configure)
        var logger = Logger(label: "tern-api-test")
        logger.logLevel = .warning
        let router = Router(context: APIContext.self)
        let authenticator = APIAuthenticator(store: gateway.store, localToken: localToken, settings: { gateway.gateway.config.accounts })
        AdminAPI(gateway: gateway.gateway, authenticator: authenticator, reload: nil, checkPolicy: { _ in nil }, logger: logger)
            .register(on: router)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        do {
            try await app.test(.live) { client in
                try await body(APIHarness(gateway: gateway, client: client))
            }
        } catch {
            await gateway.stop()
            throw error
        }
        await gateway.stop()
    }

    /// One API call. `as` is a token (or nil for none); `cookie` a login session.
    @discardableResult
    func call(_ method: HTTPRequest.Method, _ path: String, as token: String? = APIHarness.localToken, cookie: String? = nil,
              json: [String: Any]? = nil) async throws -> APIAnswer {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let cookie { headers[.cookie] = "\(APIAuthenticator.cookieName)=\(cookie)" }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
        }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
        return APIAnswer(status: response.status, headers: response.headers, text: String(buffer: response.body))
    }

    /// Creates an account through the API as `creator` and returns an API token for it.
    func account(_ systemID: String, role: String = "user", reseller: String? = nil, by creator: String = APIHarness.localToken,
                 extra: [String: Any] = [:]) async throws -> String {
        var body: [String: Any] = ["system_id": systemID, "password": "pw" + String(systemID.prefix(6)), "role": role]
        if let reseller { body["reseller"] = reseller }
        body.merge(extra) { _, new in new }
        let created = try await call(.post, "/api/v1/accounts", as: creator, json: body)
        guard created.status == .created else { throw APIHarnessError.unexpected("create \(systemID): \(created.status) \(created.text)") }
        let token = try await call(.post, "/api/v1/accounts/\(systemID)/tokens", json: ["name": "test"])
        guard let text = token.object["token"] as? String else { throw APIHarnessError.unexpected("token for \(systemID): \(token.text)") }
        return text
    }
}

enum APIHarnessError: Error { case unexpected(String) }

struct APIAnswer {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String

    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    /// The list under `key` of the answer's object.
    func list(_ key: String) -> [[String: Any]] {
        object[key] as? [[String: Any]] ?? []
    }

    var errorMessage: String {
        (object["error"] as? [String: Any])?["message"] as? String ?? ""
    }
}
