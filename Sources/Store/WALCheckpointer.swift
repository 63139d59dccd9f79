import Foundation
import GRDB
import Logging
import Synchronization

/// Copies the write-ahead log back into the database file from a connection of its own, off
/// the commit path.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: that
/// commit, and every client answer waiting on it, stalls for the copy and its fsync. At a
/// paced 5,000 msg/s that was most of the tail (p95 27 ms, p99 35 ms; 9 and 12 ms without).
/// So the writer's automatic checkpoint is off, and this loop runs a PASSIVE checkpoint every
/// `interval`, which waits for no one. Should the log still grow past `restartAboveFrames`
/// (a writer that never pauses long enough for the log to start over), one RESTART checkpoint
/// waits for the writer and resets it: the log stays bounded.
final class WALCheckpointer: Sendable {
    static let interval: Duration = .milliseconds(200)
    /// 32 MB of log in 8 KB pages: at 50,000 msg/s the log passes it about twice a second, and
    /// the RESTART then has little left to copy (the PASSIVE passes did the rest).
    static let restartAboveFrames = 4_096

    private enum Loop {
        case idle
        case running(Task<Void, Never>)
        case stopped
    }

    private let connection: DatabaseQueue
    private let loop = Mutex<Loop>(.idle)
    private let logger: Logger

    init(path: String, logger: Logger = Logger(label: "tern.store.checkpoint")) throws {
        self.logger = logger
        var configuration = Configuration()
        configuration.label = "tern.store.checkpoint"
        configuration.busyMode = .callback(SQLiteMessageStore.waitWhileLocked)
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Starts the loop; a no-op once it runs or after `stop`. The loop ends by itself when the
    /// store is gone without `close`.
    func start() {
        loop.withLock { loop in
            guard case .idle = loop else { return }
            loop = .running(Task.detached { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.interval)
                    guard let self, !Task.isCancelled else { return }
                    await self.checkpoint()
                }
            })
        }
    }

    /// One pass; returns the log's frames and how many of them are in the database file.
    @discardableResult
    func checkpoint(restartAbove limit: Int = restartAboveFrames) async -> (walFrameCount: Int, checkpointedFrameCount: Int)? {
        do {
            return try await connection.writeWithoutTransaction { db in
                let passive = try db.checkpoint(.passive)
                guard passive.walFrameCount > limit else { return passive }
                // The RESTART holds the write lock while it copies what no pass has yet: one
                // more pass first takes what the writer added during this one (tens of ms of
                // commits at full load), so the writer waits for a few frames, not for those.
                _ = try db.checkpoint(.passive)
                return try db.checkpoint(.restart)
            }
        } catch {
            // `stop` cancels the loop, and GRDB interrupts the checkpoint in progress: that is
            // a shutdown, not a failure an operator should be warned about.
            if Task.isCancelled {
                logger.debug("WAL checkpoint interrupted by the store's shutdown", metadata: ["error": "\(error)"])
                return nil
            }
            logger.warning("WAL checkpoint failed; the next one retries", metadata: ["error": "\(error)"])
            return nil
        }
    }

    func stop() async throws {
        let task = loop.withLock { loop -> Task<Void, Never>? in
            defer { loop = .stopped }
            if case .running(let task) = loop { return task }
            return nil
        }
        task?.cancel()
        await task?.value
        try connection.close()
    }
}
