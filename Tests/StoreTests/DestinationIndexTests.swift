import Foundation
import Gateway
import GRDB
@testable import Store
import Testing

@Suite("Index by destination number in its own file")
struct DestinationIndexTests {
    private func logged(_ store: SQLiteMessageStore) async throws -> Int {
        Int(try await store.textRows("SELECT COUNT(*) FROM number_log")[0][0] ?? "") ?? -1
    }

    private func found(_ store: SQLiteMessageStore, _ query: MessageQuery) async throws -> [Int64] {
        try await store.searchMessages(query).map(\.id.rawValue)
    }

    /// A store at `path` that holds `writes`, merged into its index file, closed.
    private func storeMerged(at path: String, _ writes: [StoreWrite]) async throws {
        let store = try await openUnmerged(path)
        try await store.apply(writes)
        store.destinations.mergeEverything()
        try await store.close()
    }

    /// Ten messages to two numbers: ids 1…10, even ones to ...900, odd ones to ...901.
    private func tenMessages() -> [StoreWrite] {
        (1...10).map { id in .accept(makeMessage(Int64(id), destination: id % 2 == 0 ? "447700900900" : "447700900901")) }
    }

    @Test("a number is found before its merge, after it, and across both, newest first and once each")
    func foundWhereverItIs() async throws {
        try await withStore(mergesInBackground: false) { store in
            try await store.apply(tenMessages())
            let even: [Int64] = [10, 8, 6, 4, 2]
            #expect(try await logged(store) == 10)
            #expect(try await store.destinations.entryCount() == 0)
            #expect(try await found(store, MessageQuery(destination: "447700900900")) == even)

            store.destinations.mergeEverything()
            #expect(try await store.destinations.entryCount() == 10)
            #expect(try await found(store, MessageQuery(destination: "447700900900")) == even)

            // 12 is only in the log's tail, the rest only in the index: a page takes from both, in order.
            try await store.apply([.accept(makeMessage(12, destination: "447700900900"))])
            #expect(try await found(store, MessageQuery(destination: "447700900900", limit: 3)) == [12, 10, 8])
            #expect(try await found(store, MessageQuery(destination: "447700900900", before: MessageID(rawValue: 8), limit: 3)) == [6, 4, 2])
            #expect(try await found(store, MessageQuery(scope: [2], destination: "447700900900")).isEmpty)
            #expect(try await found(store, MessageQuery(destination: "447700900901")) == [9, 7, 5, 3, 1])
            #expect(try await found(store, MessageQuery(destination: "447700900902")).isEmpty)

            store.destinations.mergeEverything()
            #expect(try await store.destinations.entryCount() == 11)
            #expect(try await found(store, MessageQuery(destination: "447700900900")) == [12] + even)
        }
    }

    @Test("every way a message is stored logs its number: in a batch of accepts, alone, and already ended")
    func everyAcceptLogs() async throws {
        try await withStore(mergesInBackground: false) { store in
            var rejected = makeMessage(3, state: .rejected, destination: "447700900555")
            rejected.errorCode = 0x45
            var submitted = makeMessage(4, state: .submitted, connector: "smsc", destination: "447700900555")
            submitted.upstreamID = "u4"
            // 16 + 4 + 1 rows a statement, and the single-row path of accepts that need an event.
            let batch = (100..<121).map { StoreWrite.accept(makeMessage(Int64($0), destination: "447700900555")) }
            try await store.apply([.accept(rejected), .accept(submitted)] + batch)
            #expect(try await logged(store) == 23)
            #expect(try await found(store, MessageQuery(destination: "447700900555")) == [Int64](100..<121).reversed() + [4, 3])
            store.destinations.mergeEverything()
            #expect(try await store.destinations.entryCount() == 23)
            #expect(try await found(store, MessageQuery(destination: "447700900555", limit: 2)) == [120, 119])
        }
    }

    @Test("a full generation is followed by a new one; a search reads them newest first, wherever a message landed")
    func generations() async throws {
        try await withTemporaryDatabase { path in
            let store = try await openUnmerged(path, entriesPerGeneration: 4)
            func accept(_ ids: [Int64], to number: String = "447700900900") async throws {
                try await store.apply(ids.map { .accept(makeMessage($0, destination: number)) })
                store.destinations.mergeEverything()
            }
            try await accept([1, 2, 4, 5])
            // 3 is committed late, after 6…8 got their ids: it lands in the second generation.
            try await accept([6, 7, 3, 8])
            try await accept([9, 10])
            try await accept([11], to: "447700900901")
            #expect(try await store.destinations.generationEntries() == [4, 4, 3])
            let number = "447700900900"
            #expect(try await found(store, MessageQuery(destination: number)) == [10, 9, 8, 7, 6, 5, 4, 3, 2, 1])
            #expect(try await found(store, MessageQuery(destination: number, limit: 3)) == [10, 9, 8])
            #expect(try await found(store, MessageQuery(destination: number, before: MessageID(rawValue: 6), limit: 3)) == [5, 4, 3])
            #expect(try await found(store, MessageQuery(destination: number, before: MessageID(rawValue: 4), limit: 3)) == [3, 2, 1])
            #expect(try await found(store, MessageQuery(destination: "447700900901")) == [11])
            #expect(try await found(store, MessageQuery(destination: number, limit: 0)).isEmpty)
            try await store.close()
        }
    }

