import Foundation
import Gateway
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SMPP
import NIOConcurrencyHelpers

/// Tern as an ESME bound to an upstream SMSC: `settings.sessions` sessions, each with its own
/// window, kept bound by a supervisor task per session that reconnects with exponential backoff
/// and jitter; submits go round-robin to a bound session with a free slot, paced by `AdaptiveRate`.
///
/// `Sendable` because all mutable state sits in one `NIOLockedValueBox`; channel work happens on the
/// channels' event loops.
public final class SMPPUpstreamConnector: Connector {
    public let name: String
    public let settings: SMPPUpstreamSettings
    let logger: Logger
    private let group: any EventLoopGroup
    private let state: NIOLockedValueBox<State>

    /// The longest a submit waits for a rate token before it answers "rate limited".
    static let maximumTokenWait = 0.2
    /// How long `stop` waits for outstanding submits, and then for each unbind.
    static let drainTimeout = 5.0
    static let unbindTimeout = TimeAmount.seconds(2)

    private struct Slot {
        /// A bind_receiver session: it only takes receipts and MO, never submits. With
        /// `bind = "transmitter"` the upstream sends those on a receiver of the same system_id.
        var receiver = false
        var channel: (any Channel)?
        var link: NIOLoopBound<UpstreamLinkHandler>?
        /// Brings submits from other threads to the link's loop in bursts (one hop for many).
        var outbox: LoopMailbox?
        var bound = false
        var inFlight = 0

        var canSubmit: Bool { bound && !receiver && link != nil }

        /// The same slot with its link gone.
        var emptied: Slot { Slot(receiver: receiver, inFlight: inFlight) }
    }

    /// Where a submit goes, decided under the lock.
    private enum Pick {
        case chosen(slot: Int, link: NIOLoopBound<UpstreamLinkHandler>, outbox: LoopMailbox?, wait: Double)
        case refused(SubmitOutcome)
    }

    private struct State {
        var delegate: (any ConnectorDelegate)?
        var slots: [Slot]
        var nextSlot = 0
        var adaptive: AdaptiveRate
        var bucket: TokenBucket?
        var started = false
        var stopped = false
        var supervisors: [Task<Void, Never>] = []
        var sslContext: NIOSSLContext?
        var counters = Counters()
    }

    /// What the link has done since start, for logs, the admin API and tests.
    public struct Counters: Sendable, Hashable {
        public var binds = 0
        public var bindFailures = 0
        public var linkLosses = 0
        public var submitted = 0
        public var accepted = 0
        public var throttled = 0
        public var receipts = 0
        /// Receipts that could not be read (no id or no state); answered ok and dropped.
        public var unparseableReceipts = 0
        public var mobileOriginated = 0
    }

    /// 50 ms worth of messages, at least one: enough to absorb the jitter of the callers
    /// without letting a stalled link send a large burst when it comes back.
    static func pacingBurst(_ rate: Double) -> Double { max(1, rate / 20) }

    public init(name: String, settings: SMPPUpstreamSettings, group: any EventLoopGroup, logger: Logger) {
        self.name = name
        self.settings = settings
        self.group = group
        var logger = logger
        logger[metadataKey: "connector"] = "\(name)"
        self.logger = logger
        let sessions = max(1, settings.sessions)
        // Transmitters get their receipts and MO on one receiver session of their own.
        let receivers = settings.bindMode == .transmitter ? [Slot(receiver: true)] : []
        state = NIOLockedValueBox(State(
            slots: Array(repeating: Slot(), count: sessions) + receivers,
            adaptive: AdaptiveRate(maximumRate: settings.rate, maximumWindow: settings.window),
            bucket: settings.rate.map { TokenBucket(rate: $0, burst: Self.pacingBurst($0), now: Self.now()) }))
    }

    /// Bound sessions × the adaptive window; the configured size while nothing is bound, so
    /// the dispatcher keeps trying (and failing over) instead of stalling.
    public var capacity: Int {
        state.withLockedValue { state in
            let bound = state.slots.reduce(0) { $0 + ($1.canSubmit ? 1 : 0) }
            return bound == 0 ? max(1, settings.sessions) * max(1, settings.window) : bound * max(1, state.adaptive.window)
        }
    }

