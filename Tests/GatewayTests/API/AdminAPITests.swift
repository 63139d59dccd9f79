import Admin
import Foundation
import Gateway
import Hummingbird
import NIOCore
import SMPP
import Testing

@Suite("Admin API over HTTP: accounts, credit, tokens, login")
struct AdminAPITests {
    @Test("accounts: create, read, change, disable, delete; SMPP credential limits are explained")
    func accountLifecycle() async throws {
        try await APIHarness.run { api in
            let tooLong = try await api.call(.post, "/api/v1/accounts", json: ["system_id": "shop", "password": "123456789"])
            #expect(tooLong.status == .badRequest)
            #expect(tooLong.errorMessage.contains("at most 8"))
            let longID = try await api.call(.post, "/api/v1/accounts", json: ["system_id": "a-very-long-system-id", "password": "x"])
            #expect(longID.status == .badRequest)
            #expect(longID.errorMessage.contains("at most 15"))
            let noPassword = try await api.call(.post, "/api/v1/accounts", json: ["system_id": "shop"])
            #expect(noPassword.status == .badRequest)

            let created = try await api.call(.post, "/api/v1/accounts", json: [
                "system_id": "shop", "password": "pw123456", "name": "The Shop", "throughput": 50, "allowed_networks": ["127.0.0.0/8"],
                "allowed_senders": ["Shop", "447700900000"], "price_plan": ["default": 5, "prefixes": ["4477": 3]],
            ])
            #expect(created.status == .created)
            #expect(created.object["name"] as? String == "The Shop")
            #expect(created.object["balance"] as? Int == 0)
            #expect((created.object["price_plan"] as? [String: Any])?["default"] as? Int == 5)
            #expect(created.text.contains("password_hash") == false)
            #expect(try await api.call(.post, "/api/v1/accounts", json: ["system_id": "shop", "password": "x"]).status == .conflict)

            let changed = try await api.call(.patch, "/api/v1/accounts/shop", json: ["max_binds": 2, "throughput": NSNull()])
            #expect(changed.status == .ok)
            #expect(changed.object["max_binds"] as? Int == 2)
            #expect(changed.object["throughput"] == nil || changed.object["throughput"] is NSNull)
            let audited = try await api.call(.get, "/api/v1/audit").list("entries").first { $0["action"] as? String == "account.update" }
            #expect(audited?["detail"] as? String == "max_binds 2, throughput unlimited")
            #expect(audited?["actor"] as? String == "local" && audited?["remote"] as? String == "127.0.0.1")
            #expect(try await api.call(.patch, "/api/v1/accounts/shop", json: ["system_id": "other"]).status == .badRequest)
            #expect(try await api.call(.patch, "/api/v1/accounts/shop", json: ["allowed_networks": ["not-a-net"]]).status == .badRequest)

            let stored = try #require(try await api.gateway.store.account(systemID: "shop"))
            #expect(stored.allowedSenders == ["Shop", "447700900000"])
            #expect(stored.pricePlan?.price(destination: "447700900123") == 3)
            #expect(stored.maxBinds == 2 && stored.throughput == nil)

            let list = try await api.call(.get, "/api/v1/accounts")
            #expect(list.list("accounts").contains { $0["system_id"] as? String == "shop" })
            #expect(try await api.call(.delete, "/api/v1/accounts/shop").status == .noContent)
            #expect(try await api.call(.get, "/api/v1/accounts/shop").status == .notFound)
        }
    }

    @Test("a disabled account is detached and refused at the next bind")
    func disablingDetaches() async throws {
        try await APIHarness.run { api in
            let client = try await api.gateway.boundClient()
            #expect(api.gateway.gateway.registry.allSessions().count == 1)
            #expect(try await api.call(.patch, "/api/v1/accounts/\(api.gateway.systemID)", json: ["enabled": false]).status == .ok)
            // The client was unbound and its connection closed.
            try await waitUntil { !client.channel.isActive }
            #expect(api.gateway.gateway.registry.allSessions().isEmpty)
            let again = try await api.gateway.client()
            #expect(try await again.bind(.transceiver, systemID: api.gateway.systemID, password: api.gateway.password).commandStatus == .bindFailed)
        }
    }

