import Logging
import NIOConcurrencyHelpers

/// Gathers writes from every session and the dispatcher into batches, each made durable by one
/// `MessageStore.apply` call (one transaction).
///
/// While one batch commits, the next one fills; when the commit returns, the next starts at once.
/// So under load a transaction carries everything that arrived during the previous one, and when
/// the gateway is idle a lone message is committed immediately, with no timer in its way.
public final class GroupCommitter: Sendable {
    public typealias Completion = @Sendable (Result<Void, any Error>) -> Void
    /// Told what the store did beyond writing (messages refused for credit).
    public typealias OutcomeCompletion = @Sendable (Result<ApplyOutcome, any Error>) -> Void

    private struct Pending {
        var writes: [StoreWrite] = []
        var completions: [Waiter] = []
        var committing = false

        /// Adds the waiter; true when the caller must start the drain.
        mutating func add(_ waiter: Waiter?) -> Bool {
            if let waiter { completions.append(waiter) }
            if committing { return false }
            committing = true
            return true
        }
    }

    /// A completion as its caller gave it: wrapping one kind into the other cost an allocation
    /// per write.
    private enum Waiter {
        case plain(Completion)
        case outcome(OutcomeCompletion)

        func callAsFunction(_ result: Result<ApplyOutcome, any Error>) {
            switch self {
            case .plain(let completion): completion(result.map { _ in () })
            case .outcome(let completion): completion(result)
            }
        }
    }

    /// Final states whose charges the store gives back (`[accounts] refund_on`; a reload changes it).
    private let refundOn = NIOLockedValueBox<Set<MessageLifecycle>>([])

    public func setRefundStates(_ states: Set<MessageLifecycle>) {
        refundOn.withLockedValue { $0 = states }
    }

    private let store: any MessageStore
    private let state = NIOLockedValueBox(Pending())
    private let logger: Logger
    /// Upper bound of writes per transaction, so one commit stays short.
    private let maximumBatch: Int
    /// How long a small batch may wait for company (`commit_delay_ms`): fewer, larger
    /// transactions (and fsyncs) at moderate load, for that much more latency.
    private let delay: Duration

    /// Told how long each commit took (metrics).
    private let observe: (@Sendable (Duration) -> Void)?

    public init(store: any MessageStore, logger: Logger, maximumBatch: Int = 20_000, delay: Duration = .zero,
                observe: (@Sendable (Duration) -> Void)? = nil) {
        self.observe = observe
        self.store = store
        self.logger = logger
        self.maximumBatch = maximumBatch
        self.delay = delay
    }

    /// Queues writes; `completion` runs (on a background thread) once they are durable, or with
    /// the error that kept them from being so.
    public func enqueue(_ writes: [StoreWrite], completion: Completion? = nil) {
        enqueue(writes, waiter: completion.map(Waiter.plain))
    }

    /// Like `enqueue(_:completion:)`, for writes whose outcome matters (accepted messages).
    public func enqueue(_ writes: [StoreWrite], outcome completion: OutcomeCompletion?) {
        enqueue(writes, waiter: completion.map(Waiter.outcome))
    }

    /// One write, the usual case (a state change, a receipt kept for later): no array of its own.
    public func enqueue(_ write: StoreWrite, completion: Completion? = nil) {
        let start = state.withLockedValue { pending -> Bool in
            pending.writes.append(write)
            return pending.add(completion.map(Waiter.plain))
        }
        if start { Task.detached { await self.drain() } }
    }

    private func enqueue(_ writes: [StoreWrite], waiter: Waiter?) {
        let start = state.withLockedValue { pending -> Bool in
            pending.writes.append(contentsOf: writes)
            return pending.add(waiter)
        }
        if start { Task.detached { await self.drain() } }
    }

    /// Writes `writes` and waits until they are durable.
    public func commit(_ writes: [StoreWrite]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            enqueue(writes) { continuation.resume(with: $0) }
        }
    }

    /// Waits until everything queued before the call is durable.
    public func flush() async throws { try await commit([]) }

    private func drain() async {
        while true {
            // A batch that is already large goes at once; only a small one waits for more.
            if delay > .zero, state.withLockedValue({ $0.writes.count }) < 256 {
                try? await Task.sleep(for: delay)
            }
            let batch = state.withLockedValue { pending -> (writes: [StoreWrite], completions: [Waiter])? in
                if pending.writes.isEmpty && pending.completions.isEmpty {
                    pending.committing = false
                    return nil
                }
                let batch = (pending.writes, pending.completions)
                pending.writes = []
                pending.writes.reserveCapacity(min(batch.0.count, maximumBatch))
                pending.completions = []
                return batch
            }
            guard let batch else { return }
            let result: Result<ApplyOutcome, any Error>
            let started = ContinuousClock.now
            let refundOn = self.refundOn.withLockedValue { $0 }
            do {
                var outcome = ApplyOutcome()
                if batch.writes.count <= maximumBatch {
                    // The usual case: the array itself, not a copy of every write in it.
                    outcome = try await store.apply(batch.writes, refundOn: refundOn)
                } else {
                    var offset = 0
                    repeat {
                        let end = min(offset + maximumBatch, batch.writes.count)
                        outcome.merge(try await store.apply(Array(batch.writes[offset..<end]), refundOn: refundOn))
                        offset = end
                    } while offset < batch.writes.count
                }
                result = .success(outcome)
                observe?(started.duration(to: .now))
            } catch {
                logger.error("store commit failed", metadata: ["writes": "\(batch.writes.count)", "error": "\(error)"])
                result = .failure(error)
            }
            // The next commit starts at once: what the completions do (answer clients, hand
            // messages to connectors, build receipts) runs beside it instead of ahead of it.
            let completions = batch.completions
            Task { for completion in completions { completion(result) } }
        }
    }
}
