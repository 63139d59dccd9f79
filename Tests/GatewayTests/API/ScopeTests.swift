import Foundation
import Gateway
import Hummingbird
import SMPP
import Testing

/// Every role is kept to its own: what lies outside its scope is 404, what its role may not do
/// to what it can see is 403.
@Suite("Admin API scopes")
struct ScopeTests {
    @Test("resellers and users get 403 or 404 for everything outside their scope")
    func scopes() async throws {
        try await APIHarness.run { api in
            let resellerA = try await api.account("resA", role: "reseller")
            let resellerB = try await api.account("resB", role: "reseller")
            let userA = try await api.account("userA", reseller: "resA", by: resellerA)
            _ = try await api.account("userB", reseller: "resB", by: resellerB)
            let direct = try await api.account("direct")
            #expect(try await api.call(.post, "/api/v1/accounts/resA/credit", json: ["amount": 100]).status == .ok)

            // A message and a session of reseller B's users, for the others to try to reach.
            let sent = try await api.call(.post, "/api/v1/messages", as: try await api.account("userB2", reseller: "resB", by: resellerB),
                                          json: ["from": "Shop", "to": "447700900001", "text": "hi", "campaign": "b-only"])
            #expect(sent.status == .accepted)
            let messageOfB = try #require((sent.list("results").first?["ids"] as? [String])?.first)
            _ = try await api.gateway.store.insertAccount(Account(systemID: "smppB", passwordHash: PasswordHash(hashing: "pw", rounds: 1000),
                                                                  resellerID: try await api.gateway.store.account(systemID: "resB")?.id))
            let smpp = try await api.gateway.client()
            #expect(try await smpp.bind(.transceiver, systemID: "smppB", password: "pw").commandStatus == .ok)
            let sessionOfB = try #require(api.gateway.gateway.registry.allSessions().first?.id)

            // Outside the scope: 404, whoever asks.
            for (caller, name) in [(resellerA, "resA"), (userA, "userA"), (direct, "direct")] {
                for path in ["/api/v1/accounts/userB", "/api/v1/accounts/resB", "/api/v1/accounts/userB/credit",
                             "/api/v1/accounts/userB/tokens", "/api/v1/messages/\(messageOfB)"] {
                    let answer = try await api.call(.get, path, as: caller)
                    #expect(answer.status == .notFound, "\(name) GET \(path): \(answer.status)")
                }
                #expect(try await api.call(.patch, "/api/v1/accounts/userB", as: caller, json: ["name": "x"]).status == .notFound)
                #expect(try await api.call(.delete, "/api/v1/accounts/userB", as: caller).status == .notFound)
                #expect(try await api.call(.post, "/api/v1/accounts/userB/credit", as: caller, json: ["amount": 1]).status == .notFound)
                #expect(try await api.call(.delete, "/api/v1/sessions/\(sessionOfB)", as: caller).status == .notFound)
                #expect(try await api.call(.delete, "/api/v1/sessions?account=smppB", as: caller).status == .notFound)
                #expect(try await api.call(.get, "/api/v1/messages?account=userB", as: caller).status == .notFound)
                #expect(try await api.call(.get, "/api/v1/campaigns/b-only", as: caller).status == .notFound)
                #expect(try await api.call(.get, "/api/v1/campaigns?account=userB2", as: caller).status == .notFound)
                #expect(try await api.call(.get, "/api/v1/stats?account=userB2", as: caller).status == .notFound)
                #expect(try await api.call(.get, "/api/v1/sessions?account=smppB", as: caller).status == .notFound)
                let stats = try await api.call(.get, "/api/v1/stats", as: caller)
                #expect(!stats.text.contains("userB") && !stats.text.contains("resB"), "\(name) stats: \(stats.text)")
                // Lists leave out what is not theirs.
                let accounts = try await api.call(.get, "/api/v1/accounts", as: caller).list("accounts").compactMap { $0["system_id"] as? String }
                #expect(!accounts.contains("userB") && !accounts.contains("resB"))
                #expect(try await api.call(.get, "/api/v1/sessions", as: caller).list("sessions").isEmpty)
                #expect(try await api.call(.get, "/api/v1/messages?to=447700900001", as: caller).list("messages").isEmpty)
                #expect(try await api.call(.get, "/api/v1/audit", as: caller).list("entries").allSatisfy {
                    ($0["target"] as? String).map { !["userB", "resB", "userB2", "smppB"].contains($0) } ?? true
                })
            }

            // Inside the scope, but not the caller's role: 403.
            for (caller, name) in [(resellerA, "resA"), (userA, "userA")] {
                #expect(try await api.call(.get, "/api/v1/connectors", as: caller).status == .forbidden, "\(name) connectors")
                #expect(try await api.call(.post, "/api/v1/reload", as: caller).status == .forbidden, "\(name) reload")
                #expect(try await api.call(.post, "/api/v1/accounts", as: caller,
                                           json: ["system_id": "newres", "password": "x", "role": "reseller"]).status == .forbidden)
            }
            #expect(try await api.call(.post, "/api/v1/accounts", as: userA, json: ["system_id": "sub", "password": "x"]).status == .forbidden)
            #expect(try await api.call(.post, "/api/v1/accounts/userA/credit", as: userA, json: ["amount": 5]).status == .forbidden)
            #expect(try await api.call(.patch, "/api/v1/accounts/userA", as: userA, json: ["price_plan": ["default": 0]]).status == .forbidden)
            #expect(try await api.call(.patch, "/api/v1/accounts/userA", as: userA, json: ["throughput": 1000]).status == .forbidden)
            #expect(try await api.call(.delete, "/api/v1/accounts/userA", as: userA).status == .forbidden)
            #expect(try await api.call(.post, "/api/v1/accounts/resA/credit", as: resellerA, json: ["amount": 5]).status == .forbidden)
            #expect(try await api.call(.patch, "/api/v1/accounts/resA", as: resellerA, json: ["price_plan": ["default": 0]]).status == .forbidden)
            #expect(try await api.call(.patch, "/api/v1/accounts/userA", as: resellerA, json: ["role": "reseller"]).status == .forbidden)
            #expect(try await api.call(.patch, "/api/v1/accounts/userA", as: resellerA, json: ["policy": "plugins/x.lua"]).status == .forbidden)
            #expect(try await api.call(.post, "/api/v1/accounts", as: resellerA,
                                       json: ["system_id": "stolen", "password": "x", "reseller": "resB"]).status == .forbidden)

            // And what each may do, it can.
            #expect(try await api.call(.patch, "/api/v1/accounts/userA", as: resellerA, json: ["price_plan": ["default": 7]]).status == .ok)
            #expect(try await api.call(.patch, "/api/v1/accounts/userA", as: userA, json: ["name": "Mine"]).status == .ok)
            #expect(try await api.call(.get, "/api/v1/accounts/resA", as: userA).status == .notFound)
            #expect(try await api.call(.get, "/api/v1/connectors").status == .ok)
            await smpp.unbind()
        }
    }
}
