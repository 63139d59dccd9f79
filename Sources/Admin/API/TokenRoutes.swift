import Foundation
import Gateway
import Hummingbird

/// `/api/v1/accounts/{system_id}/tokens`: API tokens, shown once when made, stored hashed.
extension AdminAPI {
    struct TokenRequest: Decodable {
        var name: String?
    }

    struct TokenView: Codable {
        var id: Int64
        var name: String
        var createdAt: Date
        /// Only in the answer that creates it.
        var token: String?
    }

    func registerTokens(on api: RouterGroup<APIContext>) {
        api.get("accounts/:system_id/tokens") { _, context -> Response in
            let caller = try context.requireCaller()
            let account = try await visibleAccount(try context.parameters.require("system_id"), caller: caller)
            let tokens = try await store.tokens(accountID: account.id ?? 0)
            return try Self.json(["tokens": tokens.map { TokenView(id: $0.id, name: $0.name, createdAt: $0.createdAt) }])
        }

        api.post("accounts/:system_id/tokens") { request, context -> Response in
            let caller = try context.requireCaller()
            let account = try await visibleAccount(try context.parameters.require("system_id"), caller: caller)
            let body = (try? await request.decode(as: TokenRequest.self, context: context)) ?? TokenRequest()
            let secret = APIToken.newSecret()
            let token = try await store.insertToken(accountID: account.id ?? 0, name: body.name ?? "", secretHash: PasswordHash(hashing: secret))
            await audit(caller, context, action: "token.create", target: account.systemID, targetID: account.id,
                        detail: "token \(token.id) \"\(token.name)\"")
            return try Self.json(TokenView(id: token.id, name: token.name, createdAt: token.createdAt,
                                           token: APIToken.text(id: token.id, secret: secret)), status: .created)
        }

        api.delete("accounts/:system_id/tokens/:id") { _, context -> Response in
            let caller = try context.requireCaller()
            let account = try await visibleAccount(try context.parameters.require("system_id"), caller: caller)
            let id = try context.parameters.require("id", as: Int64.self)
            guard let token = try await store.token(id: id), token.accountID == account.id else {
                throw HTTPError(.notFound, message: "account '\(account.systemID)' has no token \(id)")
            }
            _ = try await store.removeToken(id: id)
            authenticator.forgetToken(id: id)
            await audit(caller, context, action: "token.revoke", target: account.systemID, targetID: account.id, detail: "token \(id)")
            return Response(status: .noContent)
        }
    }
}
