import Foundation
import Gateway
import GRDB
import Logging
import Synchronization
import Testing
@testable import Store

@Suite("WAL checkpoints off the commit path")
struct WALCheckpointerTests {
    @Test("commits never checkpoint; a pass copies the log back and the next commit starts it over")
    func checkpointsFromItsOwnConnection() async throws {
        try await withStore(durability: .normal) { store in
            // The writer's automatic checkpoint is off.
            let automatic = try await store.pool.writeWithoutTransaction { db in
                try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint")
            }
            #expect(automatic == 0)

            for batch in 0..<20 {
                let writes = (1...200).map { StoreWrite.accept(makeMessage(Int64(batch * 200 + $0))) }
                _ = try await store.apply(writes, refundOn: [])
            }
            let pass = try #require(await store.checkpointer.checkpoint())
            #expect(pass.walFrameCount > 0)
            #expect(pass.checkpointedFrameCount == pass.walFrameCount)

            // With everything copied back, the next commit writes from the start of the log.
            _ = try await store.apply([.accept(makeMessage(100_000))], refundOn: [])
            let after = try #require(await store.checkpointer.checkpoint())
            #expect(after.walFrameCount < pass.walFrameCount)
            #expect(after.checkpointedFrameCount == after.walFrameCount)

            // Nothing was lost on the way: every message reads back.
            for id: Int64 in [1, 2_000, 4_000, 100_000] {
                #expect(try await store.message(MessageID(rawValue: id)) != nil, "message \(id)")
            }
        }
    }

    @Test("past the limit a pass is a RESTART: it copies everything and the next commit starts the log over")
    func restartPass() async throws {
        try await withStore(durability: .normal) { store in
            for batch in 0..<10 {
                let writes = (1...200).map { StoreWrite.accept(makeMessage(Int64(batch * 200 + $0))) }
                _ = try await store.apply(writes, refundOn: [])
            }
            let pass = try #require(await store.checkpointer.checkpoint(restartAbove: 0))
            #expect(pass.checkpointedFrameCount == pass.walFrameCount)
            _ = try await store.apply([.accept(makeMessage(50_000))], refundOn: [])
            let after = try #require(await store.checkpointer.checkpoint())
            #expect(after.walFrameCount < pass.walFrameCount)
        }
    }
}

extension WALCheckpointerTests {
    @Test("a checkpoint cut short by the store's shutdown (its task cancelled) is not logged as a failure")
    func cancelledPassIsNotAWarning() async throws {
        try await withTemporaryDatabase { path in
            let store = try SQLiteMessageStore(path: path, durability: .normal)
            try await store.migrate()
            // The store's own loop would now and then hold the checkpoint lock (a PASSIVE pass
            // that finds it taken fails with SQLITE_BUSY): only the test's checkpointer runs.
            try await store.checkpointer.stop()
            _ = try await store.apply((1...200).map { StoreWrite.accept(makeMessage(Int64($0))) }, refundOn: [])
            try await expectQuietCancellation(path: path)
            try await store.close()
        }
    }

    private func expectQuietCancellation(path: String) async throws {
        let records = LogRecords()
        let checkpointer = try WALCheckpointer(path: path, logger: Logger(label: "test") { _ in RecordingLogHandler(records) })
        let cancelled = Task { await checkpointer.checkpoint() }
        cancelled.cancel()
        #expect(await cancelled.value == nil)
        #expect(records.levels.allSatisfy { $0 < .warning }, "logged \(records.levels)")

        // The same checkpointer, not cancelled, still copies the log back.
        let pass = try #require(await checkpointer.checkpoint())
        #expect(pass.checkpointedFrameCount == pass.walFrameCount)
        #expect(records.levels.allSatisfy { $0 < .warning })
        try await checkpointer.stop()
    }
}

/// What a logger was told, by level.
final class LogRecords: Sendable {
    private let recorded = Mutex<[Logger.Level]>([])
    var levels: [Logger.Level] { recorded.withLock { $0 } }
    func append(_ level: Logger.Level) { recorded.withLock { $0.append(level) } }
}

struct RecordingLogHandler: LogHandler {
    let records: LogRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    init(_ records: LogRecords) { self.records = records }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        records.append(level)
    }
}
