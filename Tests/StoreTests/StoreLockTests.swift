import Foundation
import Gateway
import GRDB
import Testing
@testable import Store

@Suite("Waiting for a lock another connection holds")
struct StoreLockTests {
    @Test("the first 10 ms are tried every 100 µs, then every 10 ms, and the wait gives up at the busy timeout")
    func schedule() {
        for tries in 0..<100 {
            #expect(SQLiteMessageStore.pause(afterTries: tries) == .microseconds(100), "try \(tries)")
        }
        #expect(SQLiteMessageStore.pause(afterTries: 100) == .milliseconds(10))

        // Summed until it gives up: the busy timeout, not more, and not much less.
        var waited = Duration.zero
        var tries = 0
        while let pause = SQLiteMessageStore.pause(afterTries: tries), tries < 10_000 {
            waited += pause
            tries += 1
        }
        #expect(SQLiteMessageStore.pause(afterTries: tries) == nil)
        let seconds = Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18
        #expect(seconds <= SQLiteMessageStore.busyTimeout)
        #expect(seconds > SQLiteMessageStore.busyTimeout - 0.02)
    }

    @Test("a commit that finds the write lock taken by another connection waits for it, then commits")
    func commitWaitsForTheLock() async throws {
        try await withStore(durability: .normal) { store in
            let path = try await store.pool.read { db in try String.fetchOne(db, sql: "SELECT file FROM pragma_database_list WHERE name = 'main'") }
            let other = try DatabaseQueue(path: try #require(path))
            let locked = DispatchSemaphore(value: 0)
            let holder = Thread {
                try? other.inDatabase { db in
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    locked.signal()
                    Thread.sleep(forTimeInterval: 0.05)
                    try db.execute(sql: "COMMIT")
                }
            }
            holder.start()
            // Bounded: a holder that could not take the lock never signals.
            try #require(locked.wait(timeout: .now() + 5) == .success)
            // The group committer's way: on a thread that is no task's. Without a busy handler
            // that waits, this fails at once with SQLITE_BUSY.
            let outcome = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ApplyOutcome, any Error>) in
                Thread {
                    continuation.resume(with: Result { try store.applyOnCallingThread([[.accept(makeMessage(7))]], refundOn: []) })
                }.start()
            }
            #expect(outcome.refusedForCredit.isEmpty)
            #expect(try await store.message(MessageID(rawValue: 7)) != nil)
            try other.close()
        }
    }
}
