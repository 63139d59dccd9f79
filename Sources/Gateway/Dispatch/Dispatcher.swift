import Foundation
import Logging
import NIOConcurrencyHelpers

/// Hands accepted messages to connectors: per connector a fair queue and at most `capacity`
/// submits in flight; temporary failures fail over to the route's next connector and, once every
/// connector was tried, wait with exponential backoff; validity is enforced before each attempt.
///
/// Everything it decides becomes a `StoreWrite` through the group committer, so a restart finds
/// each message where it was (`messagesAwaitingDispatch`).
public final class Dispatcher: Sendable {
    /// What the dispatcher tells the rest of the gateway.
    public protocol Observer: Sendable {
        /// The upstream took the message. `message` is as it was queued: where it went and the
        /// id it got there are the other two arguments (a copy of the message with them set
        /// cost a copy of every field for each message, for a reader that needs neither).
        func dispatcher(submitted message: Message, connector: String, upstreamID: String)
        /// The message ended inside Tern (rejected by the upstream for good, expired in the
        /// queue, out of retries): the client may be owed a receipt.
        func dispatcher(finished message: Message, state: MessageLifecycle, errorCode: Int)
    }

    public struct Settings: Sendable {
        public var maxQueued: Int
        public var maxAttempts: Int
        public var backoffBase: Double
        public var backoffMax: Double

        public init(maxQueued: Int = 200_000, maxAttempts: Int = 12, backoffBase: Double = 0.5, backoffMax: Double = 60) {
            self.maxQueued = maxQueued
            self.maxAttempts = maxAttempts
            self.backoffBase = backoffBase
            self.backoffMax = backoffMax
        }
    }

    private final class Lane: Sendable {
        let connector: any Connector
        let state: NIOLockedValueBox<LaneState>
        /// Messages the connector accepted per second.
        let sent = RateMeter()

        init(connector: any Connector) {
            self.connector = connector
            state = NIOLockedValueBox(LaneState(capacity: max(1, connector.capacity)))
        }
    }

    private struct LaneState {
        var queue = FairQueue()
        var inFlight = 0
        var capacity: Int
        /// After the connector said it was busy: no new submits before this, unless one completes.
        var pausedUntil: ContinuousClock.Instant?
    }

    /// The lanes routes can name now.
    private let laneBox: NIOLockedValueBox<[String: Lane]>
    /// Lanes of connectors a reload replaced or removed: they finish what they hold, then stop.
    private let draining = NIOLockedValueBox([ObjectIdentifier: Lane]())
    private let waiting = NIOLockedValueBox(DueQueue())
    /// Messages accepted and not yet settled with an upstream: queued, waiting or in flight.
    private let outstanding = NIOLockedValueBox(0)
    private let committer: GroupCommitter
    private let observer: any Observer
    private let settings: Settings
    private let logger: Logger
    private let timer = NIOLockedValueBox<Task<Void, Never>?>(nil)

    public init(connectors: [any Connector], committer: GroupCommitter, observer: any Observer,
                settings: Settings, logger: Logger) {
        var lanes: [String: Lane] = [:]
        for connector in connectors { lanes[connector.name] = Lane(connector: connector) }
        laneBox = NIOLockedValueBox(lanes)
        self.committer = committer
        self.observer = observer
        self.settings = settings
        self.logger = logger
    }