    @Test("a restart merges from where the last merge ended; numbers logged by another process are merged too")
    func resumes() async throws {
        try await withTemporaryDatabase { path in
            let gateway = try await openUnmerged(path)
            try await gateway.apply(tenMessages())
            gateway.destinations.mergeEverything()
            let other = try await openUnmerged(path)
            try await other.apply([.accept(makeMessage(11, destination: "447700900901"))])
            try await other.close()
            try await gateway.apply([.accept(makeMessage(12, destination: "447700900900"))])
            try await gateway.close()

            let restarted = try await openUnmerged(path)
            #expect(try await restarted.destinations.entryCount() == 10)
            restarted.destinations.mergeEverything()
            #expect(try await restarted.destinations.entryCount() == 12)
            #expect(try await found(restarted, MessageQuery(destination: "447700900901")) == [11, 9, 7, 5, 3, 1])
            try await restarted.close()
        }
    }

    @Test("an index file deleted, or made from another store, is made again from the log")
    func remadeWhenItIsNotThisStores() async throws {
        try await withTemporaryDatabase { path in
            try await storeMerged(at: path, tenMessages())
            let indexPath = try removeIndex(.destinations, besideStore: path)
            #expect(indexPath.hasSuffix("/tern.numbers.sqlite"))

            let second = try await openUnmerged(path)
            #expect(try await second.destinations.entryCount() == 0)
            #expect(try await found(second, MessageQuery(destination: "447700900901")) == [9, 7, 5, 3, 1])
            second.destinations.mergeEverything()
            #expect(try await second.destinations.entryCount() == 10)
            try await second.close()

            // Another store's index file, copied beside this one: its entries are not this store's.
            try await withTemporaryDatabase { otherPath in
                // Fewer than this store's: merged not as far as this log goes, yet not from it.
                try await storeMerged(at: otherPath, (20...22).map { .accept(makeMessage(Int64($0), destination: "447700900901")) })
                try removeIndex(.destinations, besideStore: path)
                try FileManager.default.copyItem(atPath: LoggedIndex.Layout.destinations.path(besideStore: otherPath), toPath: indexPath)
            }
            let third = try await openUnmerged(path)
            #expect(try await third.destinations.entryCount() == 0)
            third.destinations.mergeEverything()
            #expect(try await found(third, MessageQuery(destination: "447700900901")) == [9, 7, 5, 3, 1])
            try await third.close()
        }
    }

    @Test("an index file that is not a database is set aside and made again; the store opens")
    func remadeWhenDamaged() async throws {
        try await withTemporaryDatabase { path in
            try await storeMerged(at: path, tenMessages())
            let indexPath = try removeIndex(.destinations, besideStore: path)
            try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: indexPath))

