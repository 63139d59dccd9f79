import Foundation
import Gateway
import Hummingbird

/// `POST /api/v1/login` and `/logout`: a session cookie for the web interface.
extension AdminAPI {
    struct LoginRequest: Decodable {
        var systemId: String
        var password: String
    }

    func registerLogin(on open: RouterGroup<APIContext>) {
        open.post("login") { request, context -> Response in
            let body = try await Self.decode(LoginRequest.self, from: request, context: context)
            do {
                let (cookie, account) = try await authenticator.login(systemID: body.systemId, password: body.password)
                let caller = Caller(account: account, role: account.role, name: account.systemID, scope: nil)
                await audit(caller, context, action: "login", target: account.systemID, targetID: account.id, detail: "")
                var response = try Self.json(["system_id": account.systemID, "role": account.role.rawValue])
                response.setCookie(Cookie(name: APIAuthenticator.cookieName, value: cookie, maxAge: Int(APIAuthenticator.sessionLifetime),
                                          path: "/", secure: false, httpOnly: true, sameSite: .strict))
                return response
            } catch APIAuthenticator.LoginFailure.locked(let seconds) {
                logger.warning("API login locked", metadata: ["system_id": "\(body.systemId)", "remote": "\(context.remote)"])
                throw HTTPError(.tooManyRequests, headers: [.retryAfter: "\(seconds)"],
                                message: "too many failed logins for '\(body.systemId)'; try again in \(seconds) s")
            } catch APIAuthenticator.LoginFailure.wrongCredentials {
                throw HTTPError(.unauthorized, message: "wrong system_id or password (or the account has no login password)")
            }
        }

        open.post("logout") { request, _ -> Response in
            if let cookie = request.cookies[APIAuthenticator.cookieName]?.value { authenticator.logout(cookie: cookie) }
            var response = Response(status: .noContent)
            response.setCookie(Cookie(name: APIAuthenticator.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
    }
}