    public var health: ConnectorHealth {
        state.withLockedValue { state in
            // Up means able to submit: a bound receiver alone carries no traffic out.
            let up = state.slots.filter(\.canSubmit).count
            let inFlight = state.slots.reduce(0) { $0 + $1.inFlight }
            let link: ConnectorHealth.Link = state.stopped ? .stopped : up > 0 ? .up : state.started ? .connecting : .down
            return ConnectorHealth(link: link, sessionsUp: up, inFlight: inFlight, currentRate: state.adaptive.rate)
        }
    }

    public var counters: Counters { state.withLockedValue { $0.counters } }

    /// The pacing state now, for tests and the admin API.
    public var adaptiveRate: AdaptiveRate { state.withLockedValue { $0.adaptive } }

    // MARK: Lifecycle

    public func start(delegate: any ConnectorDelegate) async throws {
        guard settings.window >= 1, settings.sessions >= 1 else {
            throw ConnectorSettingsError(connector: name, reason: "sessions and window must be at least 1 (sessions \(settings.sessions), window \(settings.window))")
        }
        var sslContext: NIOSSLContext?
        if settings.tls {
            var tls = TLSConfiguration.makeClientConfiguration()
            if settings.tlsInsecure { tls.certificateVerification = .none }
            do {
                sslContext = try NIOSSLContext(configuration: tls)
            } catch {
                throw ConnectorSettingsError(connector: name, reason: "TLS cannot be set up: \(error)")
            }
        }
        let sessions = state.withLockedValue { state -> Int in
            state.delegate = delegate
            state.sslContext = sslContext
            state.started = true
            state.stopped = false
            return state.slots.count
        }
        // The first attempt of every session runs before start returns, so a reachable upstream
        // is bound when the dispatcher first looks; an unreachable one is retried in the background.
        let bound = await withTaskGroup(of: Bool.self) { tasks in
            for index in 0..<sessions { tasks.addTask { await self.connectAndBind(index) } }
            var result: [Bool] = []
            for await ok in tasks { result.append(ok) }
            return result.filter { $0 }.count
        }
        logger.info("upstream connector started", metadata: ["bound": "\(bound)/\(sessions)"])
        let supervisors = (0..<sessions).map { index in
            Task { await self.supervise(index) }
        }
        state.withLockedValue { $0.supervisors = supervisors }
    }

