import Foundation
import Gateway
import Hummingbird
import NIOCore
import SMPP
import Testing

/// The README's story, as a test: the business side from the admin down to a handset.
@Suite("Reseller story end to end")
struct ResellerStoryTests {
    @Test("admin → reseller → user; the user sends over SMPP; the reseller sees, detaches, finds and counts")
    func story() async throws {
        try await APIHarness.run(configure: { $0.accounts.campaignSource = .tlv(0x1400) }) { api in
            // The admin creates a reseller with a login, a wholesale price and some credit.
            #expect(try await api.call(.post, "/api/v1/accounts", json: [
                "system_id": "acme", "password": "acme1234", "role": "reseller", "login_password": "acme reseller 2026",
                "price_plan": ["default": 3],
            ]).status == .created)
            #expect(try await api.call(.post, "/api/v1/accounts/acme/credit", json: ["amount": 10_000, "reason": "invoice 1"]).status == .ok)

            // The reseller logs in, creates its user at its own price, and credits it.
            let login = try await api.call(.post, "/api/v1/login", as: nil, json: ["system_id": "acme", "password": "acme reseller 2026"])
            #expect(login.status == .ok)
            let cookie = try #require(login.headers[.setCookie]?.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last.map(String.init))
            #expect(try await api.call(.post, "/api/v1/accounts", as: nil, cookie: cookie, json: [
                "system_id": "bakery", "password": "bread123", "price_plan": ["default": 5, "prefixes": ["4477": 4]],
            ]).status == .created)
            #expect(try await api.call(.post, "/api/v1/accounts/bakery/credit", as: nil, cookie: cookie,
                                       json: ["amount": 1_000, "reason": "prepaid"]).status == .ok)

            // The user binds over SMPP and sends, naming its campaign in a vendor TLV.
            let client = try await api.gateway.client()
            #expect(try await client.bind(.transceiver, systemID: "bakery", password: "bread123").commandStatus == .ok)
            var tlvs = TLVList()
            try tlvs.append(TLVTag(rawValue: 0x1400), ByteBuffer(string: "fresh-bread"))
            let response = try await client.request(submitSM(to: "447700900555", from: "Bakery", text: "Fresh bread at 7"), tlvs: tlvs)
            #expect(response.commandStatus == .ok)
            let messageID = try #require(HooksAndReloadTests.messageID(response))

            // The reseller sees the session, and detaches it.
            let sessions = try await api.call(.get, "/api/v1/sessions", as: nil, cookie: cookie).list("sessions")
            let session = try #require(sessions.first { $0["system_id"] as? String == "bakery" })
            #expect(session["health"] as? String == "alive")
            let sessionID = try #require(session["id"] as? Int)
            #expect(try await api.call(.delete, "/api/v1/sessions/\(sessionID)", as: nil, cookie: cookie).status == .accepted)
            try await waitUntil { api.gateway.gateway.registry.allSessions().isEmpty }

            // It finds the message by number and by campaign…
            let byNumber = try await api.call(.get, "/api/v1/messages?to=447700900555", as: nil, cookie: cookie).list("messages")
            #expect(byNumber.map { $0["id"] as? String } == [messageID])
            let byCampaign = try await api.call(.get, "/api/v1/messages?campaign=fresh-bread", as: nil, cookie: cookie).list("messages")
            #expect(byCampaign.map { $0["id"] as? String } == [messageID])
            #expect(byCampaign.first?["price"] as? Int == 4)
            #expect(byCampaign.first?["reseller_price"] as? Int == 3)
            let campaigns = try await api.call(.get, "/api/v1/campaigns?account=bakery", as: nil, cookie: cookie).list("campaigns")
            #expect(campaigns.first?["campaign"] as? String == "fresh-bread" && campaigns.first?["accepted"] as? Int == 1)

            // …and sees the credit spent: the user paid 4 of its 1000, the reseller 3 of what it had left.
            #expect(try await api.call(.get, "/api/v1/accounts/bakery/credit", as: nil, cookie: cookie).object["balance"] as? Int == 996)
            #expect(try await api.call(.get, "/api/v1/accounts/acme/credit", as: nil, cookie: cookie).object["balance"] as? Int == 8_997)
            let stats = try await api.call(.get, "/api/v1/stats", as: nil, cookie: cookie)
            let bakery = try #require(stats.list("accounts").first { $0["system_id"] as? String == "bakery" })
            #expect((bakery["periods"] as? [[String: Any]])?.first?["spent"] as? Int == 4)
            #expect((bakery["periods"] as? [[String: Any]])?.first?["sessions_peak"] as? Int == 1)
            let acme = try #require(stats.list("resellers").first { $0["system_id"] as? String == "acme" })
            #expect((acme["periods"] as? [[String: Any]])?.first?["spent"] as? Int == 3)
            #expect((acme["periods"] as? [[String: Any]])?.first?["messages"] as? Int == 1)
            // The reseller's peak is its own sessions' (it bound none), not a sum of its users' peaks.
            #expect((acme["periods"] as? [[String: Any]])?.first?["sessions_peak"] as? Int == 0)

            // The reseller's audit trail shows what it did, not what the admin did elsewhere.
            let audit = try await api.call(.get, "/api/v1/audit", as: nil, cookie: cookie).list("entries").compactMap { $0["action"] as? String }
            #expect(audit.contains("session.detach") && audit.contains("credit.transfer") && audit.contains("account.create"))
        }
    }
}
