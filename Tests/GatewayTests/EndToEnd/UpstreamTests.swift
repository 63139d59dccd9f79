import Connectors
import Foundation
import Gateway
import Logging
import NIOCore
import NIOPosix
import SMPP
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("End to end: through a real upstream SMSC", .serialized)
struct UpstreamTests {
    static func upstream(_ name: String, port: Int) -> SMPPUpstreamConnector {
        var logger = Logger(label: "tern-test-upstream")
        logger.logLevel = .critical
        let settings = SMPPUpstreamSettings(host: "127.0.0.1", port: port, systemID: "tern", password: "up", sessions: 2, window: 20,
                                            responseTimeoutSeconds: 2, reconnectMinMilliseconds: 50, reconnectMaxMilliseconds: 200)
        return SMPPUpstreamConnector(name: name, settings: settings, group: GatewayHarness.group, logger: logger)
    }

    /// A port with nothing listening on it: bound and held (so no test running alongside can
    /// take it and answer in its place), never listened on (so connecting is refused).
    final class DeadPort {
        let port: Int
        private var descriptor: Int32

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
                }
            }
            guard bound else {
                close(descriptor)
                throw CocoaError(.fileWriteUnknown)
            }
            port = Int(UInt16(bigEndian: address.sin_port))
            self.descriptor = descriptor
        }

        /// Lets the port go, for a server the test starts on it.
        func release() {
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
        }

        deinit { release() }
    }

    static func deadPort() throws -> DeadPort { try DeadPort() }

    @Test("submit goes upstream with hex ids; the upstream receipt comes back to the client with our id")
    func throughUpstream() async throws {
        let sink = SinkSMSC(configuration: .init(credentials: ["tern": "up"], messageIDFormat: .hexLeadingZeros), group: GatewayHarness.group)
        try await sink.start()
        let harness = try await GatewayHarness(connectors: [Self.upstream("up1", port: sink.port)]) {
            $0.routes = [RouteRule(name: "default", connectors: ["up1"])]
        }
        defer { Task { await harness.stop(); await sink.stop() } }
        let client = try await harness.boundClient(window: 50)
        var ids = Set<String>()
        for batch in 0..<4 {
            let futures = (0..<50).map { index in client.send(submitSM(text: "upstream \(batch * 50 + index)")) }
            for future in futures {
                let response = try await future.get()
                if case .submitSMResp(let resp) = response.body, let id = resp.messageID, response.commandStatus == .ok { ids.insert(id) }
            }
        }
        #expect(ids.count == 200)
        let receipts = await client.deliveries(count: 200, timeout: .seconds(20))
        #expect(Set(receipts.compactMap(\.tlvs.receiptedMessageID)) == ids)
        #expect(sink.counters.submitsReceived >= 200)
        #expect(harness.gateway.counts.receiptsUnmatched == 0)
        // The upstream's id is kept as the upstream wrote it, for the operator to look up.
        let one = try await harness.stored(ids.first)
        #expect(one.upstreamID?.count == 16)
        #expect(one.state == .delivered)
        await client.unbind()
    }

    @Test("when the first upstream is down, messages fail over to the next connector of the route")
    func failover() async throws {
        let dead = try Self.deadPort()
        let deadPort = dead.port
        defer { dead.release() }
        let sink = SinkSMSC(configuration: .init(credentials: ["tern": "up"]), group: GatewayHarness.group)
        try await sink.start()
        let harness = try await GatewayHarness(connectors: [Self.upstream("down", port: deadPort), Self.upstream("backup", port: sink.port)]) {
            $0.routes = [RouteRule(name: "default", connectors: ["down", "backup"])]
        }
        defer { Task { await harness.stop(); await sink.stop() } }
        let client = try await harness.boundClient(window: 20)
        let futures = (0..<20).map { _ in client.send(submitSM()) }
        for future in futures { #expect(try await future.get().commandStatus == .ok) }
        let receipts = await client.deliveries(count: 20, timeout: .seconds(20))
        #expect(receipts.count == 20)
        #expect(sink.counters.submitsReceived == 20)
        await client.unbind()
    }

    @Test("messages accepted while the upstream is down are sent after a restart")
    func restartWithPendingMessages() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-restart-\(UUID().uuidString)").path
        let dead = try Self.deadPort()
        let deadPort = dead.port
        var first: GatewayHarness? = try await GatewayHarness(directory: directory, connectors: [Self.upstream("up", port: deadPort)]) {
            $0.routes = [RouteRule(name: "default", connectors: ["up"])]
        }
        let client = try await #require(first).boundClient(window: 30)
        var ids = Set<String>()
        for future in (0..<30).map({ _ in client.send(submitSM()) }) {
            let response = try await future.get()
            if case .submitSMResp(let resp) = response.body, let id = resp.messageID { ids.insert(id) }
        }
        #expect(ids.count == 30)
        await client.close()
        await first?.stop(removeFiles: false)
        first = nil

        // The upstream comes up on the port the config names; the gateway restarts.
        dead.release()
        let sink = SinkSMSC(configuration: .init(port: deadPort, credentials: ["tern": "up"]), group: GatewayHarness.group)
        try await sink.start()
        let second = try await GatewayHarness(directory: directory, connectors: [Self.upstream("up", port: deadPort)]) {
            $0.routes = [RouteRule(name: "default", connectors: ["up"])]
        }
        defer { Task { await second.stop(); await sink.stop() } }
        let receiver = try await second.boundClient(.receiver)
        let receipts = await receiver.deliveries(count: 30, timeout: .seconds(20))
        #expect(Set(receipts.compactMap(\.tlvs.receiptedMessageID)) == ids)
        #expect(sink.counters.submitsReceived == 30)
        await receiver.unbind()
    }

    @Test("when accepted messages cannot leave, the queue fills and submits get ESME_RMSGQFUL")
    func queueFull() async throws {
        let dead = try Self.deadPort()
        let deadPort = dead.port
        defer { dead.release() }
        let harness = try await GatewayHarness(connectors: [Self.upstream("up", port: deadPort)]) {
            $0.routes = [RouteRule(name: "default", connectors: ["up"])]
            $0.server.maxQueuedMessages = 5
        }
        defer { Task { await harness.stop() } }
        let client = try await harness.boundClient(window: 10)
        var statuses: [CommandStatus] = []
        for _ in 0..<8 { statuses.append(try await client.request(submitSM()).commandStatus) }
        #expect(statuses.prefix(5).allSatisfy { $0 == .ok })
        #expect(statuses.suffix(3).allSatisfy { $0 == .messageQueueFull })
        await client.unbind()
    }

    @Test("an MO from upstream reaches the account named by the matching mo_route")
    func mobileOriginated() async throws {
        let sink = SinkSMSC(configuration: .init(credentials: ["tern": "up"]), group: GatewayHarness.group)
        try await sink.start()
        let harness = try await GatewayHarness(connectors: [Self.upstream("up", port: sink.port)]) {
            $0.routes = [RouteRule(name: "default", connectors: ["up"])]
            $0.moRoutes = [MORouteRule(name: "shortcode", destinationPrefixes: ["4000"], account: "client1")]
        }
        defer { Task { await harness.stop(); await sink.stop() } }
        let client = try await harness.boundClient(.receiver)
        _ = try await sink.sendMobileOriginated(to: "tern", from: Address(ton: .international, npi: .isdn, value: "447700900123"),
                                                to: Address(ton: .national, npi: .isdn, value: "40001"), shortMessage: Array("STOP please".utf8))
        let delivered = await client.deliveries(count: 1, timeout: .seconds(10))
        guard case .deliverSM(let mo)? = delivered.first?.body else {
            Issue.record("no MO delivered")
            return
        }
        #expect(mo.source.value == "447700900123")
        #expect(mo.destination.value == "40001")
        #expect(String(decoding: mo.shortMessage.readableBytesView, as: UTF8.self) == "STOP please")
        await client.unbind()
    }
}