    @Test("credit: the admin tops up a reseller, the reseller moves credit to its user out of its own balance, never below zero")
    func creditMovements() async throws {
        try await APIHarness.run { api in
            let reseller = try await api.account("r1", role: "reseller")
            _ = try await api.account("u1", reseller: "r1", by: reseller)
            let topUp = try await api.call(.post, "/api/v1/accounts/r1/credit", json: ["amount": 1000, "reason": "invoice 17"])
            #expect(topUp.status == .ok)
            #expect(topUp.object["balance"] as? Int == 1000)

            let transfer = try await api.call(.post, "/api/v1/accounts/u1/credit", as: reseller, json: ["amount": 300])
            #expect(transfer.status == .ok)
            #expect(transfer.object["balance"] as? Int == 300)
            let tooMuch = try await api.call(.post, "/api/v1/accounts/u1/credit", as: reseller, json: ["amount": 800])
            #expect(tooMuch.status == .conflict)
            #expect(tooMuch.errorMessage.contains("insufficient credit"))
            let takeBack = try await api.call(.post, "/api/v1/accounts/u1/credit", as: reseller, json: ["amount": -100])
            #expect(takeBack.object["balance"] as? Int == 200)
            #expect(try await api.call(.post, "/api/v1/accounts/u1/credit", as: reseller, json: ["amount": -500]).status == .conflict)
            #expect(try await api.call(.post, "/api/v1/accounts/u1/credit", as: reseller, json: ["amount": 0]).status == .badRequest)

            let resellerLedger = try await api.call(.get, "/api/v1/accounts/r1/credit", as: reseller)
            #expect(resellerLedger.object["balance"] as? Int == 800)
            let kinds = resellerLedger.list("entries").compactMap { $0["kind"] as? String }
            #expect(kinds == ["transfer_in", "transfer_out", "top_up"])
            let store = api.gateway.store
            for systemID in ["r1", "u1"] {
                let id = try #require(try await store.account(systemID: systemID)?.id)
                #expect(try await store.balance(accountID: id) == (try await store.ledgerSum(accountID: id)))
            }
        }
    }

