import Foundation
import Gateway
import NIOCore
import NIOPosix
import SMPP
import Testing
@testable import Connectors
import NIOConcurrencyHelpers

@Suite("SMPPUpstreamConnector against SinkSMSC on loopback", .timeLimit(.minutes(2)))
struct SMPPUpstreamConnectorTests {
    static func settings(port: Int, sessions: Int = 2, window: Int = 10, rate: Double? = nil) -> SMPPUpstreamSettings {
        SMPPUpstreamSettings(host: "127.0.0.1", port: port, systemID: "tern", password: "secret", sessions: sessions,
                             window: window, rate: rate, responseTimeoutSeconds: 5,
                             reconnectMinMilliseconds: 50, reconnectMaxMilliseconds: 300)
    }

    static func sink(_ configure: (inout SinkSMSC.Configuration) -> Void = { _ in }) -> SinkSMSC {
        var configuration = SinkSMSC.Configuration(credentials: ["tern": "secret"], receiptDelay: .milliseconds(20))
        configure(&configuration)
        return SinkSMSC(configuration: configuration)
    }

    /// Submits `count` messages through `lanes` concurrent submitters; a lane that finds the
    /// windows full or the rate used up tries again a little later (bounded).
    static func submitAll(_ connector: SMPPUpstreamConnector, count: Int, lanes: Int) async -> [SubmitOutcome] {
        await withTaskGroup(of: [SubmitOutcome].self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    var outcomes: [SubmitOutcome] = []
                    for number in stride(from: lane, to: count, by: lanes) {
                        var outcome = await connector.submit(testMessage(number))
                        var tries = 0
                        // As the dispatcher would: full windows and pacing are "later", not "never".
                        while case .busy = outcome, tries < 30_000 {
                            tries += 1
                            try? await Task.sleep(for: .milliseconds(1))
                            outcome = await connector.submit(testMessage(number))
                        }
                        outcomes.append(outcome)
                    }
                    return outcomes
                }
            }
            var all: [SubmitOutcome] = []
            for await outcomes in group { all += outcomes }
            return all
        }
    }

    @Test("binds N sessions, 1,000 submits are accepted and 1,000 receipts carry the sink's own ids")
    func submitAndReceipts() async throws {
        let sink = Self.sink { $0.messageIDFormat = .hexUppercase }
        try await sink.start()
        let delegate = RecordingDelegate()
        let connector = SMPPUpstreamConnector(name: "up", settings: Self.settings(port: sink.port, sessions: 3, window: 10),
                                              group: MultiThreadedEventLoopGroup.singleton, logger: testLogger())
        try await connector.start(delegate: delegate)
        #expect(connector.health.sessionsUp == 3)
        #expect(connector.health.link == .up)
        #expect(connector.capacity == 30)

        let outcomes = await Self.submitAll(connector, count: 1_000, lanes: 30)
        var ids = Set<String>()
        for outcome in outcomes {
            if case .accepted(let id) = outcome { ids.insert(id) }
        }
        #expect(outcomes.count == 1_000)
        #expect(ids.count == 1_000, "\(outcomes.filter { if case .accepted = $0 { false } else { true } }.prefix(3))")
        #expect(ids.allSatisfy { $0 == $0.uppercased() && $0.contains { "ABCDEF".contains($0) } }, "hex ids as the sink wrote them")

        #expect(await eventually { delegate.receipts.withLockedValue { $0.count } >= 1_000 })
        let receipts = delegate.receipts.withLockedValue { $0 }
        #expect(Set(receipts.map(\.upstreamID)) == ids)
        #expect(receipts.allSatisfy { $0.state == .delivered && $0.errorCode == 0 && $0.doneAt != nil })
        #expect(await eventually { sink.counters.receiptsAcknowledged == 1_000 })
        #expect(sink.counters.submitsReceived == 1_000)
        #expect(sink.counters.binds == 3)
        #expect(connector.counters.accepted == 1_000)
        #expect(connector.health.inFlight == 0)

        await connector.stop()
        #expect(connector.health.link == .stopped)
        if case .temporaryFailure = await connector.submit(testMessage(1)) {} else { Issue.record("a stopped connector takes no submits") }
        await sink.stop()
    }

    @Test("reconnects after the upstream goes away and comes back on the same port")
    func reconnect() async throws {
        let first = Self.sink()
        try await first.start()
        let port = first.port
        let connector = SMPPUpstreamConnector(name: "up", settings: Self.settings(port: port, sessions: 2),
                                              group: MultiThreadedEventLoopGroup.singleton, logger: testLogger())
        try await connector.start(delegate: RecordingDelegate())
        #expect(connector.health.sessionsUp == 2)

        await first.stop()
        #expect(await eventually { connector.health.sessionsUp == 0 })
        #expect(await connector.submit(testMessage(1)) == .temporaryFailure(status: nil, reason: "no session bound"))

        let second = Self.sink { $0.port = port }
        try await second.start()
        #expect(await eventually { connector.health.sessionsUp == 2 })
        guard case .accepted = await connector.submit(testMessage(2)) else {
            Issue.record("not accepted after reconnecting")
            return
        }
        #expect(connector.counters.linkLosses == 2)
        await connector.stop()
        await second.stop()
    }

    @Test("a refused bind leaves the link down, answers temporaryFailure, and retries with backoff")
    func bindRefused() async throws {
        let sink = Self.sink { $0.refuseBinds = true }
        try await sink.start()
        let connector = SMPPUpstreamConnector(name: "up", settings: Self.settings(port: sink.port, sessions: 1),
                                              group: MultiThreadedEventLoopGroup.singleton, logger: testLogger())
        try await connector.start(delegate: RecordingDelegate())
        #expect(connector.health.sessionsUp == 0)
        #expect(connector.health.link == .connecting)
        #expect(await connector.submit(testMessage(1)) == .temporaryFailure(status: nil, reason: "no session bound"))
        // The supervisor keeps trying, further apart each time (50, 100, 200, 300 ms …).
        #expect(await eventually { connector.counters.bindFailures >= 3 })
        #expect(sink.counters.bindsRefused >= 3)
        let attemptsAfterASecond = connector.counters.bindFailures
        #expect(attemptsAfterASecond < 30, "backoff, not a tight loop")

        sink.refuseBinds(false)
        #expect(await eventually { connector.health.sessionsUp == 1 })
        await connector.stop()
        await sink.stop()
    }

    @Test("wrong credentials are a refused bind too")
    func wrongPassword() async throws {
        let sink = Self.sink()
        try await sink.start()
        var settings = Self.settings(port: sink.port, sessions: 1)
        settings.password = "wrong"
        let connector = SMPPUpstreamConnector(name: "up", settings: settings, group: MultiThreadedEventLoopGroup.singleton, logger: testLogger())
        try await connector.start(delegate: RecordingDelegate())
        #expect(connector.health.sessionsUp == 0)
        #expect(connector.counters.bindFailures >= 1)
        await connector.stop()
        await sink.stop()
    }

    @Test("ESME_RTHROTTLED is a temporary failure and lowers the adaptive rate")
    func throttling() async throws {
        let sink = Self.sink()
        try await sink.start()
        let connector = SMPPUpstreamConnector(name: "up", settings: Self.settings(port: sink.port, sessions: 1, window: 8, rate: 1_000),
                                              group: MultiThreadedEventLoopGroup.singleton, logger: testLogger())
        try await connector.start(delegate: RecordingDelegate())
        #expect(connector.adaptiveRate.rate == 1_000)
        #expect(connector.health.currentRate == 1_000)

        sink.throttle(share: 1)
        let outcome = await connector.submit(testMessage(1))
        #expect(outcome == .temporaryFailure(status: CommandStatus.throttled.rawValue, reason: "ESME_RTHROTTLED"))
        #expect(connector.adaptiveRate.rate == 500)
        #expect(connector.adaptiveRate.window == 4)
        #expect(connector.counters.throttled == 1)

        sink.throttle(share: 0)
        guard case .accepted = await connector.submit(testMessage(2)) else {
            Issue.record("not accepted once the throttling stopped")
            return
        }
        await connector.stop()
        await sink.stop()
    }

    @Test("an unlimited link gets a rate once throttled for a period")
    func throttledPeriodUnlimited() async throws {
        let sink = Self.sink()
        try await sink.start()
        let connector = SMPPUpstreamConnector(name: "up", settings: Self.settings(port: sink.port, sessions: 1),
                                              group: MultiThreadedEventLoopGroup.singleton, logger: testLogger())
        try await connector.start(delegate: RecordingDelegate())
        #expect(connector.health.currentRate == nil)
        sink.throttle(for: .seconds(30))
        _ = await connector.submit(testMessage(1))
        #expect(connector.adaptiveRate.rate != nil)
        #expect(connector.adaptiveRate.decreases == 1)
        #expect(await eventually { sink.counters.submitsThrottled == 1 })
        await connector.stop()
        await sink.stop()
    }

    @Test("an injected MO reaches the delegate; an unreadable receipt is answered ok and counted")
    func mobileOriginatedAndBadReceipt() async throws {
        let sink = Self.sink()
        try await sink.start()
        let delegate = RecordingDelegate()
        let connector = SMPPUpstreamConnector(name: "up", settings: Self.settings(port: sink.port, sessions: 1),
                                              group: MultiThreadedEventLoopGroup.singleton, logger: testLogger())
        try await connector.start(delegate: delegate)

        let response = try await sink.sendMobileOriginated(to: "tern", from: .international("447700900123"), to: Address(value: "12345"),
                                                           shortMessage: Array("STOP".utf8))
        #expect(response.commandID == .deliverSMResp)
        #expect(response.commandStatus == .ok)
        #expect(await eventually { delegate.mobileOriginated.withLockedValue { $0.count } == 1 })
        let mo = try #require(delegate.mobileOriginated.withLockedValue { $0.first })
        #expect(mo.source == WireAddress(ton: 1, npi: 1, value: "447700900123"))
        #expect(mo.destination.value == "12345")
        #expect(mo.shortMessage == Array("STOP".utf8))

        let garbage = DeliverSM(source: Address(value: "1"), destination: Address(value: "2"), esmClass: .deliveryReceipt,
                                shortMessage: ByteBuffer(string: "this is not a receipt"))
        let answer = try await sink.sendDeliverSM(to: "tern", garbage)
        #expect(answer.commandStatus == .ok)
        #expect(await eventually { connector.counters.unparseableReceipts == 1 })
        #expect(delegate.receipts.withLockedValue { $0.isEmpty })

        // A receipt flagged only by its TLVs still counts as a receipt.
        var tlvs = TLVList()
        try tlvs.appendString(.receiptedMessageID, "00ab12")
        try tlvs.appendInteger(.messageState, UInt32(MessageState.undeliverable.rawValue))
        _ = try await sink.sendDeliverSM(to: "tern", DeliverSM(source: Address(value: "1"), destination: Address(value: "2")), tlvs: tlvs)
        #expect(await eventually { delegate.receipts.withLockedValue { $0.count } == 1 })
        #expect(delegate.receipts.withLockedValue { $0.first?.upstreamID } == "00ab12")
        #expect(delegate.receipts.withLockedValue { $0.first?.state } == .undeliverable)
        #expect(delegate.mobileOriginated.withLockedValue { $0.count } == 1)

        await connector.stop()
        await sink.stop()
    }

    @Test("deliver_sm is answered only once the gateway has kept it; what it cannot keep gets ESME_RX_T_APPN, to be sent again")
    func answeredOnceKept() async throws {
        let sink = Self.sink()
        try await sink.start()
        let delegate = DeferringDelegate()
        let connector = SMPPUpstreamConnector(name: "up", settings: Self.settings(port: sink.port, sessions: 1),
                                              group: MultiThreadedEventLoopGroup.singleton, logger: testLogger())
        try await connector.start(delegate: delegate)

        let answered = NIOLockedValueBox(false)
        let answer = Task {
            let response = try await sink.sendMobileOriginated(to: "tern", from: .international("447700900123"), to: Address(value: "12345"),
                                                               shortMessage: Array("STOP".utf8))
            answered.withLockedValue { $0 = true }
            return response
        }
        #expect(await eventually { delegate.waiting.withLockedValue { $0.count } == 1 })
        try await Task.sleep(for: .milliseconds(200))
        // Not kept yet: no answer has gone out.
        #expect(answered.withLockedValue { $0 } == false)
        delegate.complete(true)
        let response = try await answer.value
        #expect(response.commandID == .deliverSMResp && response.commandStatus == .ok)

        let refused = Task {
            try await sink.sendMobileOriginated(to: "tern", from: .international("447700900123"), to: Address(value: "12345"),
                                                shortMessage: Array("AGAIN".utf8))
        }
        #expect(await eventually { delegate.waiting.withLockedValue { $0.count } == 1 })
        delegate.complete(false)
        let temporary = try await refused.value
        #expect(temporary.commandStatus == .temporaryApplicationError)

        await connector.stop()
        await sink.stop()
    }

    @Test("bind = transmitter: submits go on the transmitters, receipts and MO come back on a receiver of its own")
    func transmitterWithReceiver() async throws {
        let sink = Self.sink()
        try await sink.start()
        let delegate = RecordingDelegate()
        var settings = Self.settings(port: sink.port, sessions: 2, window: 10)
        settings.bindMode = .transmitter
        let connector = SMPPUpstreamConnector(name: "up", settings: settings, group: MultiThreadedEventLoopGroup.singleton, logger: testLogger())
        try await connector.start(delegate: delegate)
        // Two transmitters carry submits; the receiver is bound too but carries none.
        #expect(connector.health.sessionsUp == 2)
        #expect(connector.counters.binds == 3)
        #expect(connector.capacity == 20)
        let outcomes = await Self.submitAll(connector, count: 100, lanes: 4)
        #expect(outcomes.allSatisfy { if case .accepted = $0 { true } else { false } })
        #expect(await eventually { delegate.receipts.withLockedValue { $0.count } == 100 })
        _ = try await sink.sendMobileOriginated(to: "tern", from: .international("447700900123"), to: Address(value: "12345"),
                                                shortMessage: Array("STOP".utf8))
        #expect(await eventually { delegate.mobileOriginated.withLockedValue { $0.count } == 1 })
        await connector.stop()
        await sink.stop()
    }

    @Test("receipt states map onto the message lifecycle")
    func stateMapping() {
        #expect(UpstreamPDUMapping.lifecycle(.delivered) == .delivered)
        #expect(UpstreamPDUMapping.lifecycle(.undeliverable) == .undeliverable)
        #expect(UpstreamPDUMapping.lifecycle(.expired) == .expired)
        #expect(UpstreamPDUMapping.lifecycle(.rejected) == .rejected)
        #expect(UpstreamPDUMapping.lifecycle(.deleted) == .deleted)
        #expect(UpstreamPDUMapping.lifecycle(.unknown) == .unknown)
        #expect(UpstreamPDUMapping.lifecycle(.accepted) == .acceptedUpstream)
        #expect(UpstreamPDUMapping.lifecycle(.enroute) == .submitted)
        #expect(!UpstreamPDUMapping.lifecycle(.enroute).isFinal)
    }

    @Test("a receipt's err: text is read as digits, spaces around them allowed")
    func errorCodeText() {
        #expect(UpstreamPDUMapping.errorCode(.text("000")) == 0)
        #expect(UpstreamPDUMapping.errorCode(.text("034")) == 34)
        #expect(UpstreamPDUMapping.errorCode(.text(" 12 ")) == 12)
        #expect(UpstreamPDUMapping.errorCode(.text("1 2")) == 0)
        #expect(UpstreamPDUMapping.errorCode(.text("0x1")) == 0)
        #expect(UpstreamPDUMapping.errorCode(.text("")) == 0)
        #expect(UpstreamPDUMapping.errorCode(.network(type: 3, code: 0x45)) == 0x45)
    }

    @Test("submit_sm_resp statuses: throttled, queue full and system error are temporary, others permanent")
    func outcomeMapping() {
        func response(_ status: CommandStatus, id: String? = nil) -> PDU {
            PDU(.submitSMResp(SubmitSMResp(messageID: id)), sequenceNumber: 1, status: status)
        }
        #expect(UpstreamPDUMapping.outcome(of: response(.ok, id: "A1")) == .accepted(upstreamID: "A1"))
        for status in [CommandStatus.throttled, .messageQueueFull, .systemError] {
            #expect(UpstreamPDUMapping.outcome(of: response(status)) == .temporaryFailure(status: status.rawValue, reason: status.name))
        }
        #expect(UpstreamPDUMapping.outcome(of: response(.invalidDestinationAddress))
                == .permanentFailure(status: CommandStatus.invalidDestinationAddress.rawValue, reason: "ESME_RINVDSTADR"))
        if case .temporaryFailure = UpstreamPDUMapping.outcome(of: SMPPSessionError(.timeout, commandID: .submitSM)) {} else {
            Issue.record("a timeout is temporary")
        }
        if case .temporaryFailure = UpstreamPDUMapping.outcome(of: SMPPSessionError(.connectionClosed, commandID: .submitSM)) {} else {
            Issue.record("a closed connection is temporary")
        }
    }

    @Test("backoff doubles from the minimum up to the maximum, with jitter")
    func backoff() {
        let settings = Self.settings(port: 1)
        for failures in 0..<12 {
            let delay = SMPPUpstreamConnector.backoff(failures: failures, settings: settings)
            let full = min(0.3, 0.05 * pow(2, Double(failures)))
            #expect(delay >= full / 2 && delay <= full)
        }
    }

    @Test("the sink formats ids as configured")
    func idFormats() async throws {
        for format in SinkSMSC.Configuration.MessageIDFormat.allCases {
            let sink = Self.sink { $0.messageIDFormat = format }
            try await sink.start()
            let connector = SMPPUpstreamConnector(name: "up", settings: Self.settings(port: sink.port, sessions: 1),
                                                  group: MultiThreadedEventLoopGroup.singleton, logger: testLogger())
            try await connector.start(delegate: RecordingDelegate())
            let outcome = await connector.submit(testMessage(1))
            switch (format, outcome) {
            case (.decimal, .accepted(let id)): #expect(id == String(0xA000_0000))
            case (.hexUppercase, .accepted(let id)): #expect(id == "A0000000")
            case (.hexLeadingZeros, .accepted(let id)): #expect(id == "00000000A0000000")
            case (.scattered, .accepted(let id)):
                #expect(id.count == 16 && id.allSatisfy(\.isHexDigit) && id != "00000000A0000000", "\(id)")
                // The next one is nowhere near it.
                guard case .accepted(let next) = await connector.submit(testMessage(2)), let a = UInt64(id, radix: 16),
                      let b = UInt64(next, radix: 16) else { Issue.record("no second id"); break }
                #expect(a.distance(to: b).magnitude > 1 << 32, "\(id) then \(next)")
            default: Issue.record("\(format): \(outcome)")
            }
            await connector.stop()
            await sink.stop()
        }
    }
}
