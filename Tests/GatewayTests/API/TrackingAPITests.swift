import Foundation
import Gateway
import Hummingbird
import NIOCore
import SMPP
import Testing

@Suite("Admin API over HTTP: sessions, sending, tracking, campaigns, stats, audit")
struct TrackingAPITests {
    @Test("sessions show their bind, health, window and rate; detaching one unbinds it")
    func sessions() async throws {
        try await APIHarness.run { api in
            let client = try await api.gateway.boundClient(.transceiver)
            for index in 0..<5 {
                #expect(try await client.request(submitSM(to: "44770090010\(index)")).commandStatus == .ok)
            }
            let listed = try await api.call(.get, "/api/v1/sessions")
            let session = try #require(listed.list("sessions").first)
            #expect(session["system_id"] as? String == api.gateway.systemID)
            #expect(session["bind_type"] as? String == "transceiver")
            #expect(session["interface_version"] as? String == "3.4")
            #expect(session["tls"] as? Bool == false)
            #expect(session["health"] as? String == "alive")
            #expect((session["remote"] as? String)?.contains("127.0.0.1") == true)
            #expect(session["window_in_use"] as? Int == 0)
            #expect(session["bound_since"] is String && session["last_pdu_at"] is String)
            let id = try #require(session["id"] as? Int)

            #expect(try await api.call(.delete, "/api/v1/sessions/999999").status == .notFound)
            let detached = try await api.call(.delete, "/api/v1/sessions/\(id)")
            #expect(detached.status == .accepted)
            try await waitUntil { api.gateway.gateway.registry.allSessions().isEmpty }
            #expect(try await api.call(.get, "/api/v1/sessions").list("sessions").isEmpty)
            let audit = try await api.call(.get, "/api/v1/audit")
            #expect(audit.list("entries").contains { $0["action"] as? String == "session.detach" && $0["actor"] as? String == "local" })
        }
    }

    @Test("a session that sends nothing for dead_after_seconds shows as dead")
    func deadSession() async throws {
        try await APIHarness.run(configure: { $0.accounts.deadAfterSeconds = 1; $0.server.enquireLinkSeconds = 0 }) { api in
            let client = try await api.gateway.boundClient(.transmitter)
            try await Task.sleep(for: .milliseconds(1500))
            let session = try #require(try await api.call(.get, "/api/v1/sessions").list("sessions").first)
            #expect(session["health"] as? String == "dead")
            #expect(try await client.request(submitSM()).commandStatus == .ok)
            let again = try #require(try await api.call(.get, "/api/v1/sessions").list("sessions").first)
            #expect(again["health"] as? String == "alive")
            await client.unbind()
        }
    }

