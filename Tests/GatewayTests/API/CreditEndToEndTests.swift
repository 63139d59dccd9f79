import Foundation
import Gateway
import Hummingbird
import NIOCore
import SMPP
import Testing

@Suite("Credit end to end: SMPP submits charged in the store's transaction")
struct CreditEndToEndTests {
    @Test("many sessions of many users of one reseller at once: no balance below zero, every balance equals its ledger")
    func concurrentCharges() async throws {
        try await APIHarness.run { api in
            let reseller = try await api.account("res", role: "reseller", extra: ["price_plan": ["default": 2]])
            #expect(try await api.call(.post, "/api/v1/accounts/res/credit", json: ["amount": 1_000]).status == .ok)
            let users = (1...6).map { "user\($0)" }
            for user in users {
                #expect(try await api.call(.post, "/api/v1/accounts", json: [
                    "system_id": user, "password": "pw", "reseller": "res", "price_plan": ["default": 3], "max_binds": 2,
                ]).status == .created)
                // Moved out of the reseller's balance: 1000 - 6 × 60 leaves 640 for its own charges.
                #expect(try await api.call(.post, "/api/v1/accounts/\(user)/credit", as: reseller, json: ["amount": 60]).status == .ok)
            }
            #expect(try await api.call(.post, "/api/v1/accounts/res/credit", json: ["amount": -490]).status == .ok)   // 150 left: 75 messages

            let perSession = 15
            let statuses = try await withThrowingTaskGroup(of: [CommandStatus].self) { group in
                for user in users {
                    for _ in 0..<2 {
                        group.addTask {
                            let client = try await api.gateway.client(window: perSession)
                            guard try await client.bind(.transceiver, systemID: user, password: "pw").commandStatus == .ok else { return [] }
                            let answers = try await withThrowingTaskGroup(of: CommandStatus.self) { submits in
                                for index in 0..<perSession {
                                    submits.addTask { try await client.request(submitSM(to: "4477009\(index)", registeredDelivery: .none)).commandStatus }
                                }
                                return try await submits.reduce(into: []) { $0.append($1) }
                            }
                            await client.unbind()
                            return answers
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(statuses.count == users.count * 2 * perSession)
            #expect(statuses.allSatisfy { $0 == .ok || $0 == .submitFailed }, "\(Set(statuses))")
            let accepted = statuses.filter { $0 == .ok }.count
            // Users could pay for 6 × 20 = 120; the reseller for 75: exactly 75 got through.
            #expect(accepted == 75)

            let store = api.gateway.store
            var userTotal = 0
            for systemID in users + ["res"] {
                let id = try #require(try await store.account(systemID: systemID)?.id)
                let balance = try await store.balance(accountID: id)
                #expect(balance >= 0)
                #expect(balance == (try await store.ledgerSum(accountID: id)), "\(systemID)")
                if systemID != "res" { userTotal += 60 - balance }
            }
            #expect(userTotal == accepted * 3)
            let resellerID = try #require(try await store.account(systemID: "res")?.id)
            #expect(try await store.balance(accountID: resellerID) == 150 - accepted * 2)
            // Every refusal is tracked, as rejected with the reason.
            let rejected = try await store.searchMessages(MessageQuery(state: .rejected, limit: 1000))
            #expect(rejected.count == statuses.count - accepted)
            let events = try await store.events(of: try #require(rejected.first?.id))
            #expect(events.last?.detail?.contains("insufficient credit") == true)
        }
    }

    @Test("an HTTP send by a reseller's user that never bound charges the reseller its price too")
    func httpSendChargesTheReseller() async throws {
        try await APIHarness.run { api in
            let reseller = try await api.account("res", role: "reseller", extra: ["price_plan": ["default": 3]])
            let user = try await api.account("shop", reseller: "res", by: reseller, extra: ["price_plan": ["default": 5]])
            #expect(try await api.call(.post, "/api/v1/accounts/res/credit", json: ["amount": 100]).status == .ok)
            #expect(try await api.call(.post, "/api/v1/accounts/shop/credit", as: reseller, json: ["amount": 50]).status == .ok)
            let sent = try await api.call(.post, "/api/v1/messages", as: user, json: ["from": "Shop", "to": "447700900001", "text": "x"])
            #expect(sent.status == .accepted)
            #expect(try await api.call(.get, "/api/v1/accounts/shop/credit").object["balance"] as? Int == 45)
            #expect(try await api.call(.get, "/api/v1/accounts/res/credit").object["balance"] as? Int == 47)
        }
    }

    @Test("a message the upstream rejects is refunded when the config says so; the ledger shows the charge and the refund")
    func refundOnRejection() async throws {
        try await APIHarness.run(configure: { config in
            config.connectors = [ConnectorSettings(name: "simulator", kind: .simulator(SimulatorSettings(
                delivered: 0, rejected: 1, minDelayMilliseconds: 5, maxDelayMilliseconds: 10)))]
            config.accounts.refundOn = [.rejected]
        }) { api in
            let token = try await api.account("u", extra: ["price_plan": ["default": 5]])
            #expect(try await api.call(.post, "/api/v1/accounts/u/credit", json: ["amount": 20]).status == .ok)
            let sent = try await api.call(.post, "/api/v1/messages", as: token, json: ["from": "Shop", "to": "447700900001", "text": "x"])
            let id = try #require((sent.list("results").first?["ids"] as? [String])?.first)
            try await waitUntil { try await api.call(.get, "/api/v1/messages/\(id)").object["state"] as? String == "rejected" }
            try await waitUntil { try await api.call(.get, "/api/v1/accounts/u/credit").object["balance"] as? Int == 20 }
            let ledger = try await api.call(.get, "/api/v1/accounts/u/credit").list("entries")
            #expect(ledger.compactMap { $0["kind"] as? String } == ["refund", "charge", "top_up"])
            #expect(ledger.first?["message_id"] as? String == id)
        }
    }

    @Test("an SMPP submit the account cannot pay for gets ESME_RSUBMITFAIL; the message is tracked as rejected")
    func smppRefusal() async throws {
        try await APIHarness.run { api in
            #expect(try await api.call(.patch, "/api/v1/accounts/\(api.gateway.systemID)", json: ["price_plan": ["default": 1]]).status == .ok)
            let client = try await api.gateway.boundClient()
            let refused = try await client.request(submitSM())
            #expect(refused.commandStatus == .submitFailed)
            #expect(try await api.call(.post, "/api/v1/accounts/\(api.gateway.systemID)/credit", json: ["amount": 1]).status == .ok)
            #expect(try await client.request(submitSM()).commandStatus == .ok)
            #expect(try await client.request(submitSM()).commandStatus == .submitFailed)
            let rejected = try await api.call(.get, "/api/v1/messages?status=rejected").list("messages")
            #expect(rejected.count == 2)

            // submit_multi: the destinations the balance cannot pay for are listed in unsuccess_sme.
            #expect(try await api.call(.post, "/api/v1/accounts/\(api.gateway.systemID)/credit", json: ["amount": 2]).status == .ok)
            let multi = SubmitMulti(
                source: Address(ton: .alphanumeric, value: "Tern"),
                destinations: ["447700900001", "447700900002", "447700900003"].map { .sme(Address(ton: .international, npi: .isdn, value: $0)) },
                shortMessage: ByteBuffer(string: "to many"))
            let response = try await client.request(.submitMulti(multi))
            #expect(response.commandStatus == .ok)
            guard case .submitMultiResp(let resp?) = response.body else {
                Issue.record("submit_multi_resp expected, got \(response)")
                return
            }
            #expect(resp.unsuccessful.map(\.address.value) == ["447700900003"])
            #expect(resp.unsuccessful.first?.errorStatusCode == .submitFailed)
            await client.unbind()
        }
    }
}
