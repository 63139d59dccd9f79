import NIOConcurrencyHelpers
import NIOCore

/// Work for one event loop that becomes ready on other threads: submits answered once a store
/// commit returns, receipts handed over by the delivery task, submits for an upstream link and
/// that link's answers to receipts once they are kept.
///
/// The first job of a burst wakes the loop; the jobs posted while it is on its way ride along,
/// and the loop runs them all in one go and then `afterBurst` once (a flush). So a commit that
/// answers a thousand submits of a session costs one hop and one syscall, not a thousand.
public final class LoopMailbox: Sendable {
    public typealias Job = @Sendable () -> Void

    private struct Pending {
        var jobs: [Job] = []
        /// The array of the burst before last, emptied with its capacity kept: a burst is
        /// gathered into it instead of into a new array that regrows from nothing each time.
        var spare: [Job] = []
        var woken = false
    }

    private let loop: any EventLoop
    private let pending = NIOLockedValueBox(Pending())
    /// Runs the burst on the loop: the jobs, in the order they were posted, then whatever ends
    /// a burst (a flush).
    private let run: @Sendable ([Job]) -> Void

    public init(loop: any EventLoop, run: @escaping @Sendable ([Job]) -> Void) {
        self.loop = loop
        self.run = run
    }

    public func post(_ job: @escaping Job) {
        let wake = pending.withLockedValue { pending -> Bool in
            pending.jobs.append(job)
            if pending.woken { return false }
            pending.woken = true
            return true
        }
        guard wake else { return }
        loop.execute { self.runPosted() }
    }

    private func runPosted() {
        var jobs = pending.withLockedValue { pending -> [Job] in
            var taken = pending.spare
            swap(&taken, &pending.jobs)
            pending.spare = []
            pending.woken = false
            return taken
        }
        guard !jobs.isEmpty else { return }
        run(jobs)
        jobs.removeAll(keepingCapacity: true)
        pending.withLockedValue { pending in
            if pending.spare.capacity < jobs.capacity { pending.spare = jobs }
        }
    }
}
