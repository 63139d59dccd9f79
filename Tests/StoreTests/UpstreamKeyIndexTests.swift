import Foundation
import Gateway
import GRDB
@testable import Store
import Testing

@Suite("Index by upstream message id in its own file")
struct UpstreamKeyIndexTests {
    private func submitted(_ id: Int64, via connector: String, as upstreamID: String) -> StoreWrite {
        .transition(MessageTransition(messageID: MessageID(rawValue: id), state: .submitted, connector: connector, upstreamID: upstreamID))
    }

    /// What a receipt with this id from this connector is matched to, as the gateway asks.
    private func matched(_ store: SQLiteMessageStore, _ connector: String, _ receiptID: String) async throws -> Int64? {
        try await store.message(connector: connector, upstreamIDs: UpstreamMessageID.candidates(receiptID))?.id.rawValue
    }

    /// The log's rows as (message id, connector, key), each key found by its hash among `keys`.
    private func logged(_ store: SQLiteMessageStore, keys: [(String, String)] = []) async throws -> [[String?]] {
        let named = Dictionary(keys.map { (String(IndexKeyHash.upstream(connector: $0.0, key: $0.1)), [$0.0, $0.1]) },
                               uniquingKeysWith: { first, _ in first })
        return try await store.textRows("SELECT message_id, key_hash FROM upstream_key_log ORDER BY seq").map { row in
            [row[0]] + (named[row[1] ?? ""] ?? ["hash " + (row[1] ?? "NULL")])
        }
    }

    @Test("a receipt finds its message in the log's tail, in memory, and in the index file, and across them")
    func foundWhereverItIs() async throws {
        try await withStore(mergesInBackground: false) { store in
            let index = store.upstreamKeys
            // Random-looking ids, as most SMSCs give: one in hex (kept as its decimal value).
            try await store.apply((1...4).map { .accept(makeMessage($0)) } + [
                submitted(1, via: "smsc-a", as: "9f3c2a71"), submitted(2, via: "smsc-a", as: "q-77"),
                submitted(3, via: "smsc-b", as: "q-77"), submitted(4, via: "smsc-a", as: "5"),
            ])
            let keys = [("smsc-a", "2671520369"), ("smsc-a", "q-77"), ("smsc-b", "q-77"), ("smsc-a", "5")]
            #expect(try await logged(store, keys: keys) == [["1", "smsc-a", "2671520369"], ["2", "smsc-a", "q-77"],
                                                             ["3", "smsc-b", "q-77"], ["4", "smsc-a", "5"]])
            func all() async throws -> [Int64?] {
                [try await matched(store, "smsc-a", "9F3C2A71"), try await matched(store, "smsc-a", "2671520369"),
                 try await matched(store, "smsc-a", "q-77"), try await matched(store, "smsc-b", "Q-77"),
                 try await matched(store, "smsc-a", "05"), try await matched(store, "smsc-b", "5"),
                 try await matched(store, "smsc-c", "q-77")]
            }
            let expected: [Int64?] = [1, 1, 2, 3, 4, nil, nil]
            // Only in the log: scanned past the merged position.
            #expect(index.recent.count == 0)
            #expect(try await all() == expected)

            // Read into memory: the lookup scans only past what memory read, so these are found
            // in memory or not at all.
            try index.rememberLogged()
            #expect(index.recent.count == 4)
            #expect(try await index.entryCount() == 0)
            #expect(try await all() == expected)

            // Merged: memory lets them go, the file has them.
            index.mergeEverything()
            #expect(index.recent.count == 0)
            #expect(try await index.entryCount() == 4)
            #expect(try await all() == expected)