    @Test("HTTP sending: charged at the price plan, found by number, sender and campaign, with its timeline, receipt and charge")
    func sendAndTrack() async throws {
        try await APIHarness.run { api in
            let token = try await api.account("web", extra: ["price_plan": ["default": 4, "prefixes": ["4477": 2]]])
            #expect(try await api.call(.post, "/api/v1/accounts/web/credit", json: ["amount": 10]).status == .ok)
            let long = String(repeating: "Long message text. ", count: 10)   // 190 characters: 2 parts
            let sent = try await api.call(.post, "/api/v1/messages", as: token, json: [
                "from": "Shop", "to": ["+447700900001", "447700900002"], "text": long, "campaign": "winter",
            ])
            #expect(sent.status == .accepted)
            let results = sent.list("results")
            #expect(results.count == 2)
            #expect(results.allSatisfy { ($0["ids"] as? [String])?.count == 2 && $0["status"] as? String == "accepted" })
            // 2 messages × 2 parts × 2 = 8; the third part pair would need 4 more than the 2 left.
            let refused = try await api.call(.post, "/api/v1/messages", as: token, json: ["from": "Shop", "to": "447700900003", "text": long])
            #expect(refused.status == .unprocessableContent)
            let refusal = try #require(refused.list("results").first)
            #expect(refusal["status"] as? String == "ESME_RSUBMITFAIL")
            #expect((refusal["reason"] as? String)?.contains("insufficient credit") == true)
            // All or none: neither part of the refused message was charged.
            #expect(try await api.call(.get, "/api/v1/accounts/web/credit").object["balance"] as? Int == 2)
            let short = try await api.call(.post, "/api/v1/messages", as: token, json: ["from": "Shop", "to": "447700900004", "text": "hi"])
            #expect(short.status == .accepted)
            #expect(try await api.call(.get, "/api/v1/accounts/web/credit").object["balance"] as? Int == 0)

            let byNumber = try await api.call(.get, "/api/v1/messages?to=%2B447700900001", as: token)
            #expect(byNumber.list("messages").count == 2)
            #expect(byNumber.list("messages").allSatisfy { $0["campaign"] as? String == "winter" && $0["price"] as? Int == 2 })
            #expect(try await api.call(.get, "/api/v1/messages?campaign=winter", as: token).list("messages").count == 4)
            #expect(try await api.call(.get, "/api/v1/messages?sender=Shop&limit=3", as: token).list("messages").count == 3)
            let rejected = try await api.call(.get, "/api/v1/messages?status=rejected", as: token).list("messages")
            #expect(rejected.count == 2 && rejected.allSatisfy { $0["to"] as? String == "447700900003" && $0["charged"] as? Bool == false })
            let page1 = try await api.call(.get, "/api/v1/messages?limit=2", as: token)
            let next = try #require(page1.object["next"] as? String)
            let page2 = try await api.call(.get, "/api/v1/messages?limit=2&before=\(next)", as: token)
            #expect(Set(page1.list("messages").compactMap { $0["id"] as? String }).isDisjoint(with: page2.list("messages").compactMap { $0["id"] as? String }))
            #expect(try await api.call(.get, "/api/v1/messages?status=nonsense", as: token).status == .badRequest)
            #expect(try await api.call(.get, "/api/v1/messages?since=yesterday", as: token).status == .badRequest)

            // The simulator delivers within 50 ms: the timeline ends with the receipt.
            let id = try #require((results.first?["ids"] as? [String])?.first)
            try await waitUntil { try await api.call(.get, "/api/v1/messages/\(id)", as: token).object["state"] as? String == "delivered" }
            let detail = try await api.call(.get, "/api/v1/messages/\(id)", as: token).object
            #expect((detail["text"] as? String)?.hasPrefix("Long message text.") == true)
            #expect(detail["charged"] as? Bool == true && detail["price"] as? Int == 2)
            #expect(detail["connector"] == nil)   // a user does not see the aggregator's connectors
            let timeline = try #require(detail["timeline"] as? [[String: Any]])
            #expect(timeline.map { $0["state"] as? String } == ["accepted", "routed", "submitted", "delivered"].map(Optional.init))
            #expect(timeline.last?["receipt"] as? Bool == true)
            let asAdmin = try await api.call(.get, "/api/v1/messages/\(id)").object
            #expect(asAdmin["connector"] as? String == "simulator")

            let campaigns = try await api.call(.get, "/api/v1/campaigns", as: token).list("campaigns")
            let winter = try #require(campaigns.first { $0["campaign"] as? String == "winter" })
            #expect(winter["accepted"] as? Int == 4)
            try await waitUntil { try await api.call(.get, "/api/v1/campaigns/winter", as: token).list("campaigns").first?["delivered"] as? Int == 4 }
            #expect(winter["spent"] as? Int == 8)

            let stats = try await api.call(.get, "/api/v1/stats?by=day", as: token)
            let period = try #require((stats.list("accounts").first?["periods"] as? [[String: Any]])?.first)
            #expect(period["messages"] as? Int == 4)     // 2 long + 1 refused + 1 short
            #expect(period["parts"] as? Int == 7)
            #expect(period["spent"] as? Int == 10)
            #expect(period["refused_for_credit"] as? Int == 2)
            #expect((period["final_states"] as? [String: Int])?["rejected"] == 2)
            #expect(try await api.call(.get, "/api/v1/stats?by=week", as: token).status == .badRequest)

            let noText = try await api.call(.post, "/api/v1/messages", as: token, json: ["from": "Shop", "to": "4477"])
            #expect(noText.status == .badRequest)
            #expect(try await api.call(.post, "/api/v1/messages", json: ["from": "a", "to": "1", "text": "x"]).status == .badRequest)
        }
    }
}
