import Foundation
import Logging
import NIOConcurrencyHelpers

/// Gathers writes from every session and the dispatcher into batches, each made durable by one
/// `MessageStore.apply` call (one transaction).
///
/// While one batch commits, the next one fills; when the commit returns, the next starts at once.
/// So under load a transaction carries everything that arrived during the previous one, and when
/// the gateway is idle a lone message is committed immediately, with no timer in its way.
///
/// The commits run on a thread of the committer's own (`tern-writer`), which calls the store on
/// itself. The store's one writer is the gateway's serial step; when the loop ran as a task,
/// every commit went to GRDB's queue and came back to the task pool, and on a busy 2-core
/// machine each of those two hops waited for a thread to be scheduled (BENCHMARKS.md).
///
/// Accepted messages (`enqueue(_:outcome:)`, a client waits for each answer) go in every
/// commit. Everything else (state changes, receipts kept, flushes) goes in every other commit
/// while accepts keep coming: a commit that carries only accepts is a fraction of one that
/// carries the state changes too, so under load an accept seldom waits for a long commit and
/// then another. Nothing in the second lane can be about a message of the first that is not
/// durable yet (its state changes start only once its accept is), so taking an accept ahead of
/// changes queued before it orders only writes that were concurrent anyway; each lane keeps its
/// own order.
public final class GroupCommitter: Sendable {
    public typealias Completion = @Sendable (Result<Void, any Error>) -> Void
    /// Told what the store did beyond writing (messages refused for credit).
    public typealias OutcomeCompletion = @Sendable (Result<ApplyOutcome, any Error>) -> Void

    /// A completion as its caller gave it: wrapping one kind into the other cost an allocation
    /// per write.
    fileprivate enum Waiter {
        case plain(Completion)
        case outcome(OutcomeCompletion)

        func callAsFunction(_ result: Result<ApplyOutcome, any Error>) {
            switch self {
            case .plain(let completion): completion(result.map { _ in () })
            case .outcome(let completion): completion(result)
            }
        }
    }

    public func setRefundStates(_ states: Set<MessageLifecycle>) {
        writer.refundOn.withLockedValue { $0 = states }
    }

    private let writer: Writer

    /// `maximumBatch` bounds the writes of one transaction, so one commit stays short; `delay`
    /// (`commit_delay_ms`) is how long a small batch may wait for company: fewer, larger
    /// transactions (and fsyncs) at moderate load, for that much more latency. `observe` is told
    /// how long each commit took (metrics).
    public init(store: any MessageStore, logger: Logger, maximumBatch: Int = 20_000, delay: Duration = .zero,
                observe: (@Sendable (Duration) -> Void)? = nil) {
        writer = Writer(store: store, logger: logger, maximumBatch: maximumBatch, delay: delay, observe: observe)
        writer.start()
    }

    /// The thread ends once everything queued is durable.
    deinit { writer.finish() }

    /// Queues writes; `completion` runs (on a background thread) once they are durable, or with
    /// the error that kept them from being so.
    public func enqueue(_ writes: [StoreWrite], completion: Completion? = nil) {
        writer.add(completion.map(Waiter.plain), lane: .changes) { $0.append(contentsOf: writes) }
    }

    /// Like `enqueue(_:completion:)`, for accepted messages: the outcome says which the store
    /// refused for credit, and these completions run first in their batch, before any plain
    /// one, because a client is waiting for each of their answers.
    public func enqueue(_ writes: [StoreWrite], outcome completion: OutcomeCompletion?) {
        writer.add(completion.map(Waiter.outcome), lane: .accepts) { $0.append(contentsOf: writes) }
    }

    /// One write, the usual case (a state change, a receipt kept for later): no array of its own.
    public func enqueue(_ write: StoreWrite, completion: Completion? = nil) {
        writer.add(completion.map(Waiter.plain), lane: .changes) { $0.append(write) }
    }

    /// Writes `writes` and waits until they are durable.
    public func commit(_ writes: [StoreWrite]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            enqueue(writes) { continuation.resume(with: $0) }
        }
    }

    /// Waits until everything queued before the call is durable.
    public func flush() async throws { try await commit([]) }
}

/// The committer's thread and the queue it drains; everything mutable is guarded by `condition`.
private final class Writer: @unchecked Sendable {
    /// Final states whose charges the store gives back (`[accounts] refund_on`; a reload changes it).
    let refundOn = NIOLockedValueBox<Set<MessageLifecycle>>([])

    private let store: any MessageStore
    private let logger: Logger
    private let maximumBatch: Int
    private let delay: Duration
    private let observe: (@Sendable (Duration) -> Void)?

    private let condition = NSCondition()
    private var queue = CommitLanes<GroupCommitter.Waiter>()
    /// The thread waits for work: the next `add` signals it (and only that one: a signal is a
    /// system call, and under load the thread is never waiting).
    private var idle = false
    /// The committer is gone: the thread ends once the queue is empty.
    private var finishing = false

    init(store: any MessageStore, logger: Logger, maximumBatch: Int, delay: Duration,
         observe: (@Sendable (Duration) -> Void)?) {
        self.store = store
        self.logger = logger
        self.maximumBatch = maximumBatch
        self.delay = delay
        self.observe = observe
    }

    func start() {
        // The thread holds the writer until `run` returns, so what is queued outlives the committer.
        let thread = Thread { self.run() }
        thread.start()
    }

