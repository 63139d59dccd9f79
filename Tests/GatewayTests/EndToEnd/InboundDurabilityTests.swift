import Foundation
import Gateway
import NIOConcurrencyHelpers
import SMPP
import Testing

/// What an upstream hands Tern is kept before the upstream hears "taken": receipts and MO.
@Suite("End to end: receipts and MO are durable before they are acknowledged")
struct InboundDurabilityTests {
    @Test("a receipt's new state is in the store when the connector is told to answer the upstream")
    func receiptKeptBeforeAnswer() async throws {
        let harness = try await GatewayHarness(configure: { config in
            // The simulator's own receipt would come far too late to interfere.
            config.connectors = [ConnectorSettings(name: "simulator", kind: .simulator(SimulatorSettings(minDelayMilliseconds: 600_000, maxDelayMilliseconds: 600_000)))]
        })
        defer { Task { await harness.stop() } }
        let client = try await harness.boundClient()
        let response = try await client.request(submitSM())
        let id = try #require(HooksAndReloadTests.messageID(response).flatMap(MessageID.init))
        var submitted: Message?
        for _ in 0..<200 where submitted?.upstreamID == nil {
            try await Task.sleep(for: .milliseconds(10))
            submitted = try await harness.store.message(id)
        }
        let upstreamID = try #require(submitted?.upstreamID)
        let stateWhenTaken = NIOLockedValueBox<MessageLifecycle?>(nil)
        let store = harness.store
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            harness.gateway.connector("simulator", received: UpstreamReceipt(upstreamID: upstreamID, state: .delivered)) { taken in
                #expect(taken)
                Task {
                    stateWhenTaken.withLockedValue { $0 = nil }
                    let state = try? await store.message(id)?.state
                    stateWhenTaken.withLockedValue { $0 = state }
                    done.resume()
                }
            }
        }
        #expect(stateWhenTaken.withLockedValue { $0 } == .delivered)
        await client.unbind()
    }

    @Test("an MO is stored before the upstream hears it was taken, and removed once a receiver took it")
    func mobileOriginatedKeptBeforeAnswer() async throws {
        let harness = try await GatewayHarness(configure: { $0.moRoutes = [MORouteRule(name: "all", account: "client1")] })
        defer { Task { await harness.stop() } }
        let store = harness.store
        let storedWhenTaken = NIOLockedValueBox(-1)
        let message = MobileOriginatedMessage(source: WireAddress(ton: 1, npi: 1, value: "447700900555"), destination: WireAddress(value: "12345"),
                                              shortMessage: Array("STOP".utf8))
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            harness.gateway.connector("simulator", receivedMobileOriginated: message) { taken in
                #expect(taken)
                Task {
                    let count = (try? await store.pendingMobileOriginated(accountID: 1, limit: 10).count) ?? -1
                    storedWhenTaken.withLockedValue { $0 = count }
                    done.resume()
                }
            }
        }
        #expect(storedWhenTaken.withLockedValue { $0 } == 1)

        // With a receiver bound, the MO goes out and its stored copy goes away.
        let receiver = try await harness.boundClient(.receiver)
        let deliveries = await receiver.deliveries(count: 1, timeout: .seconds(10))
        #expect(deliveries.count == 1)
        harness.gateway.connector("simulator", receivedMobileOriginated: message)
        let second = await receiver.deliveries(count: 1, timeout: .seconds(10))
        #expect(second.count == 1)
        try await waitUntil { try await store.pendingMobileOriginated(accountID: 1, limit: 10).isEmpty }
        await receiver.unbind()
    }
}
