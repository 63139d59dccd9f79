import Foundation
import Gateway
import Logging
import NIOConcurrencyHelpers
import Store
import Testing

@Suite("GroupCommitter on a real SQLite file")
struct GroupCommitterTests {
    static func message(_ id: Int64) -> Message {
        Message(id: MessageID(rawValue: id), accountID: 1, systemID: "a", source: WireAddress(value: "Tern"),
                destination: WireAddress(value: "447700900123"), shortMessage: [0x41], receivedAt: Date())
    }

    static func withStore(_ body: (SQLiteMessageStore) async throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-commit-\(UUID().uuidString)").path
        let store = try SQLiteMessageStore(path: path + "/tern.sqlite", durability: .normal)
        try await store.migrate()
        try await body(store)
        try await store.close()
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test("writes from many callers share transactions; each completion runs after its writes are durable")
    func groups() async throws {
        try await Self.withStore { store in
            let committer = GroupCommitter(store: store, logger: Logger(label: "test"), delay: .milliseconds(1))
            let completed = NIOLockedValueBox(0)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in 1...500 {
                    group.addTask {
                        try await committer.commit([.accept(Self.message(Int64(id)))])
                        // Durable when the completion runs: the store has it.
                        #expect(try await store.message(MessageID(rawValue: Int64(id))) != nil)
                        completed.withLockedValue { $0 += 1 }
                    }
                }
                try await group.waitForAll()
            }
            #expect(completed.withLockedValue { $0 } == 500)
        }
    }

    @Test("a batch the store refuses fails every completion in it, and the next batch goes on")
    func failure() async throws {
        try await Self.withStore { store in
            let committer = GroupCommitter(store: store, logger: Logger(label: "test"))
            try await committer.commit([.accept(Self.message(1))])
            await #expect(throws: (any Error).self) {
                try await committer.commit([.accept(Self.message(2)), .accept(Self.message(1))])
            }
            // All or nothing: message 2 of the refused batch is not there.
            #expect(try await store.message(MessageID(rawValue: 2)) == nil)
            try await committer.commit([.accept(Self.message(3))])
            #expect(try await store.message(MessageID(rawValue: 3)) != nil)
        }
    }

    @Test("a committer released with writes queued still commits them before its thread ends")
    func releasedCommitterFinishesItsQueue() async throws {
        try await Self.withStore { store in
            // A large batch holds the store's writer, so the committer's first commit waits for
            // it and the writes after it are still queued when the committer is released.
            let large = (10_001...30_000).map { StoreWrite.accept(Self.message(Int64($0))) }
            let holding = Task { try await store.apply(large) }
            try await Task.sleep(for: .milliseconds(20))
            var committer: GroupCommitter? = GroupCommitter(store: store, logger: Logger(label: "test"))
            for id in 1...200 {
                committer?.enqueue([.accept(Self.message(Int64(id)))])
            }
            committer = nil
            try await holding.value
            // Bounded: 200 small writes are left to commit.
            var stored = 0
            for _ in 0..<500 {
                stored = try await store.messageCount(accountID: 1, since: MessageID(rawValue: 0))
                if stored == 20_200 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(stored == 20_200)
        }
    }

    @Test("a batch over maximumBatch commits in pieces, both lanes whole and in order")
    func largeBatchInPieces() async throws {
        try await Self.withStore { store in
            let committer = GroupCommitter(store: store, logger: Logger(label: "test"), maximumBatch: 10, delay: .milliseconds(500))
            try await committer.commit((1...15).map { .accept(Self.message(Int64($0))) })
            // Queued together, so one batch (the delay): 25 accepts and 15 changes.
            let completions = NIOLockedValueBox(0)
            for id in 16...40 {
                committer.enqueue([.accept(Self.message(Int64(id)))], outcome: { result in
                    if case .success = result { completions.withLockedValue { $0 += 1 } }
                })
            }
            for id in 1...15 {
                committer.enqueue(.transition(MessageTransition(messageID: MessageID(rawValue: Int64(id)), state: .submitted,
                                                                connector: "smsc-a", upstreamID: "\(id)"))) { result in
                    if case .success = result { completions.withLockedValue { $0 += 1 } }
                }
            }
            try await committer.flush()
            for _ in 0..<200 where completions.withLockedValue({ $0 }) < 40 {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(completions.withLockedValue { $0 } == 40)
            #expect(try await store.messageCount(accountID: 1, since: MessageID(rawValue: 0)) == 40)
            for id in 1...15 {
                #expect(try await store.message(MessageID(rawValue: Int64(id)))?.state == .submitted)
            }
        }
    }

    @Test("in one batch, the accepted messages' completions (their clients wait) run before the state changes'")
    func answersFirst() async throws {
        try await Self.withStore { store in
            // A small batch waits a second for company (`commit_delay_ms`): the four writes,
            // queued right after each other, are one batch. (Holding the store's writer with a
            // large batch instead was not enough on a loaded machine: that batch could end
            // before the first of the four came.)
            let committer = GroupCommitter(store: store, logger: Logger(label: "test"), delay: .seconds(1))
            let order = NIOLockedValueBox<[Int64]>([])
            for id: Int64 in 2...5 {
                let record: @Sendable (Result<ApplyOutcome, any Error>) -> Void = { _ in order.withLockedValue { $0.append(id) } }
                if id.isMultiple(of: 2) {
                    committer.enqueue([.accept(Self.message(id))], completion: { record($0.map { _ in ApplyOutcome() }) })
                } else {
                    committer.enqueue([.accept(Self.message(id))], outcome: record)
                }
            }
            try await committer.flush()
            // Bounded: the completions run on a task of their own after the commit.
            for _ in 0..<200 where order.withLockedValue({ $0.count }) < 4 {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(order.withLockedValue { $0 } == [3, 5, 2, 4])
        }
    }
}