    /// Starts the clock that releases messages whose wait is over.
    public func start() {
        let task = Task.detached { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(20))
                self?.releaseDue()
                self?.pumpAll()
            }
        }
        timer.withLockedValue { $0 = task }
    }

    public func stop() {
        timer.withLockedValue { $0?.cancel() }
    }

    // MARK: Admission

    /// Reserves room for a new message; false means the gateway is full (ESME_RMSGQFUL).
    public func reserve(_ count: Int = 1) -> Bool {
        outstanding.withLockedValue { outstanding in
            guard outstanding + count <= settings.maxQueued else { return false }
            outstanding += count
            return true
        }
    }

    /// Counts messages that were accepted before (recovered after a restart): they are in the
    /// store already, so they are taken even beyond the limit.
    public func adopt(_ count: Int = 1) {
        outstanding.withLockedValue { $0 += count }
    }

    /// Gives back room reserved for messages that were not accepted after all.
    public func unreserve(_ count: Int = 1) {
        outstanding.withLockedValue { $0 -= count }
    }

    /// Messages accepted and not yet settled with an upstream.
    public var outstandingCount: Int { outstanding.withLockedValue { $0 } }

    /// Load as a share of capacity, 0…100 (SMPP 5.0 congestion_state).
    public var congestion: Int {
        min(100, outstandingCount * 100 / max(1, settings.maxQueued))
    }

    public func queueDepth(connector: String) -> Int {
        lane(named: connector)?.state.withLockedValue { $0.queue.count } ?? 0
    }

    /// Messages per second the connector accepted over the last ten seconds.
    public func sendRate(connector: String) -> Double {
        lane(named: connector)?.sent.perSecond() ?? 0
    }

    private func lane(named name: String) -> Lane? {
        laneBox.withLockedValue { $0[name] }
    }

    /// Every lane that can still send: current and draining.
    private var allLanes: [Lane] {
        laneBox.withLockedValue { Array($0.values) } + draining.withLockedValue { Array($0.values) }
    }

    // MARK: Reload

    /// Swaps in a reload's connectors. A connector that is the same object keeps its lane; a
    /// replaced one's queue moves to the new connector's lane; the old object (and any removed
    /// connector) keeps sending what it already holds and is returned, to be stopped once
    /// `isDrained`.
    public func install(connectors: [any Connector]) -> [any Connector] {
        let retired = laneBox.withLockedValue { lanes -> [Lane] in
            var next: [String: Lane] = [:]
            var retired: [Lane] = []
            for connector in connectors {
                guard let old = lanes[connector.name] else {
                    next[connector.name] = Lane(connector: connector)
                    continue
                }
                if old.connector === connector {
                    next[connector.name] = old
                    continue
                }
                let lane = Lane(connector: connector)
                let queue = old.state.withLockedValue { state -> FairQueue in
                    defer { state.queue = FairQueue() }
                    return state.queue
                }
                lane.state.withLockedValue { $0.queue = queue }
                next[connector.name] = lane
                retired.append(old)
            }
            for (name, lane) in lanes where next[name] == nil { retired.append(lane) }
            lanes = next
            return retired
        }
        draining.withLockedValue { draining in
            for lane in retired { draining[ObjectIdentifier(lane.connector)] = lane }
        }
        pumpAll()
        return retired.map(\.connector)
    }

    /// Whether a retired connector has nothing queued and nothing in flight.
    public func isDrained(_ connector: any Connector) -> Bool {
        guard let lane = draining.withLockedValue({ $0[ObjectIdentifier(connector)] }) else { return true }
        return lane.state.withLockedValue { $0.queue.count == 0 && $0.inFlight == 0 }
    }

    /// Drops a retired connector's lane (after it drained and stopped).
    public func forget(_ connector: any Connector) {
        _ = draining.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(connector)) }
    }

    // MARK: Dispatch

    /// Hands an accepted (durable) message on; its room must have been reserved.
    public func dispatch(_ item: DispatchItem) {
        if let scheduled = item.message.scheduledAt, scheduled > Date() {
            waiting.withLockedValue { $0.insert(item, due: scheduled) }
            return
        }
        guard let lane = lane(named: item.connector)
            ?? draining.withLockedValue({ $0.values.first { $0.connector.name == item.connector } }) else {
            // The route names a connector that is gone (config changed since it was stored).
            finish(item.message, state: .rejected, errorCode: Int(0x45), detail: "connector \(item.connector) does not exist")
            return
        }
        lane.state.withLockedValue { $0.queue.append(item) }
        pump(lane)
    }

    /// Removes a message that has not left Tern (cancel_sm); nil when it is already in flight or gone.
    public func cancel(_ id: MessageID) -> Message? {
        for lane in allLanes {
            if let item = lane.state.withLockedValue({ $0.queue.remove(id) }) {
                unreserve()
                return item.message
            }
        }
        if let item = waiting.withLockedValue({ $0.remove(id) }) {
            unreserve()
            return item.message
        }
        return nil
    }

    /// Changes a message that has not left Tern (replace_sm); false when it is in flight or gone.
    public func replace(_ id: MessageID, _ change: @escaping (inout Message) -> Void) -> Bool {
        for lane in allLanes where lane.state.withLockedValue({ $0.queue.update(id, change) }) {
            return true
        }
        return waiting.withLockedValue { $0.update(id, change) }
    }

    private func pumpAll() {
        for lane in allLanes { pump(lane) }
    }

    private func pump(_ lane: Lane) {
        let capacity = max(1, lane.connector.capacity)
        let instant = ContinuousClock.now
        let batch = lane.state.withLockedValue { state -> [DispatchItem] in
            if let paused = state.pausedUntil {
                guard instant >= paused else { return [] }
                state.pausedUntil = nil
            }
            state.capacity = capacity
            var batch: [DispatchItem] = []
            while state.inFlight < state.capacity, let item = state.queue.popFirst() {
                state.inFlight += 1
                batch.append(item)
            }
            return batch
        }
        guard !batch.isEmpty else { return }
        let now = Date()
        for item in batch {
            if let expiry = item.message.expiresAt, expiry <= now {
                lane.state.withLockedValue { $0.inFlight -= 1 }
                finish(item.message, state: .expired, errorCode: 0, detail: "validity period ended before it could be sent")
                continue
            }
            lane.connector.submit(item.message) { outcome in
                if case .busy = outcome {
                    // Not an attempt: back to the head of the line until the connector has room
                    // (the line of the connector's replacement, if a reload replaced it).
                    lane.state.withLockedValue { $0.inFlight -= 1 }
                    let home = self.lane(named: lane.connector.name) ?? lane
                    home.state.withLockedValue { state in
                        state.queue.prepend(item)
                        state.pausedUntil = ContinuousClock.now.advanced(by: .milliseconds(5))
                    }
                    return
                }
                lane.state.withLockedValue { state in
                    state.inFlight -= 1
                    state.pausedUntil = nil
                }
                if case .accepted = outcome { lane.sent.count() }
                self.settle(item, outcome: outcome, connector: lane.connector.name)
                self.pump(lane)
            }
        }
    }

    private func settle(_ item: DispatchItem, outcome: SubmitOutcome, connector: String) {
        switch outcome {
        case .accepted(let upstreamID):
            unreserve()
            committer.enqueue(.transition(MessageTransition(messageID: item.message.id, state: .submitted, connector: connector, upstreamID: upstreamID)))
            observer.dispatcher(submitted: item.message, connector: connector, upstreamID: upstreamID)
        case .permanentFailure(let status, let reason):
            finish(item.message, state: .rejected, errorCode: Int(status), detail: "\(connector): \(reason)", connector: connector)
        case .temporaryFailure(let status, let reason):
            retry(item, status: status, reason: "\(connector): \(reason)", connector: connector)
        case .busy:
            // Handled where the submit returned; never settles a message.
            break
        }
    }

    private func retry(_ item: DispatchItem, status: UInt32?, reason: String, connector: String) {
        var item = item
        item.message.attempts += 1
        if item.message.attempts >= settings.maxAttempts {
            finish(item.message, state: .undeliverable, errorCode: Int(status ?? 0x08),
                   detail: "gave up after \(item.message.attempts) attempts; last: \(reason)", connector: connector)
            return
        }
        item.next = (item.next + 1) % max(1, item.connectors.count)
        item.triedInRound += 1
        var delay = 0.0
        if item.triedInRound >= item.connectors.count {
            // Every connector of the route failed once: wait before the next round.
            let round = item.message.attempts / max(1, item.connectors.count)
            delay = min(settings.backoffMax, settings.backoffBase * pow(2, Double(max(0, round - 1))))
            item.triedInRound = 0
        }
        committer.enqueue(.transition(MessageTransition(messageID: item.message.id, state: .retrying, connector: connector,
                                                        errorCode: status.map(Int.init), detail: reason)))
        if delay == 0 {
            dispatch(item)
        } else {
            waiting.withLockedValue { $0.insert(item, due: Date().addingTimeInterval(delay)) }
        }
    }

    private func finish(_ message: Message, state: MessageLifecycle, errorCode: Int, detail: String, connector: String? = nil) {
        unreserve()
        let observer = self.observer
        // The client hears of the end (a receipt) only once the end is durable, so a query_sm
        // after the receipt, or a restart, tells the same state.
        committer.enqueue(.transition(MessageTransition(messageID: message.id, state: state, connector: connector,
                                                        errorCode: errorCode, detail: detail))) { result in
            guard case .success = result else { return }
            observer.dispatcher(finished: message, state: state, errorCode: errorCode)
        }
        logger.info("message ended inside Tern", metadata: ["id": "\(message.id)", "state": "\(state.rawValue)", "reason": "\(detail)"])
    }

    private func releaseDue() {
        let due = waiting.withLockedValue { $0.popDue(now: Date()) }
        for var item in due {
            // A scheduled message is due now; it must not go back to waiting.
            item.message.scheduledAt = nil
            dispatch(item)
        }
    }
}
