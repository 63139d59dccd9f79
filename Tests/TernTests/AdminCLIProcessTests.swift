import Foundation
import NIOCore
import NIOPosix
import SMPP
import Testing

/// `tern admin` against a running `tern serve`, through its HTTP API and the local admin token.
@Suite("tern admin against a running server")
struct AdminCLIProcessTests {
    @Test("accounts, credit, tokens, sessions, messages, campaigns, stats and audit from the shell")
    func shell() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = try await ServerProcess.freePort()
        let httpPort = try await ServerProcess.freePort()
        let config = directory + "/tern.toml"
        try """
            [server]
            smpp = "127.0.0.1:\(port)"
            smpp_tls = ""
            http = "127.0.0.1:\(httpPort)"
            data_directory = "\(directory)"

            [store]
            path = "\(directory)/tern.sqlite"
            durability = "normal"

            [accounts]
            campaign_from = "service_type"

            [[connector]]
            name = "simulator"
            type = "simulator"
            min_delay_ms = 10
            max_delay_ms = 20

            [[route]]
            name = "default"
            connectors = ["simulator"]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let server = try ServerProcess(config: config)
        defer { server.terminate() }
        try await ServerProcess.waitForPort(httpPort)

        func tern(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await runTern(["admin"] + arguments + ["--config", config])
        }
        let reseller = try await tern(["accounts", "add", "acme", "--password", "acme1234", "--role", "reseller", "--price", "2"])
        #expect(reseller.status == 0, "\(reseller.stderr)")
        #expect(reseller.stdout.contains("acme") && reseller.stdout.contains("reseller"))
        let user = try await tern(["accounts", "add", "bakery", "--password", "bread123", "--reseller", "acme", "--price", "5",
                                   "--price-prefix", "4477=4", "--sender", "Bakery"])
        #expect(user.status == 0, "\(user.stderr)")
        #expect(try await tern(["credit", "add", "acme", "1000", "--reason", "invoice 1"]).stdout.contains("balance 1000"))
        #expect(try await tern(["credit", "add", "bakery", "100"]).status == 0)
        // A negative amount takes credit back; after `--`, so it is not read as an option.
        let bad = try await runTern(["admin", "credit", "add", "--config", config, "bakery", "--", "-500"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("insufficient credit"))

        let token = try await tern(["tokens", "add", "bakery", "--label", "shop"])
        #expect(token.stdout.contains("tern_"))

        let client = try await SMPPClient.connect(host: "127.0.0.1", port: port, group: MultiThreadedEventLoopGroup.singleton)
        #expect(try await client.bind(.transceiver, systemID: "bakery", password: "bread123").commandStatus == .ok)
        let submit = SubmitSM(serviceType: "promo", source: Address(ton: .alphanumeric, value: "Bakery"),
                              destination: Address(ton: .international, npi: .isdn, value: "447700900777"),
                              shortMessage: ByteBuffer(string: "Fresh bread"))
        #expect(try await client.request(.submitSM(submit)).commandStatus == .ok)
        var notAllowed = submit
        notAllowed.source = Address(ton: .alphanumeric, value: "Other")
        #expect(try await client.request(.submitSM(notAllowed)).commandStatus == .invalidSourceAddress)

        let sessions = try await tern(["sessions", "list", "--json"])
        #expect(sessions.stdout.contains("\"system_id\":\"bakery\""))
        let found = try await tern(["messages", "find", "--to", "447700900777"])
        #expect(found.stdout.contains("Bakery → 447700900777") && found.stdout.contains("campaign=promo"), "\(found.stdout)")
        let campaigns = try await tern(["campaigns"])
        #expect(campaigns.stdout.contains("promo") && campaigns.stdout.contains("accepted 1"))
        let credit = try await tern(["credit", "show", "bakery"])
        #expect(credit.stdout.contains("balance 96"))
        let stats = try await tern(["stats", "--json"])
        #expect(stats.stdout.contains("\"sessions_now\":[{\"sessions\":1,\"system_id\":\"bakery\"}]"), "\(stats.stdout)")

        let detach = try await tern(["sessions", "detach", "--account", "bakery"])
        #expect(detach.status == 0, "\(detach.stderr)")
        #expect(try await tern(["accounts", "remove", "acme"]).stderr.contains("still owns"))
        let audit = try await tern(["audit"])
        #expect(audit.stdout.contains("local@127.0.0.1  credit.top_up  acme"))
        #expect(audit.stdout.contains("session.detach"))

        // `tern reload` goes through the same API, with the same local admin token.
        let reload = try await runTern(["reload", "--config", config])
        #expect(reload.status == 0, "\(reload.stderr)")
        await client.close()
    }
}
