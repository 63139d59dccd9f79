import Foundation
import Gateway
import GRDB
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