    public func stop() async {
        let supervisors = state.withLockedValue { state -> [Task<Void, Never>] in
            state.stopped = true
            return state.supervisors
        }
        for task in supervisors { task.cancel() }
        let deadline = Self.now() + Self.drainTimeout
        while Self.now() < deadline, state.withLockedValue({ $0.slots.contains { $0.inFlight > 0 } }) {
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        let channels = state.withLockedValue { $0.slots.compactMap(\.channel) }
        for channel in channels {
            channel.writeAndFlush(SMPPOutbound.unbind, promise: nil)
            let forceClose = channel.eventLoop.scheduleTask(in: Self.unbindTimeout) { channel.close(promise: nil) }
            try? await channel.closeFuture.get()
            forceClose.cancel()
        }
        for task in supervisors { await task.value }
        state.withLockedValue { state in
            for index in state.slots.indices { state.slots[index] = Slot(receiver: state.slots[index].receiver) }
        }
        logger.info("upstream connector stopped")
    }

    // MARK: Submitting

    public func submit(_ message: Message) async -> SubmitOutcome {
        await withCheckedContinuation { continuation in
            submit(message) { continuation.resume(returning: $0) }
        }
    }

    /// No task per message: the submit is written from the link's event loop and answered
    /// from there when the response arrives.
    public func submit(_ message: Message, answered: @escaping @Sendable (SubmitOutcome) -> Void) {
        let tlvs: TLVList
        do {
            tlvs = try TLVList(encoded: message.tlvs)
        } catch {
            answerLater(.permanentFailure(status: CommandStatus.invalidTLVStream.rawValue, reason: "the message's optional parameters: \(error)"), answered)
            return
        }
        let now = Self.now()
        let pick = state.withLockedValue { state -> Pick in
            guard !state.stopped else { return .refused(.temporaryFailure(status: nil, reason: "connector stopped")) }
            let count = state.slots.count
            let window = state.adaptive.window
            var anyBound = false
            var chosen: Int?
            for step in 0..<count {
                let index = (state.nextSlot + step) % count
                let slot = state.slots[index]
                guard slot.canSubmit else { continue }
                anyBound = true
                if slot.inFlight < window {
                    chosen = index
                    break
                }
            }
            guard anyBound else { return .refused(.temporaryFailure(status: nil, reason: "no session bound")) }
            guard let index = chosen, let link = state.slots[index].link else {
                return .refused(.busy(reason: "window full"))
            }
            var wait = 0.0
            if state.bucket != nil {
                guard let granted = state.bucket?.take(now: now, maximumWait: Self.maximumTokenWait) else {
                    return .refused(.busy(reason: "rate limited"))
                }
                wait = granted
            }
            state.nextSlot = (index + 1) % count
            state.slots[index].inFlight += 1
            state.counters.submitted += 1
            return .chosen(slot: index, link: link, outbox: state.slots[index].outbox, wait: wait)
        }
        switch pick {
        case .refused(let outcome):
            answerLater(outcome, answered)
        case .chosen(let slot, let link, let outbox, let wait):
            let body = PDU.Body.submitSM(UpstreamPDUMapping.submitSM(message))
            guard wait <= 0 else {
                Task {
                    try? await Task.sleep(nanoseconds: UInt64(wait * 1e9))
                    self.send(body, tlvs: tlvs, slot: slot, link: link, outbox: outbox, answered: answered)
                }
                return
            }
            send(body, tlvs: tlvs, slot: slot, link: link, outbox: outbox, answered: answered)
        }
    }

    /// Writes the submit on the link's loop (now, when already there) and answers from there.
    private func send(_ body: PDU.Body, tlvs: TLVList, slot: Int, link: NIOLoopBound<UpstreamLinkHandler>, outbox: LoopMailbox?,
                      answered: @escaping @Sendable (SubmitOutcome) -> Void) {
        let loop = link.eventLoop
        let write: LoopMailbox.Job = {
            let sentAt = Self.now()
            link.value.send(body, tlvs: tlvs) { result in
                let outcome: SubmitOutcome
                let throttled: Bool
                let responded: Bool
                switch result {
                case .success(let response):
                    outcome = UpstreamPDUMapping.outcome(of: response)
                    throttled = response.commandStatus == .throttled || response.commandStatus == .messageQueueFull
                    responded = true
                case .failure(let error):
                    outcome = UpstreamPDUMapping.outcome(of: error)
                    (throttled, responded) = (false, false)
                }
                let answeredAt = Self.now()
                self.finish(slot: slot, outcome: outcome, throttled: throttled, answered: responded,
                            latency: answeredAt - sentAt, now: answeredAt)
                answered(outcome)
            }
        }
        if loop.inEventLoop {
            write()
        } else if let outbox {
            outbox.post(write)
        } else {
            loop.execute(write)
        }
    }

    /// An answer known before anything was sent, given from another thread: the dispatcher
    /// never hears back inside its own call (it would pump again, one frame deeper per message).
    private func answerLater(_ outcome: SubmitOutcome, _ answered: @escaping @Sendable (SubmitOutcome) -> Void) {
        group.any().execute { answered(outcome) }
    }

    private func finish(slot: Int, outcome: SubmitOutcome, throttled: Bool, answered: Bool, latency: Double, now: Double) {
        let cut = state.withLockedValue { state -> Double?? in
            state.slots[slot].inFlight -= 1
            if case .accepted = outcome { state.counters.accepted += 1 }
            let before = state.adaptive.rate
            let didCut: Bool
            if throttled {
                state.counters.throttled += 1
                didCut = state.adaptive.throttled(now: now)
            } else if answered {
                didCut = state.adaptive.answered(latency: latency, now: now)
            } else {
                return nil
            }
            let after = state.adaptive.rate
            guard after != before else { return nil }
            if let after {
                if state.bucket == nil {
                    state.bucket = TokenBucket(rate: after, burst: Self.pacingBurst(after), now: now)
                } else {
                    state.bucket?.setRate(after, burst: Self.pacingBurst(after), now: now)
                }
            } else {
                state.bucket = nil
            }
            return didCut ? .some(after) : nil
        }
        if let cut {
            logger.notice("upstream pushed back: rate lowered", metadata: ["rate": "\(cut.map { String(format: "%.0f/s", $0) } ?? "unlimited")"])
        }
    }

    // MARK: Sessions

    /// Keeps session `index` bound until the connector stops: waits for its link to drop, then
    /// reconnects after a backoff that doubles with each failed attempt.
    private func supervise(_ index: Int) async {
        var failures = state.withLockedValue { $0.slots[index].bound } ? 0 : 1
        while !Task.isCancelled {
            if let channel = state.withLockedValue({ $0.slots[index].channel }) {
                try? await channel.closeFuture.get()
                let lost = state.withLockedValue { state -> Bool in
                    let wasBound = state.slots[index].bound
                    state.slots[index] = state.slots[index].emptied
                    if wasBound && !state.stopped { state.counters.linkLosses += 1 }
                    return wasBound && !state.stopped
                }
                if lost { logger.warning("upstream session lost", metadata: ["session": "\(index)"]) }
            }
            if state.withLockedValue({ $0.stopped }) { return }
            let delay = Self.backoff(failures: failures, settings: settings)
            try? await Task.sleep(nanoseconds: UInt64(delay * 1e9))
            if Task.isCancelled || state.withLockedValue({ $0.stopped }) { return }
            failures = await connectAndBind(index) ? 0 : failures + 1
        }
    }

    /// The delay before reconnect attempt after `failures` failed attempts in a row: the
    /// minimum after a lost link, doubling up to the maximum, each drawn from [half, full] so
    /// that sessions (and gateways) that lost the link together do not come back together.
    static func backoff(failures: Int, settings: SMPPUpstreamSettings) -> Double {
        let minimum = Double(max(1, settings.reconnectMinMilliseconds)) / 1000
        let maximum = max(minimum, Double(settings.reconnectMaxMilliseconds) / 1000)
        let full = min(maximum, minimum * pow(2, Double(min(failures, 30))))
        return Double.random(in: (full / 2)...full)
    }

    /// One connection and bind for session `index`; true when bound.
    private func connectAndBind(_ index: Int) async -> Bool {
        let sslContext = state.withLockedValue { $0.sslContext }
        let host = settings.host
        var channel: (any Channel)?
        do {
            let timers = SessionTimers(
                enquireLink: settings.enquireLinkSeconds > 0 ? .seconds(settings.enquireLinkSeconds) : nil,
                inactivity: settings.enquireLinkSeconds > 0 ? .seconds(max(60, settings.enquireLinkSeconds * 4)) : nil,
                response: .seconds(max(1, settings.responseTimeoutSeconds)),
                tickInterval: .milliseconds(250))
            let window = max(1, settings.window)
            let serverHostname = Self.isIPAddress(host) ? nil : host
            let connected = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(Int64(max(1, min(10, settings.responseTimeoutSeconds)))))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let sslContext {
                            try channel.pipeline.syncOperations.addHandler(
                                try NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname))
                        }
                        try channel.pipeline.syncOperations.addHandlers([
                            SMPPSessionHandler(role: .esme, windowSize: window, timers: timers),
                            UpstreamLinkHandler(connector: self, session: index),
                        ])
                    }
                }
                .connect(host: host, port: settings.port).get()
            channel = connected
            let registered = state.withLockedValue { state -> Bool in
                guard !state.stopped else { return false }
                state.slots[index].channel = connected
                return true
            }
            guard registered else {
                connected.close(promise: nil)
                return false
            }
            let bind = Bind(systemID: settings.systemID, password: settings.password, systemType: settings.systemType,
                            interfaceVersion: settings.interfaceVersion)
            let isReceiver = state.withLockedValue { $0.slots[index].receiver }
            let body: PDU.Body = isReceiver ? .bindReceiver(bind)
                : settings.bindMode == .transceiver ? .bindTransceiver(bind) : .bindTransmitter(bind)
            let promise = connected.eventLoop.makePromise(of: PDU.self)
            let written = connected.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenFailure { promise.fail($0) }
            connected.writeAndFlush(SMPPOutbound.request(body, promise: promise), promise: written)
            let response = try await promise.futureResult.get()
            guard response.commandStatus == .ok else {
                throw BindRefused(status: response.commandStatus)
            }
            let link = try await connected.eventLoop.submit {
                NIOLoopBound(try connected.pipeline.syncOperations.handler(type: UpstreamLinkHandler.self), eventLoop: connected.eventLoop)
            }.get()
            let stillWanted = state.withLockedValue { state -> Bool in
                guard !state.stopped, connected.isActive else { return false }
                state.slots[index].link = link
                state.slots[index].outbox = LoopMailbox(loop: connected.eventLoop) { jobs in
                    for job in jobs { job() }
                }
                state.slots[index].bound = true
                state.counters.binds += 1
                return true
            }
            guard stillWanted else {
                connected.close(promise: nil)
                return false
            }
            logger.info("upstream session bound", metadata: ["session": "\(index)", "host": "\(host):\(settings.port)"])
            return true
        } catch {
            state.withLockedValue { state in
                state.counters.bindFailures += 1
                if state.slots[index].channel === channel { state.slots[index].channel = nil }
            }
            channel?.close(promise: nil)
            logger.warning("upstream session not bound", metadata: ["session": "\(index)", "error": "\(error)"])
            return false
        }
    }

    private static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    // MARK: Inbound

    /// A deliver_sm or data_sm from upstream: a receipt or an MO for the delegate. `taken` says
    /// how to answer it (once the gateway kept it, or could not).
    func inbound(_ pdu: PDU, session: Int, taken: @escaping @Sendable (Bool) -> Void) {
        guard let delegate = state.withLockedValue({ $0.delegate }) else {
            // Not started for a gateway: nothing can keep it, so the upstream should retry.
            taken(false)
            return
        }
        if UpstreamPDUMapping.isReceipt(pdu) {
            do {
                let receipt = try UpstreamPDUMapping.receipt(pdu)
                state.withLockedValue { $0.counters.receipts += 1 }
                delegate.connector(name, received: receipt, taken: taken)
            } catch {
                state.withLockedValue { $0.counters.unparseableReceipts += 1 }
                logger.warning("unreadable receipt from upstream answered and dropped",
                               metadata: ["session": "\(session)", "error": "\(error)"])
                // Sending it again would not make it readable.
                taken(true)
            }
        } else if let message = UpstreamPDUMapping.mobileOriginated(pdu) {
            state.withLockedValue { $0.counters.mobileOriginated += 1 }
            delegate.connector(name, receivedMobileOriginated: message, taken: taken)
        } else {
            taken(true)
        }
    }

    func sessionEvent(_ event: SMPPSessionEvent, session: Int) {
        switch event {
        case .malformedPDU(let error):
            logger.warning("malformed PDU from upstream", metadata: ["session": "\(session)", "error": "\(error)"])
        case .closing(let reason):
            logger.info("upstream session closing", metadata: ["session": "\(session)", "reason": "\(reason)"])
        case .stateChanged, .unexpectedResponse:
            return
        }
    }

    /// Monotonic seconds, for pacing and latency.
    static func now() -> Double {
        Double(NIODeadline.now().uptimeNanoseconds) / 1e9
    }
}

/// The upstream refused our bind.
struct BindRefused: Error, CustomStringConvertible {
    var status: CommandStatus
    var description: String { "bind refused: \(status.name)" }
}
