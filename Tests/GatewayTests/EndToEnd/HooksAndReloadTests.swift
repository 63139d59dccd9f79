import Connectors
import Foundation
import Gateway
import Logging
import NIOCore
import Scripting
import SMPP
import Store
import Testing

/// Hooks and reload through real sessions: the config file and plugins on disk, reloaded the way
/// SIGHUP and `tern reload` do it.
@Suite("End to end: hooks, policies and reload", .serialized)
struct HooksAndReloadTests {
    /// A config for the harness's gateway with two simulator connectors, `a` and `b`.
    static func configText(_ harness: GatewayHarness, extra: String) -> String {
        """
        [server]
        smpp = "127.0.0.1:\(harness.port)"
        smpp_tls = ""
        http = ""
        window = 50
        data_directory = "\(harness.directory)"

        [store]
        path = "\(harness.directory)/tern.sqlite"
        durability = "normal"

        [[connector]]
        name = "a"
        type = "simulator"
        min_delay_ms = 10
        max_delay_ms = 50

        [[connector]]
        name = "b"
        type = "simulator"
        min_delay_ms = 10
        max_delay_ms = 50

        \(extra)

        [[route]]
        name = "default"
        connectors = ["a"]
        """
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func makeConnector(_ settings: ConnectorSettings) -> any Connector {
        var logger = Logger(label: "tern-test")
        logger.logLevel = .warning
        guard case .simulator(let simulator) = settings.kind else { preconditionFailure("tests use simulators") }
        return SimulatorConnector(name: settings.name, settings: simulator, logger: logger)
    }

    static func harness() async throws -> GatewayHarness {
        try await GatewayHarness(configure: { config in
            config.connectors = ["a", "b"].map {
                ConnectorSettings(name: $0, kind: .simulator(SimulatorSettings(minDelayMilliseconds: 10, maxDelayMilliseconds: 50)))
            }
            config.routes = [RouteRule(name: "default", connectors: ["a"])]
        })
    }

    static func messageID(_ response: PDU) -> String? {
        if case .submitSMResp(let resp) = response.body { return resp.messageID }
        return nil
    }

    @Test("a client keeps submitting through 20 reloads that change the route; a broken config in the middle changes nothing")
    func reloadUnderLoad() async throws {
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        let configPath = harness.directory + "/tern.toml"
        let pluginPath = harness.directory + "/route.lua"
        try Self.write("""
            local target
            return {
                init = function(config) target = config.target end,
                route = function(msg) return target end,
            }
            """, to: pluginPath)
        func config(target: String) -> String {
            Self.configText(harness, extra: """
                [[plugin]]
                file = "\(pluginPath)"
                target = "\(target)"
                """)
        }

        let client = try await harness.boundClient(window: 20)
        // A second client submits without pause for the whole test.
        let background = try await harness.boundClient(window: 20)
        let stop = LockedCounter()
        let backgroundTask = Task { () -> (sent: Int, failed: Int) in
            var sent = 0
            var failed = 0
            while stop.value == 0, sent < 100_000 {
                let response = try await background.request(submitSM(text: "background \(sent)"))
                sent += 1
                if response.commandStatus != .ok { failed += 1 }
            }
            return (sent, failed)
        }

        var expected = "a"
        for round in 1...20 {
            let broken = round == 10
            if broken {
                try Self.write(config(target: "b") + "\n[[route]]\nname = \"oops\"\nconnectors = [\"missing\"]\n", to: configPath)
            } else {
                expected = round % 2 == 0 ? "a" : "b"
                try Self.write(config(target: expected), to: configPath)
            }
            let result = await harness.gateway.reload(configPath: configPath, makeConnector: Self.makeConnector)
            switch (broken, result) {
            case (true, .failure(let errors)):
                #expect(errors.description.contains("tern.toml:"), "\(errors)")
                #expect(errors.description.contains("missing"), "\(errors)")
            case (false, .success):
                break
            default:
                Issue.record("round \(round): unexpected reload result \(result)")
            }
            for index in 0..<10 {
                let response = try await client.request(submitSM(text: "round \(round) message \(index)"))
                #expect(response.commandStatus == .ok)
                let stored = try await harness.stored(Self.messageID(response))
                #expect(stored.connector == expected, "round \(round): routed to \(stored.connector ?? "nil"), expected \(expected)")
            }
        }
        stop.increment()
        let totals = try await backgroundTask.value
        #expect(totals.sent > 0)
        #expect(totals.failed == 0)
        #expect(client.channel.isActive)
        #expect(background.channel.isActive)
        #expect(harness.gateway.counts.reloads == 19)
        #expect(harness.gateway.counts.reloadsRefused == 1)
        #expect(harness.gateway.registry.allSessions().count == 2)
        await client.unbind()
        await background.unbind()
    }

    @Test("two accounts under two resellers get different routes and prices for the same message")
    func perAccountPolicies() async throws {
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        let directory = harness.directory
        try Self.write("return { bill = function(msg) return 10 * msg.parts end }", to: directory + "/global.lua")
        try Self.write("return { route = function(msg) return 'a' end, bill = function(msg) return msg.price + 2 end }", to: directory + "/reseller1.lua")
        try Self.write("return { route = function(msg) return { 'b', 'a' } end, bill = function(msg) return msg.price * 3 end }", to: directory + "/reseller2.lua")
        try Self.write(Self.configText(harness, extra: "[[plugin]]\nfile = \"\(directory)/global.lua\"\n"), to: directory + "/tern.toml")
        guard case .success = await harness.gateway.reload(configPath: directory + "/tern.toml", makeConnector: Self.makeConnector) else {
            Issue.record("reload failed")
            return
        }
        let store = harness.store
        let reseller1 = try await store.insertAccount(Account(systemID: "reseller1", passwordHash: PasswordHash(hashing: "r1", rounds: 1000), policy: directory + "/reseller1.lua"))
        let reseller2 = try await store.insertAccount(Account(systemID: "reseller2", passwordHash: PasswordHash(hashing: "r2", rounds: 1000), policy: directory + "/reseller2.lua"))
        let user1 = try await store.insertAccount(Account(systemID: "user1", passwordHash: PasswordHash(hashing: "u1", rounds: 1000), resellerID: reseller1.id))
        let user2 = try await store.insertAccount(Account(systemID: "user2", passwordHash: PasswordHash(hashing: "u2", rounds: 1000), resellerID: reseller2.id))
        // Priced messages are paid for: every account starts with 100.
        for account in [reseller1, reseller2, user1, user2] {
            _ = try await store.changeCredit(.topUp(accountID: try #require(account.id), amount: 100, reason: "test", actor: "test"))
        }

        var outcomes: [String: Message] = [:]
        for (user, password) in [("user1", "u1"), ("user2", "u2")] {
            let client = try await harness.client()
            #expect(try await client.bind(.transceiver, systemID: user, password: password).commandStatus == .ok)
            let response = try await client.request(submitSM(to: "447700900123", text: "same message"))
            #expect(response.commandStatus == .ok)
            outcomes[user] = try await harness.stored(Self.messageID(response))
            await client.unbind()
        }
        #expect(outcomes["user1"]?.connector == "a")
        #expect(outcomes["user1"]?.price == 12)
        #expect(outcomes["user1"]?.resellerPrice == 10)
        #expect(outcomes["user2"]?.connector == "b")
        #expect(outcomes["user2"]?.price == 30)
        #expect(outcomes["user2"]?.resellerPrice == 10)
        // Each paid its own price out of its own balance, in the transaction that stored the message.
        #expect(try await store.balance(accountID: try #require(user1.id)) == 88)
        #expect(try await store.balance(accountID: try #require(reseller1.id)) == 90)
        #expect(try await store.balance(accountID: try #require(user2.id)) == 70)
        #expect(try await store.balance(accountID: try #require(reseller2.id)) == 90)
    }

    @Test("a failing hook rejects only that message, with the configured status, and the session goes on")
    func hookFailureIsContained() async throws {
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        let directory = harness.directory
        try Self.write("""
            return { filter = function(msg)
                if msg.text == "boom" then error("exploded") end
                if msg.text == "spin" then while true do end end
                if msg.text == "casino" then tern.reject("ESME_RINVDSTADR", "no casinos") end
            end, rewrite_sender = function(msg) if msg.source == "Tern" then return "+447700900000" end end }
            """, to: directory + "/filter.lua")
        try Self.write(Self.configText(harness, extra: """
            [scripting]
            error_status = "ESME_RSUBMITFAIL"
            instruction_budget = 100000

            [[plugin]]
            file = "\(directory)/filter.lua"
            """), to: directory + "/tern.toml")
        guard case .success = await harness.gateway.reload(configPath: directory + "/tern.toml", makeConnector: Self.makeConnector) else {
            Issue.record("reload failed")
            return
        }
        let client = try await harness.boundClient()
        #expect(try await client.request(submitSM(text: "boom")).commandStatus == .submitFailed)
        #expect(try await client.request(submitSM(text: "spin")).commandStatus == .submitFailed)
        #expect(try await client.request(submitSM(text: "casino")).commandStatus == .invalidDestinationAddress)
        let fine = try await client.request(submitSM(text: "fine"))
        #expect(fine.commandStatus == .ok)
        let stored = try await harness.stored(Self.messageID(fine))
        #expect(stored.source == WireAddress(ton: 1, npi: 1, value: "447700900000"))
        #expect(harness.gateway.counts.hookFailures == 2)
        let metrics = harness.gateway.metricsText()
        #expect(metrics.contains("tern_hook_failures_total{plugin=\"filter\"} 2"), "\(metrics)")
        #expect(metrics.contains("tern_submits_total{status=\"ESME_RSUBMITFAIL\"} 2"), "\(metrics)")
        #expect(metrics.contains("tern_submits_total{status=\"ESME_RINVDSTADR\"} 1"), "\(metrics)")
        #expect(metrics.contains("tern_submits_total{status=\"ESME_ROK\"} 1"), "\(metrics)")
        #expect(metrics.contains("tern_sessions_bound{account=\"\(harness.systemID)\"} 1"), "\(metrics)")
        #expect(metrics.contains("tern_hook_chain_seconds_count 4"), "\(metrics)")
        #expect(metrics.contains("tern_reloads_total{result=\"applied\"} 1"), "\(metrics)")
        #expect(metrics.contains("tern_store_commit_seconds_count"), "\(metrics)")
        #expect(client.channel.isActive)
        await client.unbind()
    }

    @Test("an authenticate hook can refuse a bind, and route_mo picks the account for an MO")
    func authenticateAndMobileOriginated() async throws {
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        let directory = harness.directory
        try Self.write("""
            return {
                authenticate = function(bind) if bind.bind_type == "receiver" then return "ESME_RBINDFAIL" end end,
                route_mo = function(mo) if mo.text and mo.text:find("^HELP") then return "\(harness.systemID)" end end,
            }
            """, to: directory + "/auth.lua")
        try Self.write(Self.configText(harness, extra: "[[plugin]]\nfile = \"\(directory)/auth.lua\"\n"), to: directory + "/tern.toml")
        guard case .success = await harness.gateway.reload(configPath: directory + "/tern.toml", makeConnector: Self.makeConnector) else {
            Issue.record("reload failed")
            return
        }
        let receiver = try await harness.client()
        #expect(try await receiver.bind(.receiver, systemID: harness.systemID, password: harness.password).commandStatus == .bindFailed)
        await receiver.close()
        let client = try await harness.boundClient(.transceiver)
        harness.gateway.connector("a", receivedMobileOriginated: MobileOriginatedMessage(
            source: WireAddress(ton: 1, npi: 1, value: "447700900555"), destination: WireAddress(value: "12345"),
            shortMessage: Array("HELP me".utf8)))
        let deliveries = await client.deliveries(count: 1, timeout: .seconds(10))
        #expect(deliveries.count == 1)

        // No plugin has a message hook: the config's routes decide alone, and no chain runs.
        let response = try await client.request(submitSM(text: "routed by the config"))
        #expect(response.commandStatus == .ok)
        #expect(try await harness.stored(Self.messageID(response)).connector == "a")
        let metrics = harness.gateway.metricsText()
        #expect(metrics.contains("tern_hook_chain_seconds_count 0"), "\(metrics)")
        await client.unbind()
    }
}

extension HooksAndReloadTests {
    @Test("a reload keeps unchanged connectors, replaces changed ones and retires removed ones; receipts still arrive")
    func connectorsAcrossReloads() async throws {
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        let path = harness.directory + "/tern.toml"
        try Self.write(Self.configText(harness, extra: ""), to: path)
        guard case .success = await harness.gateway.reload(configPath: path, makeConnector: Self.makeConnector) else {
            Issue.record("first reload failed")
            return
        }
        let first = harness.gateway.connectors
        let client = try await harness.boundClient()

        // b's delays change: b is replaced, a is the same object.
        try Self.write(Self.configText(harness, extra: "").replacingOccurrences(of: "name = \"b\"\ntype = \"simulator\"\nmin_delay_ms = 10",
                                                                               with: "name = \"b\"\ntype = \"simulator\"\nmin_delay_ms = 20"), to: path)
        guard case .success(let report) = await harness.gateway.reload(configPath: path, makeConnector: Self.makeConnector) else {
            Issue.record("second reload failed")
            return
        }
        #expect(report.diff.changes.contains { $0.hasPrefix("connector changed: b") }, "\(report.diff.changes)")
        let second = harness.gateway.connectors
        #expect(second["a"] === first["a"])
        #expect(second["b"] !== first["b"])

        // b removed: it leaves the set; messages keep flowing through a and get receipts.
        var text = Self.configText(harness, extra: "")
        text = text.replacingOccurrences(of: "[[connector]]\nname = \"b\"\ntype = \"simulator\"\nmin_delay_ms = 10\nmax_delay_ms = 50\n", with: "")
        try Self.write(text, to: path)
        guard case .success(let removal) = await harness.gateway.reload(configPath: path, makeConnector: Self.makeConnector) else {
            Issue.record("third reload failed")
            return
        }
        #expect(removal.diff.changes.contains { $0.hasPrefix("connector removed: b") }, "\(removal.diff.changes)")
        #expect(Set(harness.gateway.connectors.keys) == ["a"])
        #expect(harness.gateway.connectors["a"] === first["a"])
        let response = try await client.request(submitSM(text: "after the reloads"))
        #expect(response.commandStatus == .ok)
        let receipts = await client.deliveries(count: 1, timeout: .seconds(10))
        #expect(receipts.count == 1)
        #expect(client.channel.isActive)
        await client.unbind()
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    func increment() { lock.lock(); count += 1; lock.unlock() }
}
