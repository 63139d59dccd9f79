import Foundation
import Gateway
import NIOCore
import SMPP
import Testing

@Suite("End to end: bind refusals and throttling", .serialized)
struct BindAndThrottleTests {
    @Test("unknown system_id, wrong password, disabled account, too many binds, source not allowed")
    func refusals() async throws {
        let harness = try await GatewayHarness(account: { $0.maxBinds = 2 })
        defer { Task { await harness.stop() } }

        func bind(_ systemID: String, _ password: String) async throws -> CommandStatus {
            let client = try await harness.client()
            let status = try await client.bind(.transceiver, systemID: systemID, password: password).commandStatus
            if status == .ok { return status }
            await client.close()
            return status
        }
        #expect(try await bind("nobody", "x") == .invalidSystemID)
        #expect(try await bind(harness.systemID, "wrong") == .invalidPassword)

        // Net::SMPP binds a transmitter and a receiver with the same credentials: both are fine.
        let transmitter = try await harness.boundClient(.transmitter)
        let receiver = try await harness.boundClient(.receiver)
        #expect(try await bind(harness.systemID, harness.password) == .alreadyBound)
        await transmitter.unbind()
        // The freed slot can be used again.
        var freed = CommandStatus.alreadyBound
        for _ in 0..<100 where freed != .ok {
            try await Task.sleep(for: .milliseconds(10))
            freed = try await bind(harness.systemID, harness.password)
        }
        #expect(freed == .ok)
        await receiver.unbind()

        var account = try #require(try await harness.store.account(systemID: harness.systemID))
        account.enabled = false
        try await harness.store.updateAccount(account)
        #expect(try await bind(harness.systemID, harness.password) == .bindFailed)

        account.enabled = true
        account.allowedNetworks = [try #require(IPNetwork("10.0.0.0/8"))]
        try await harness.store.updateAccount(account)
        #expect(try await bind(harness.systemID, harness.password) == .bindFailed)
        account.allowedNetworks = [try #require(IPNetwork("127.0.0.0/8"))]
        try await harness.store.updateAccount(account)
        let allowed = try await harness.client()
        #expect(try await allowed.bind(.transceiver, systemID: harness.systemID, password: harness.password).commandStatus == .ok)
        await allowed.unbind()
    }

    @Test("repeated bind failures from one address are refused for a while, even with the right password")
    func bruteForce() async throws {
        let harness = try await GatewayHarness(configure: { $0.server.bindFailuresBeforeBan = 3; $0.server.bindBanSeconds = 60 })
        defer { Task { await harness.stop() } }
        for _ in 0..<3 {
            let client = try await harness.client()
            #expect(try await client.bind(.transceiver, systemID: harness.systemID, password: "guess").commandStatus == .invalidPassword)
            await client.close()
        }
        let client = try await harness.client()
        #expect(try await client.bind(.transceiver, systemID: harness.systemID, password: harness.password).commandStatus == .bindFailed)
        await client.close()
    }

    @Test("an account over its throughput gets ESME_RTHROTTLED; its other submits are accepted")
    func throughput() async throws {
        let harness = try await GatewayHarness(account: { $0.throughput = 5 })
        defer { Task { await harness.stop() } }
        let client = try await harness.boundClient(window: 40)
        let futures = (0..<40).map { _ in client.send(submitSM(registeredDelivery: .none)) }
        var statuses: [CommandStatus] = []
        for future in futures { statuses.append(try await future.get().commandStatus) }
        let accepted = statuses.filter { $0 == .ok }.count
        let throttled = statuses.filter { $0 == .throttled }.count
        #expect(accepted >= 5)
        #expect(accepted <= 10)
        #expect(accepted + throttled == 40)
        await client.unbind()
    }

    @Test("a submit on a receiver session is refused by the session rules")
    func receiverCannotSubmit() async throws {
        let harness = try await GatewayHarness()
        defer { Task { await harness.stop() } }
        let receiver = try await harness.boundClient(.receiver)
        do {
            let response = try await receiver.request(submitSM())
            #expect(response.commandStatus == .invalidBindStatus)
        } catch let error as SMPPSessionError {
            // Our own client refuses to send it in the wrong state: that is the same rule.
            #expect(error.code == .notAllowedInState(.boundReceiver))
        }
        await receiver.unbind()
    }
}