    func add(_ waiter: GroupCommitter.Waiter?, lane: CommitLanes<GroupCommitter.Waiter>.Name,
             _ append: (inout [StoreWrite]) -> Void) {
        condition.lock()
        queue.add(waiter, to: lane, append)
        let wake = idle
        idle = false
        condition.unlock()
        if wake { condition.signal() }
    }

    func finish() {
        condition.lock()
        finishing = true
        let wake = idle
        idle = false
        condition.unlock()
        if wake { condition.signal() }
    }

    private func run() {
        Thread.current.name = "tern-writer"
        while let batch = next() { commit(batch) }
    }

    /// The next batch, once there is something (an empty flush counts).
    private func next() -> CommitLanes<GroupCommitter.Waiter>.Batch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty {
            if finishing { return nil }
            idle = true
            condition.wait()
        }
        idle = false
        // A batch that is already large goes at once; only a small one waits for more. A plain
        // sleep, not a timed wait on the condition: that takes a wall-clock deadline, which a
        // step of the system clock would stretch. Nothing needs to wake the thread meanwhile.
        if delay > .zero, queue.writeCount < 256 {
            condition.unlock()
            Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
            condition.lock()
        }
        return queue.take()
    }

    private func commit(_ batch: CommitLanes<GroupCommitter.Waiter>.Batch) {
        let started = ContinuousClock.now
        let refundOn = self.refundOn.withLockedValue { $0 }
        let result: Result<ApplyOutcome, any Error>
        do {
            var outcome = ApplyOutcome()
            if batch.writeCount <= maximumBatch {
                // The usual case: the lanes' arrays themselves, not a copy of every write.
                outcome = try store.applyOnCallingThread([batch.accepts.writes, batch.changes.writes], refundOn: refundOn)
            } else {
                for writes in [batch.accepts.writes, batch.changes.writes] {
                    var offset = 0
                    while offset < writes.count {
                        let end = min(offset + maximumBatch, writes.count)
                        outcome.merge(try store.applyOnCallingThread([Array(writes[offset..<end])], refundOn: refundOn))
                        offset = end
                    }
                }
            }
            result = .success(outcome)
            observe?(started.duration(to: .now))
        } catch {
            logger.error("store commit failed", metadata: ["writes": "\(batch.writeCount)", "error": "\(error)"])
            result = .failure(error)
        }
        // The next commit starts at once: what the completions do (answer clients, hand
        // messages to connectors, build receipts) runs beside it instead of ahead of it.
        // Accepted messages' completions first: their clients are waiting for these answers,
        // while state changes only lead to work (receipts) that nobody is timing yet. The two
        // lists as they are, not joined (a copy of every waiter on this thread).
        let first = batch.accepts.waiters
        let then = batch.changes.waiters
        if !first.isEmpty || !then.isEmpty {
            Task {
                for waiter in first { waiter(result) }
                for waiter in then { waiter(result) }
            }
        }
    }
}

/// What the committer has queued, in its two lanes (see `GroupCommitter`), and which of them the
/// next commit takes. `Waiter` is whatever a caller waits with; the lanes only carry them.
struct CommitLanes<Waiter> {
    enum Name { case accepts, changes }

    /// One lane's writes and their waiters, in the order they came.
    struct Lane {
        var writes: [StoreWrite] = []
        var waiters: [Waiter] = []
        var isEmpty: Bool { writes.isEmpty && waiters.isEmpty }

        mutating func add(_ waiter: Waiter?, _ append: (inout [StoreWrite]) -> Void) {
            append(&writes)
            if let waiter { waiters.append(waiter) }
        }

        /// Everything in it, leaving it empty with room for as many.
        mutating func takeAll() -> Lane {
            let taken = self
            writes = []
            writes.reserveCapacity(taken.writes.count)
            waiters = []
            return taken
        }
    }

    /// One commit: the accepts, then the changes (empty when this commit leaves them). Kept
    /// apart, not joined: joining copied every change write and waiter on the writer thread,
    /// the serial step, 3 % of its time (perf); the store applies the two in one transaction.
    struct Batch {
        var accepts = Lane()
        var changes = Lane()
        var isEmpty: Bool { accepts.isEmpty && changes.isEmpty }
        var writeCount: Int { accepts.writes.count + changes.writes.count }
    }

    private var queued = Batch()
    /// The last commit took the changes: while accepts wait, the next one takes only them.
    private var changesWentLast = false

    var isEmpty: Bool { queued.isEmpty }
    var writeCount: Int { queued.writeCount }

    mutating func add(_ waiter: Waiter?, to lane: Name, _ append: (inout [StoreWrite]) -> Void) {
        switch lane {
        case .accepts: queued.accepts.add(waiter, append)
        case .changes: queued.changes.add(waiter, append)
        }
    }

    /// The next commit: every accept queued, and the changes too unless the last commit took
    /// them and accepts are waiting. Changes therefore wait for at most one commit of accepts.
    mutating func take() -> Batch {
        var batch = Batch(accepts: queued.accepts.takeAll())
        if !batch.accepts.isEmpty && changesWentLast {
            changesWentLast = false
            return batch
        }
        batch.changes = queued.changes.takeAll()
        changesWentLast = !batch.changes.isEmpty
        return batch
    }
}