            let reopened = try await openUnmerged(path)
            #expect(FileManager.default.fileExists(atPath: indexPath + ".damaged"))
            reopened.destinations.mergeEverything()
            #expect(try await reopened.destinations.entryCount() == 10)
            #expect(try await found(reopened, MessageQuery(destination: "447700900900")) == [10, 8, 6, 4, 2])
            try await reopened.close()
        }
    }

    @Test("an index ahead of its store's log (the store restored from a backup) is made again")
    func remadeWhenAheadOfTheLog() async throws {
        try await withTemporaryDatabase { path in
            let store = try await openUnmerged(path)
            try await store.apply(tenMessages())
            store.destinations.mergeEverything()
            // What a restore of the store from before the last five messages looks like to the index.
            try await store.pool.write { db in
                try db.execute(sql: "DELETE FROM number_log WHERE seq > 5; DELETE FROM messages WHERE id > 5")
            }
            try await store.close()
            let restored = try await openUnmerged(path)
            #expect(try await restored.destinations.entryCount() == 0)
            try await restored.apply([.accept(makeMessage(20, destination: "447700900900"))])
            restored.destinations.mergeEverything()
            #expect(try await found(restored, MessageQuery(destination: "447700900900")) == [20, 4, 2])
            try await restored.close()
        }
    }

    @Test("a v7 file upgrades: its messages are logged and found by number, and its old index is gone")
    func upgradeFromV7() async throws {
        try await withTemporaryDatabase { path in
            let store = try await upgradedStore(at: path, from: "v7: a message's changing state in a narrow row of its own") { db in
                for id in 1...4 {
                    try insertOldMessage(db, id: id, destination: id % 2 == 0 ? "447700900900" : "447700900901", state: "delivered")
                }
            }
            #expect(try await store.textRows("SELECT name FROM sqlite_master WHERE name = 'messages_by_destination'").isEmpty)
            #expect(try await logged(store) == 4)
            #expect(try await found(store, MessageQuery(destination: "447700900900")) == [4, 2])
            await store.mergeIndexes()
            #expect(try await store.destinations.entryCount() == 4)
            #expect(try await found(store, MessageQuery(destination: "447700900901")) == [3, 1])
            try await store.close()
        }
    }

    @Test("a v9 file upgrades: its logged numbers become hashes, found by number, and the old index file is removed")
    func upgradeFromV9() async throws {
        try await withTemporaryDatabase { path in
            let oldIndex = LoggedIndex.Layout.retiredDestinationsPath(besideStore: path)
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: oldIndex, contents: Data("an index made from numbers as text".utf8)))
            let store = try await upgradedStore(at: path, from: "v9: a log of upstream keys for the index in its own file") { db in
                for id in 1...4 {
                    try insertOldMessage(db, id: id, destination: id % 2 == 0 ? "447700900900" : "447700900901", state: "delivered")
                }
                // What v8's accept logged for them.
                try db.execute(sql: "INSERT INTO destination_log (message_id, number) SELECT id, destination_value FROM messages ORDER BY id")
            }
            #expect(!FileManager.default.fileExists(atPath: oldIndex))
            #expect(try await store.textRows("SELECT name FROM sqlite_master WHERE name = 'destination_log'").isEmpty)
            #expect(try await store.textRows("SELECT message_id, number_hash FROM number_log ORDER BY seq")
                    == (1...4).map { ["\($0)", "\(IndexKeyHash.number($0 % 2 == 0 ? "447700900900" : "447700900901"))"] })
            #expect(try await found(store, MessageQuery(destination: "447700900900")) == [4, 2])
            await store.mergeIndexes()
            #expect(try await found(store, MessageQuery(destination: "447700900901")) == [3, 1])
            try await store.close()
        }
    }

    @Test("a search checks each message's own number: an entry whose hash another number shares is not found")
    func hashSharedByAnotherNumber() async throws {
        try await withStore(mergesInBackground: false) { store in
            try await store.apply([.accept(makeMessage(1, destination: "447700900111"))])
            // As if "447700900222" hashed like message 1's number: an entry for 1 under its hash.
            try await store.pool.write { db in
                try db.execute(sql: "INSERT INTO number_log (message_id, number_hash) VALUES (1, ?)",
                               arguments: [IndexKeyHash.number("447700900222")])
            }
            #expect(try await found(store, MessageQuery(destination: "447700900222")).isEmpty)
            #expect(try await found(store, MessageQuery(destination: "447700900111")) == [1])
            store.destinations.mergeEverything()
            #expect(try await store.destinations.entryCount() == 2)
            #expect(try await found(store, MessageQuery(destination: "447700900222")).isEmpty)
            #expect(try await found(store, MessageQuery(destination: "447700900111")) == [1])
        }
    }

    @Test("the merger merges by itself in the background")
    func mergesInBackground() async throws {
        try await withStore { store in
            try await store.apply(tenMessages())
            // Fewer than a merge waits for: merged once they are a second old (passes every 200 ms).
            let deadline = ContinuousClock.now + .seconds(10)
            var entries = try await store.destinations.entryCount()
            while entries < 10, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                entries = try await store.destinations.entryCount()
            }
            #expect(entries == 10)
        }
    }

    @Test("the index file sits beside the store, named after it")
    func indexPath() {
        #expect(LoggedIndex.Layout.destinations.path(besideStore: "var/tern.sqlite") == "var/tern.numbers.sqlite")
        #expect(LoggedIndex.Layout.destinations.path(besideStore: "/data/sms/gateway.db") == "/data/sms/gateway.numbers.db")
        #expect(LoggedIndex.Layout.destinations.path(besideStore: "/data/store") == "/data/store.numbers")
        #expect(LoggedIndex.Layout.upstreamKeys.path(besideStore: "var/tern.sqlite") == "var/tern.upstream-keys.sqlite")
    }
}