    @Test("tokens are shown once, work at once, and stop working when revoked; logins lock after repeated failures")
    func tokensAndLogin() async throws {
        try await APIHarness.run(configure: { $0.accounts.loginFailuresBeforeLockout = 3 }) { api in
            _ = try await api.account("u1", extra: ["login_password": "correct horse battery"])
            let made = try await api.call(.post, "/api/v1/accounts/u1/tokens", json: ["name": "shop"])
            let token = try #require(made.object["token"] as? String)
            let id = try #require(made.object["id"] as? Int)
            let listed = try await api.call(.get, "/api/v1/accounts/u1/tokens")
            #expect(listed.text.contains(token) == false)
            #expect(listed.list("tokens").contains { $0["id"] as? Int == id })
            #expect(try await api.call(.get, "/api/v1/accounts/u1", as: token).status == .ok)
            #expect(try await api.call(.delete, "/api/v1/accounts/u1/tokens/\(id)").status == .noContent)
            #expect(try await api.call(.get, "/api/v1/accounts/u1", as: token).status == .unauthorized)
            #expect(try await api.call(.get, "/api/v1/accounts/u1", as: nil).status == .unauthorized)
            #expect(try await api.call(.get, "/api/v1/accounts/u1", as: "tern_1_garbagegarbagegarbage").status == .unauthorized)
            // An address that keeps guessing tokens is refused before any slow hash is spent on it.
            // (Bounded; more than two minutes' allowance, in case a minute turns in between.)
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<45 where statuses.last != .tooManyRequests {
                statuses.append(try await api.call(.get, "/api/v1/accounts/u1", as: "tern_\(id)_garbagegarbagegarbage").status)
            }
            #expect(statuses.last == .tooManyRequests)
            #expect(statuses.dropLast().allSatisfy { $0 == .unauthorized })
            #expect(try await api.call(.get, "/api/v1/accounts/u1").status == .ok)   // the local admin token still works

            let login = try await api.call(.post, "/api/v1/login", as: nil, json: ["system_id": "u1", "password": "correct horse battery"])
            #expect(login.status == .ok)
            let cookieHeader = try #require(login.headers[.setCookie])
            #expect(cookieHeader.contains("HttpOnly"))
            let cookie = try #require(cookieHeader.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last.map(String.init))
            #expect(try await api.call(.get, "/api/v1/accounts/u1", as: nil, cookie: cookie).status == .ok)
            #expect(try await api.call(.post, "/api/v1/logout", as: nil, cookie: cookie).status == .noContent)
            #expect(try await api.call(.get, "/api/v1/accounts/u1", as: nil, cookie: cookie).status == .unauthorized)

            for _ in 0..<2 {
                #expect(try await api.call(.post, "/api/v1/login", as: nil, json: ["system_id": "u1", "password": "wrong"]).status == .unauthorized)
            }
            let locked = try await api.call(.post, "/api/v1/login", as: nil, json: ["system_id": "u1", "password": "wrong"])
            #expect(locked.status == .tooManyRequests)
            // Locked: even the right password waits.
            let stillLocked = try await api.call(.post, "/api/v1/login", as: nil, json: ["system_id": "u1", "password": "correct horse battery"])
            #expect(stillLocked.status == .tooManyRequests)
            #expect(stillLocked.headers[.retryAfter] != nil)
        }
    }

    @Test("the OpenAPI document describes exactly the routes the router has")
    func openAPIMatchesRoutes() async throws {
        try await APIHarness.run { api in
            let answer = try await api.call(.get, "/api/v1/openapi.yaml", as: nil)
            #expect(answer.status == .ok)
            #expect(answer.text.hasPrefix("openapi: 3.1.0"))
            let router = Router(context: APIContext.self)
            let authenticator = APIAuthenticator(store: api.gateway.store, localToken: nil, settings: { AccountSettings() })
            AdminAPI(gateway: api.gateway.gateway, authenticator: authenticator, reload: { .failure(ConfigErrors([])) },
                     checkPolicy: { _ in nil }, logger: .init(label: "t")).register(on: router)
            var routed = Set<String>()
            for route in router.routes {
                let path = route.path.description.hasPrefix("/") ? route.path.description : "/" + route.path.description
                routed.insert("\(route.method.rawValue.lowercased()) \(path.replacingOccurrences(of: ":", with: ""))")
            }
            let documented = OpenAPIPaths.operations(in: answer.text)
            #expect(routed.count > 20)
            #expect(routed.subtracting(documented).isEmpty, "routes missing from openapi.yaml: \(routed.subtracting(documented).sorted())")
            #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed).sorted())")
        }
    }
}

/// The operations of an OpenAPI YAML document, as "method /path" (path parameters as {name}).
enum OpenAPIPaths {
    static func operations(in yaml: String) -> Set<String> {
        var operations = Set<String>()
        var path: String?
        var inPaths = false
        let methods: Set<String> = ["get", "post", "put", "patch", "delete"]
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if methods.contains(String(key)) { operations.insert("\(key) \(path)") }
            } else if !line.hasPrefix(" "), !line.isEmpty {
                inPaths = false
            }
        }
        return operations
    }
}

/// Polls `condition` every 50 ms for at most `seconds`.
func waitUntil(seconds: Double = 10, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("condition not met within \(seconds) s")
}