            // Across all three: 5 in the file, 6 in memory, 7 only in the log.
            try await store.apply([.accept(makeMessage(5)), .accept(makeMessage(6)), .accept(makeMessage(7)),
                                   submitted(5, via: "smsc-a", as: "k5")])
            index.mergeEverything()
            try await store.apply([submitted(6, via: "smsc-a", as: "k6")])
            try index.rememberLogged()
            try await store.apply([submitted(7, via: "smsc-a", as: "k7")])
            #expect(index.recent.count == 1)
            #expect(try await matched(store, "smsc-a", "k5") == 5)
            #expect(try await matched(store, "smsc-a", "k6") == 6)
            #expect(try await matched(store, "smsc-a", "k7") == 7)
            #expect(try await all() == expected)
        }
    }

    @Test("only a message's current connector and id match: a message submitted again elsewhere is not found by its old id")
    func onlyCurrentKeyMatches() async throws {
        try await withStore(mergesInBackground: false) { store in
            try await store.apply([.accept(makeMessage(1)), .accept(makeMessage(2)),
                                   submitted(1, via: "smsc-a", as: "77"), submitted(2, via: "smsc-a", as: "77")])
            // The same id twice on one connector (an upstream that reuses ids): the newest.
            #expect(try await matched(store, "smsc-a", "77") == 2)
            store.upstreamKeys.mergeEverything()
            // 2 is retried through smsc-b, which gives it another id: smsc-a's 77 is 1's again.
            try await store.apply([
                .transition(MessageTransition(messageID: MessageID(rawValue: 2), state: .retrying, connector: "smsc-a")),
                submitted(2, via: "smsc-b", as: "b-1"),
            ])
            func check() async throws {
                #expect(try await matched(store, "smsc-a", "77") == 1)
                #expect(try await matched(store, "smsc-b", "b-1") == 2)
                #expect(try await matched(store, "smsc-b", "77") == nil)
            }
            try await check()
            try store.upstreamKeys.rememberLogged()
            try await check()
            store.upstreamKeys.mergeEverything()
            try await check()
            // Delivered: still found, for a receipt that comes twice.
            try await store.apply([.transition(MessageTransition(messageID: MessageID(rawValue: 2), state: .delivered))])
            #expect(try await matched(store, "smsc-b", "b-1") == 2)
        }
    }

    @Test("an id stored with the message is found before and after a later step gives the message its state row")
    func keyFromTheMessageRow() async throws {
        try await withStore(mergesInBackground: false) { store in
            var message = makeMessage(1, state: .submitted, connector: "smsc-a")
            message.upstreamID = "55"
            try await store.apply([.accept(message)])
            #expect(try await logged(store).isEmpty)
            #expect(try await matched(store, "smsc-a", "55") == 1)
            // A step off the normal path copies the row's state, key and all, into the state
            // row; from then on the key is found through the log.
            try await store.apply([.transition(MessageTransition(messageID: MessageID(rawValue: 1), state: .unknown))])
            #expect(try await logged(store, keys: [("smsc-a", "55")]) == [["1", "smsc-a", "55"]])
            #expect(try await matched(store, "smsc-a", "55") == 1)
            store.upstreamKeys.mergeEverything()
            #expect(try await matched(store, "smsc-a", "55") == 1)
        }
    }

    @Test("a receipt after a restart finds its message, merged or not; a deleted index file is made again")
    func acrossRestarts() async throws {
        try await withTemporaryDatabase { path in
            let first = try await openUnmerged(path)
            try await first.apply((1...3).map { .accept(makeMessage($0)) } + [submitted(1, via: "smsc-a", as: "r1")])
            first.upstreamKeys.mergeEverything()
            try await first.apply([submitted(2, via: "smsc-a", as: "r2")])
            try await first.close()

            let second = try await openUnmerged(path)
            #expect(try await second.upstreamKeys.entryCount() == 1)
            #expect(try await matched(second, "smsc-a", "r1") == 1)
            #expect(try await matched(second, "smsc-a", "r2") == 2)
            try await second.close()

            try removeIndex(.upstreamKeys, besideStore: path)
            let third = try await openUnmerged(path)
            #expect(try await third.upstreamKeys.entryCount() == 0)
            #expect(try await matched(third, "smsc-a", "r1") == 1)
            third.upstreamKeys.mergeEverything()
            #expect(try await third.upstreamKeys.entryCount() == 2)
            #expect(try await matched(third, "smsc-a", "r2") == 2)
            try await third.apply([submitted(3, via: "smsc-a", as: "r3")])
            #expect(try await matched(third, "smsc-a", "r3") == 3)
            try await third.close()
        }
    }

    @Test("a merge from memory writes what a merge from the log writes; what memory lacks comes from the log")
    func mergeFromMemory() async throws {
        // 1…6 submitted; 3 retried and submitted again elsewhere: eight log entries, its first
        // key twice (the retry logs the key its state row holds), seven distinct.
        let writes: [StoreWrite] = (1...6).map { .accept(makeMessage($0)) } + (1...4).map { submitted($0, via: "smsc-a", as: "m\($0)") } + [
            .transition(MessageTransition(messageID: MessageID(rawValue: 3), state: .retrying, connector: "smsc-a")),
            submitted(3, via: "smsc-b", as: "m3b"),
        ]
        let later = [submitted(5, via: "smsc-a", as: "m5"), submitted(6, via: "smsc-a", as: "m6")]
        func generation(_ store: SQLiteMessageStore) async throws -> [[String?]] {
            try await store.textRows("SELECT key_hash, message_id FROM upstream_key_index.upstream_keys_1 ORDER BY key_hash, message_id")
        }
        let fromLog = try await withStore(mergesInBackground: false) { store in
            try await store.apply(writes + later)
            #expect(store.upstreamKeys.mergeEverything() == 8)
            return try await generation(store)
        }
        let fromMemory = try await withStore(mergesInBackground: false) { store in
            try await store.apply(writes)
            try store.upstreamKeys.rememberLogged()
            // Logged after memory's last read: the merge takes memory's six, then the log's two.
            try await store.apply(later)
            #expect(store.upstreamKeys.mergeEverything() == 8)
            #expect(store.upstreamKeys.recent.count == 0)
            for (id, connector, key) in [(1, "smsc-a", "m1"), (3, "smsc-b", "m3b"), (5, "smsc-a", "m5"), (6, "smsc-a", "m6")] {
                #expect(try await matched(store, connector, key) == Int64(id))
            }
            #expect(try await matched(store, "smsc-a", "m3") == nil)
            return try await generation(store)
        }
        #expect(fromLog.count == 7)
        #expect(fromMemory == fromLog)
    }

    @Test("in the background, ids go to memory within moments and into the file within seconds")
    func mergesInBackground() async throws {
        try await withStore { store in
            try await store.apply((1...10).map { .accept(makeMessage($0)) } + (1...10).map { submitted($0, via: "smsc-a", as: "bg\($0)") })
            let deadline = ContinuousClock.now + .seconds(10)
            var entries = try await store.upstreamKeys.entryCount()
            while entries < 10, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                entries = try await store.upstreamKeys.entryCount()
            }
            #expect(entries == 10)
            #expect(store.upstreamKeys.recent.count == 0)
            #expect(try await matched(store, "smsc-a", "bg7") == 7)
        }
    }

    @Test("a v8 file upgrades: the keys its state rows hold are logged and found, and its old index is gone")
    func upgradeFromV8() async throws {
        try await withTemporaryDatabase { path in
            let store = try await upgradedStore(at: path, from: "v8: a log of destination numbers for the index in its own file") { db in
                for id in 1...3 { try insertOldMessage(db, id: id, destination: "447700900900", state: "accepted") }
                // 1 and 2 submitted; 3's state row has no key (ended from its accept).
                try db.execute(sql: """
                    INSERT INTO message_state (id, state, connector, upstream_id, upstream_key, updated_at)
                    VALUES (1, 'submitted', 'smsc-a', 'AB', '171', 100), (2, 'delivered', 'smsc-b', 'x9', 'x9', 100),
                        (3, 'rejected', NULL, NULL, NULL, 100)
                    """)
            }
            #expect(try await store.textRows("SELECT name FROM sqlite_master WHERE name = 'message_state_by_upstream_key'").isEmpty)
            #expect(try await logged(store, keys: [("smsc-a", "171"), ("smsc-b", "x9")]) == [["1", "smsc-a", "171"], ["2", "smsc-b", "x9"]])
            #expect(try await matched(store, "smsc-a", "ab") == 1)
            #expect(try await matched(store, "smsc-b", "X9") == 2)
            store.upstreamKeys.mergeEverything()
            #expect(try await store.upstreamKeys.entryCount() == 2)
            #expect(try await matched(store, "smsc-a", "171") == 1)
            try await store.close()
        }
    }

    @Test("a lookup scans only the log positions neither the file nor memory holds")
    func unrememberedRanges() {
        typealias Range = SQLiteMessageStore.LogRange
        // Memory empty, or behind the file: everything past the file.
        #expect(SQLiteMessageStore.unremembered(after: 100, floor: 0, readThrough: 0) == [Range(after: 100, through: .max)])
        #expect(SQLiteMessageStore.unremembered(after: 100, floor: 50, readThrough: 100) == [Range(after: 100, through: .max)])
        // Memory from the file's position on: only what it has not read.
        #expect(SQLiteMessageStore.unremembered(after: 100, floor: 100, readThrough: 180) == [Range(after: 180, through: .max)])
        #expect(SQLiteMessageStore.unremembered(after: 100, floor: 60, readThrough: 180) == [Range(after: 180, through: .max)])
        // A reader whose snapshot of the file is older than memory's floor: the gap too.
        #expect(SQLiteMessageStore.unremembered(after: 100, floor: 140, readThrough: 180)
                == [Range(after: 100, through: 140), Range(after: 180, through: .max)])
    }

    @Test("memory keeps ids by key, forgets them a read at a time once merged, and drops a read a merge overtook")
    func recentEntries() {
        let recent = RecentLogEntries()
        let a: Int64 = -7, b: Int64 = 42
        recent.append([.init(seq: 1, messageID: 10, key: a), .init(seq: 2, messageID: 11, key: b),
                       .init(seq: 3, messageID: 12, key: a)], after: 0)
        recent.append([.init(seq: 4, messageID: 13, key: a)], after: 3)
        var found = recent.lookup([a, b, 99])
        #expect(found.ids.map { Set($0) } == [[10, 12, 13], [11], []])
        #expect(found.floor == 0 && found.readThrough == 4 && recent.count == 4)

        // Merged through 2: the first read reaches past it and stays whole.
        recent.forget(through: 2)
        found = recent.lookup([a, b])
        #expect(found.ids.map { Set($0) } == [[10, 12, 13], [11]])
        #expect(found.floor == 2 && found.readThrough == 4)
        recent.forget(through: 3)
        found = recent.lookup([a, b])
        #expect(found.ids == [[13], []])
        #expect(found.floor == 3 && recent.count == 1)

        // Read from 4 while a merge went to 6: stale, dropped; the next read starts at 6.
        recent.forget(through: 6)
        recent.append([.init(seq: 5, messageID: 14, key: a)], after: 4)
        found = recent.lookup([a, b])
        #expect(found.ids == [[], []])
        #expect(found.floor == 6 && found.readThrough == 6 && recent.count == 0)

        // The same id logged twice (a step off the normal path logs the key again): once.
        recent.append([.init(seq: 7, messageID: 15, key: b), .init(seq: 8, messageID: 15, key: b)], after: 6)
        recent.append([.init(seq: 9, messageID: 15, key: b)], after: 8)
        #expect(recent.lookup([b]).ids == [[15]])
    }

    @Test("a key's hash is the same from the writer's bytes, from text and from SQL, and keeps connector and key apart")
    func keyHash() async throws {
        let fromText = IndexKeyHash.upstream(connector: "smsc-a", key: "8010")
        // The writer hashes the stored form of what the upstream sent: hex 1F4A is kept as 8010.
        #expect(UpstreamKey.withCanonical("1F4A") { IndexKeyHash.upstream(connector: "smsc-a", key: $0) } == fromText)
        #expect(UpstreamKey.withCanonical("0008010") { IndexKeyHash.upstream(connector: "smsc-a", key: $0) } == fromText)
        #expect(UpstreamKey.withCanonical(" Q-77 ") { IndexKeyHash.upstream(connector: "smsc-a", key: $0) }
                == IndexKeyHash.upstream(connector: "smsc-a", key: "q-77"))
        #expect(IndexKeyHash.upstream(connector: "ab", key: "c") != IndexKeyHash.upstream(connector: "a", key: "bc"))
        #expect(IndexKeyHash.upstream(connector: "smsc-b", key: "8010") != fromText)
        try await withStore(mergesInBackground: false) { store in
            let rows = try await store.textRows("SELECT tern_upstream_key_hash('smsc-a', '8010'), tern_upstream_key_hash(NULL, '8010')")
            #expect(rows == [[String(fromText), nil]])
        }
    }
}
