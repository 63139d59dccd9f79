import Foundation
import Gateway
import GRDB
#if canImport(GRDBSQLite)
import GRDBSQLite
#elseif canImport(SQLite3)
import SQLite3
#endif
@testable import Store
import Testing

@Suite("SQLite message store")
struct SQLiteMessageStoreTests {
    @Test("a message with every field set reads back equal")
    func roundTripFull() async throws {
        try await withStore { store in
            let message = Message(
                id: MessageID(rawValue: 1 << 40 | 7), accountID: 42, systemID: "acme", serviceType: "CMT",
                source: WireAddress(ton: 5, npi: 9, value: "ACME"), destination: WireAddress(ton: 1, npi: 1, value: "447700900123"),
                esmClass: 0x40, protocolID: 0x7F, priority: 3, registeredDelivery: 0x11, dataCoding: 8,
                shortMessage: [0x05, 0x00, 0x03, 0x2A, 0x02, 0x01, 0x00, 0x48, 0x00, 0x00, 0xFF],
                tlvs: [0x04, 0x24, 0x00, 0x02, 0xAB, 0xCD],
                concatenation: Concatenation(reference: 42, total: 2, sequence: 1),
                receivedAt: time(0), scheduledAt: time(60), expiresAt: time(86_400),
                state: .routed, connector: "smsc-a", upstreamID: "0A1B", attempts: 2, errorCode: 0x58)
            try await store.apply([.accept(message)])
            #expect(try await store.message(message.id) == message)
            #expect(try await store.message(MessageID(rawValue: 999)) == nil)
        }
    }

    /// The statistics take a process-wide mutex for every SQLite allocation. Only the first use
    /// of SQLite in a process can turn them off, and in this test process that may have been
    /// another test's: either way, what the store says of them must be what SQLite does.
    @Test("memory statistics are off whenever the store says so, and then SQLite counts nothing")
    func memoryStatistics() async throws {
        try await withStore { store in
            try await store.apply([.accept(Message(id: MessageID(rawValue: 9), accountID: 1, systemID: "acme",
                                                   source: WireAddress(value: "ACME"), destination: WireAddress(value: "447700900123"),
                                                   shortMessage: Array("hello".utf8), receivedAt: time(0)))])
            #expect(SQLiteMessageStore.memoryStatisticsOff == (sqlite3_memory_used() == 0))
        }
    }

    @Test("a message with every optional nil and empty byte strings reads back equal")
    func roundTripMinimal() async throws {
        try await withStore { store in
            let message = Message(
                id: MessageID(rawValue: 5), accountID: 1, systemID: "", source: WireAddress(value: ""),
                destination: WireAddress(value: "1"), shortMessage: [], receivedAt: time(0))
            try await store.apply([.accept(message)])
            #expect(try await store.message(message.id) == message)
            let timeline = try await store.events(of: message.id)
            #expect(timeline == [MessageEvent(messageID: message.id, at: time(0), state: .accepted)])
        }
    }

    @Test("transitions update the row and build the timeline in order")
    func transitionsAndTimeline() async throws {
        try await withStore { store in
            let id = MessageID(rawValue: 10)
            try await store.apply(accept(makeMessage(10)))
            let steps = [
                MessageTransition(messageID: id, at: time(1), state: .routed, connector: "smsc-a"),
                MessageTransition(messageID: id, at: time(2), state: .retrying, connector: "smsc-a", errorCode: 0x58, detail: "throttled"),
                MessageTransition(messageID: id, at: time(3), state: .retrying, connector: "smsc-b", errorCode: 0x14, detail: "queue full"),
                MessageTransition(messageID: id, at: time(4), state: .submitted, connector: "smsc-b", upstreamID: "00FF"),
                MessageTransition(messageID: id, at: time(5), state: .delivered, errorCode: 0),
            ]
            try await store.apply(steps.map(StoreWrite.transition))

            let message = try #require(try await store.message(id))
            #expect(message.state == .delivered)
            #expect(message.connector == "smsc-b")
            #expect(message.upstreamID == "00FF")
            #expect(message.attempts == 2)
            #expect(message.errorCode == 0)

            let timeline = try await store.events(of: id)
            #expect(timeline.map(\.state) == [.accepted, .routed, .retrying, .retrying, .submitted, .delivered])
            #expect(Array(timeline.dropFirst()) == steps)
        }
    }

    @Test("replace_sm changes text, validity, schedule and receipt request, and keeps what is nil")
    func replace() async throws {
        try await withStore { store in
            let id = MessageID(rawValue: 11)
            var original = makeMessage(11)
            original.expiresAt = time(100)
            try await store.apply(accept(original) + [
                .transition(MessageTransition(messageID: id, at: time(1), state: .routed, connector: "smsc-a")),
                .replace(id, shortMessage: Array("new text".utf8), expiresAt: nil, scheduledAt: time(30), registeredDelivery: nil),
            ])
            let replaced = try #require(try await store.message(id))
            #expect(replaced.shortMessage == Array("new text".utf8))
            #expect(replaced.expiresAt == time(100))
            #expect(replaced.scheduledAt == time(30))
            #expect(replaced.registeredDelivery == original.registeredDelivery)

            try await store.apply([.replace(id, shortMessage: [1], expiresAt: time(200), scheduledAt: nil, registeredDelivery: 0)])
            let again = try #require(try await store.message(id))
            #expect(again.expiresAt == time(200))
            #expect(again.scheduledAt == time(30))
            #expect(again.registeredDelivery == 0)

            let timeline = try await store.events(of: id)
            #expect(timeline.map(\.state) == [.accepted, .routed, .routed, .routed])
            #expect(timeline.map(\.detail) == [nil, nil, "replace_sm", "replace_sm"])
        }
    }

    @Test("writes about an unknown message are skipped without failing the batch")
    func unknownMessage() async throws {
        try await withStore { store in
            let ghost = MessageID(rawValue: 404)
            try await store.apply([
                .transition(MessageTransition(messageID: ghost, state: .routed, connector: "smsc-a")),
                .replace(ghost, shortMessage: [1], expiresAt: nil, scheduledAt: nil, registeredDelivery: nil),
                .accept(makeMessage(12)),
            ])
            #expect(try await store.events(of: ghost).isEmpty)
            #expect(try await store.message(MessageID(rawValue: 12)) != nil)
        }
    }

    @Test("a receipt finds its message whether the upstream writes the id in hex or decimal, padded or not")
    func upstreamLookup() async throws {
        try await withStore { store in
            let submissions: [(Int64, String, String)] = [
                (1, "smsc-a", "1F4A"),                // hex in submit_sm_resp, stored as 8010
                (2, "smsc-a", "000123"),              // padded decimal, stored as 123
                (3, "smsc-a", "ABCDEF0123456789AB"),  // too long for 64 bits: kept as text, lower-cased
                (4, "smsc-b", "1F4A"),                // same upstream id on another connector
            ]
            for (id, connector, upstreamID) in submissions {
                try await store.apply(accept(makeMessage(id)) + [
                    .transition(MessageTransition(messageID: MessageID(rawValue: id), state: .submitted, connector: connector, upstreamID: upstreamID)),
                ])
            }
            func lookup(_ connector: String, _ receiptID: String) async throws -> Int64? {
                try await store.message(connector: connector, upstreamIDs: UpstreamMessageID.candidates(receiptID))?.id.rawValue
            }
            #expect(try await lookup("smsc-a", "8010") == 1)
            #expect(try await lookup("smsc-a", "1f4a") == 1)
            #expect(try await lookup("smsc-a", "00001F4A") == 1)
            #expect(try await lookup("smsc-a", "123") == 2)
            #expect(try await lookup("smsc-a", "0000000123") == 2)
            #expect(try await lookup("smsc-a", "7B") == 2)
            #expect(try await lookup("smsc-a", "abcdef0123456789ab") == 3)
            #expect(try await lookup("smsc-b", "8010") == 4)
            #expect(try await lookup("smsc-c", "8010") == nil)
            #expect(try await lookup("smsc-a", "999") == nil)
            #expect(try await store.message(connector: "smsc-a", upstreamIDs: []) == nil)
        }
    }

    @Test("recovery queries return unfinished messages oldest first, within the limit")
    func awaitingQueries() async throws {
        try await withStore { store in
            let states: [(Int64, MessageLifecycle, String?)] = [
                (1, .accepted, nil), (2, .routed, "smsc-a"), (3, .retrying, "smsc-a"), (4, .submitted, "smsc-a"),
                (5, .delivered, "smsc-a"), (6, .submitted, "smsc-b"), (7, .acceptedUpstream, "smsc-a"),
                (8, .unknown, "smsc-a"), (9, .rejected, nil), (10, .accepted, nil),
            ]
            var writes: [StoreWrite] = []
            for (id, state, connector) in states.reversed() {
                writes.append(.accept(makeMessage(id)))
                if state != .accepted {
                    writes.append(.transition(MessageTransition(messageID: MessageID(rawValue: id), state: state, connector: connector)))
                }
            }
            try await store.apply(writes)

            #expect(try await store.messagesAwaitingDispatch(limit: 100).map(\.id.rawValue) == [1, 2, 3, 10])
            #expect(try await store.messagesAwaitingDispatch(limit: 2).map(\.id.rawValue) == [1, 2])
            #expect(try await store.messagesAwaitingDispatch(limit: 0).isEmpty)
            #expect(try await store.messagesAwaitingReceipt(connector: "smsc-a", limit: 100).map(\.id.rawValue) == [4, 7, 8])
            #expect(try await store.messagesAwaitingReceipt(connector: "smsc-a", limit: 1).map(\.id.rawValue) == [4])
            #expect(try await store.messagesAwaitingReceipt(connector: "smsc-b", limit: 100).map(\.id.rawValue) == [6])
        }
    }

    @Test("recovery and correlation queries use their indexes, not a table scan")
    func queryPlans() async throws {
        try await withStore { store in
            // Recovery reads only the open messages, in id order, and each one's rows by key.
            let recovery: [(String, StatementArguments)] = [(SQLiteMessageStore.awaitingDispatchSQL, [10]),
                                                            (SQLiteMessageStore.awaitingReceiptSQL, ["smsc-a", 10])]
            for (sql, arguments) in recovery {
                let plan = try await store.queryPlan(sql, arguments: arguments).joined(separator: " | ")
                #expect(plan.contains("open_messages"), "\(plan)")
                #expect(!plan.contains("SCAN m") && !plan.contains("SCAN s"), "\(plan)")
                #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
            }
            // By upstream key: the log's tail by rowid range, a generation by its key in key
            // order (no sort), each candidate's state row by id.
            let logTail = try await store.queryPlan(SQLiteMessageStore.upstreamKeyLogSQL, arguments: [0, Int64.max, 42])
            #expect(logTail.contains { $0.contains("SEARCH upstream_key_log USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)") }, "\(logTail)")
            let generation = try await store.queryPlan(
                SQLiteMessageStore.upstreamKeyGenerationSQL("upstream_key_index." + LoggedIndex.Layout.upstreamKeys.generationTable(1)),
                arguments: [42, 0])
            #expect(generation.contains { $0.contains("USING PRIMARY KEY (key_hash=? AND message_id>?)") }, "\(generation)")
            #expect(!generation.contains { $0.contains("SCAN") || $0.contains("TEMP B-TREE") }, "\(generation)")
            let held = try await store.queryPlan(SQLiteMessageStore.upstreamKeyHeldSQL, arguments: [1, "smsc-a", "123"])
            #expect(held.contains { $0.contains("USING INTEGER PRIMARY KEY (rowid=?)") }, "\(held)")
            let byMessage = try await store.queryPlan(SQLiteMessageStore.correlationByMessageSQL, arguments: ["smsc-a", "123"])
            #expect(byMessage.contains { $0.contains("messages_by_upstream_key") }, "\(byMessage)")
            #expect(!byMessage.contains { $0.contains("SCAN") }, "\(byMessage)")
        }
    }

    @Test("every way a message ends takes it out of recovery; a step after an end written as an event puts it back")
    func unfinishedFollowsEveryPath() async throws {
        try await withStore { store in
            func id(_ raw: Int64) -> MessageID { MessageID(rawValue: raw) }
            // 33 arrives unrouted, so nothing but the new condition keeps its late routed off the row
            // columns; 36 is accepted already ended (as a refused long-message part can be).
            try await store.apply([31, 32, 34, 35].map { .accept(makeMessage($0, state: .routed, connector: "smsc-a")) }
                                  + [.accept(makeMessage(33)), .accept(makeMessage(36, state: .rejected))])
            let submitted = { (raw: Int64) in
                StoreWrite.transition(MessageTransition(messageID: id(raw), state: .submitted, connector: "smsc-a", upstreamID: "\(raw)"))
            }
            let delivered = { (raw: Int64) in
                StoreWrite.transition(MessageTransition(messageID: id(raw), state: .delivered, errorCode: 0, detail: "receipt"))
            }
            // 31: a receipt on its own (row columns); 32: submit and receipt in one batch;
            // 33: rejected by the dispatcher (an event row); 34 waits for its receipt; 35 waits to be sent.
            try await store.apply([submitted(31), submitted(34)])
            try await store.apply([delivered(31), submitted(32), delivered(32),
                                   .transition(MessageTransition(messageID: id(33), state: .rejected, connector: "smsc-a",
                                                                 errorCode: 0x45, detail: "smsc-a: refused"))])
            #expect(try await store.messagesAwaitingDispatch(limit: 100).map(\.id.rawValue) == [35])
            #expect(try await store.messagesAwaitingReceipt(connector: "smsc-a", limit: 100).map(\.id.rawValue) == [34])
            #expect(try await store.unfinishedCount() == 2)

            // A routed after 33's rejection would once have been a row column that left the
            // message out of recovery; it is an event now, and the message is unfinished again.
            try await store.apply([.transition(MessageTransition(messageID: id(33), state: .routed, connector: "smsc-b"))])
            #expect(try await store.messagesAwaitingDispatch(limit: 100).map(\.id.rawValue) == [33, 35])
            #expect(try await store.unfinishedCount() == 3)
            #expect(try await store.eventRowCount(of: id(33)) == 2)
            #expect(try await store.events(of: id(33)).map(\.state) == [.accepted, .rejected, .routed])
        }
    }

    @Test("the normal path writes the message row once; every later step rewrites only its state row")
    func normalPathLeavesTheMessageRow() async throws {
        try await withStore { store in
            func id(_ raw: Int64) -> MessageID { MessageID(rawValue: raw) }
            try await store.apply([.accept(makeMessage(41, state: .routed, connector: "smsc-a"))])
            #expect(try await store.textRows("SELECT COUNT(*) FROM message_state") == [["0"]])
            try await store.apply([.transition(MessageTransition(messageID: id(41), state: .submitted, connector: "smsc-a", upstreamID: "0x2A"))])
            try await store.apply([.transition(MessageTransition(messageID: id(41), state: .delivered, errorCode: 0, detail: "receipt"))])

            let stored = try #require(try await store.message(id(41)))
            #expect(stored.state == .delivered)
            #expect(stored.upstreamID == "0x2A")
            #expect(try await store.events(of: id(41)).map(\.state) == [.accepted, .routed, .submitted, .delivered])
            #expect(try await store.eventRowCount(of: id(41)) == 0)
            // The message row is still as the accept wrote it.
            #expect(try await store.textRows("""
                SELECT state, upstream_id, submitted_at, done_at, unfinished FROM messages WHERE id = 41
                """) == [["routed", nil, nil, nil, nil]])
            #expect(try await store.textRows("SELECT state, upstream_key FROM message_state WHERE id = 41") == [["delivered", "0x2a"]])

            // The same when the receipt comes in the submit's own batch.
            try await store.apply([.accept(makeMessage(42, state: .routed, connector: "smsc-a"))])
            try await store.apply([
                .transition(MessageTransition(messageID: id(42), state: .submitted, connector: "smsc-a", upstreamID: "77")),
                .transition(MessageTransition(messageID: id(42), state: .undeliverable, errorCode: 11, detail: "receipt")),
            ])
            let ended = try #require(try await store.message(id(42)))
            #expect((ended.state, ended.connector, ended.upstreamID, ended.errorCode) == (.undeliverable, "smsc-a", "77", 11))
            #expect(try await store.events(of: id(42)).map(\.state) == [.accepted, .routed, .submitted, .undeliverable])
            #expect(try await store.message(connector: "smsc-a", upstreamIDs: ["77"])?.id == id(42))
            #expect(try await store.textRows("SELECT state, submitted_at, done_at FROM messages WHERE id = 42") == [["routed", nil, nil]])
            #expect(try await store.unfinishedCount() == 0)

            // A message stored with its upstream id (the key in its own row) is still found by
            // it once its end made its state row; a submit that names no connector keeps the
            // message's, and its key is found with it.
            var known = makeMessage(43, state: .acceptedUpstream, connector: "smsc-a")
            known.upstreamID = "55"
            try await store.apply([.accept(known), .accept(makeMessage(44, state: .routed, connector: "smsc-b"))])
            try await store.apply([
                .transition(MessageTransition(messageID: id(43), state: .delivered, errorCode: 0, detail: "receipt")),
                .transition(MessageTransition(messageID: id(44), state: .submitted, upstreamID: "66")),
            ])
            #expect(try await store.message(connector: "smsc-a", upstreamIDs: ["55"])?.id == id(43))
            #expect(try await store.message(connector: "smsc-b", upstreamIDs: ["66"])?.id == id(44))
            #expect(try await store.events(of: id(44)).map(\.state) == [.accepted, .routed, .submitted])
        }
    }

    @Test("a v6 file upgrades: open messages, receipts by upstream id and timelines carry over")
    func upgradeFromV6() async throws {
        try await withTemporaryDatabase { path in
            let store = try await upgradedStore(at: path, from: "v6: unfinished messages by a flag the normal path sets twice") { db in
                // 1 waits to be sent, 2 and 4 wait for receipts, 3 was delivered.
                for (id, state, upstreamKey, unfinished) in [(1, "routed", nil, 1), (2, "submitted", "77", 1),
                                                             (3, "delivered", "78", nil), (4, "submitted", "79", 1)] as [(Int, String, String?, Int?)] {
                    try db.execute(sql: """
                        INSERT INTO messages (id, account_id, system_id, service_type, source_ton, source_npi, source_value,
                            destination_ton, destination_npi, destination_value, esm_class, protocol_id, priority,
                            registered_delivery, data_coding, received_at, state, connector, upstream_id, upstream_key,
                            attempts, updated_at, routed_at, routed_connector, submitted_at, submitted_connector,
                            submitted_upstream_id, done_at, done_kind, unfinished)
                        VALUES (?1, 1, 'c', '', 0, 0, 'T', 1, 1, '1', 0, 0, 0, 0, 0, 100, ?2, 'smsc-a', ?3, ?3, 0, 101,
                            100, 'smsc-a', CASE WHEN ?3 IS NULL THEN NULL ELSE 101 END, CASE WHEN ?3 IS NULL THEN NULL ELSE 'smsc-a' END,
                            ?3, CASE WHEN ?2 = 'delivered' THEN 102 END, CASE WHEN ?2 = 'delivered' THEN 1 END, ?4)
                        """, arguments: [id, state, upstreamKey, unfinished])
                }
            }
            func id(_ raw: Int64) -> MessageID { MessageID(rawValue: raw) }
            #expect(try await store.unfinishedCount() == 3)
            #expect(try await store.messagesAwaitingDispatch(limit: 100).map(\.id.rawValue) == [1])
            #expect(try await store.messagesAwaitingReceipt(connector: "smsc-a", limit: 100).map(\.id.rawValue) == [2, 4])
            // Found by the key in their message rows, which is all they have.
            #expect(try await store.message(connector: "smsc-a", upstreamIDs: ["77"])?.id == id(2))
            #expect(try await store.message(connector: "smsc-a", upstreamIDs: ["78"])?.id == id(3))

            // 2's receipt ends it like a new message's; 4 is sent again elsewhere, so its old key
            // in the message row no longer names it.
            try await store.apply([
                .transition(MessageTransition(messageID: id(2), state: .delivered, errorCode: 0, detail: "receipt")),
                .transition(MessageTransition(messageID: id(4), state: .retrying, errorCode: 0x58, detail: "throttled")),
                .transition(MessageTransition(messageID: id(4), state: .submitted, connector: "smsc-b", upstreamID: "90")),
            ])
            #expect(try await store.message(id(2))?.state == .delivered)
            #expect(try await store.events(of: id(2)).map(\.state) == [.accepted, .routed, .submitted, .delivered])
            #expect(try await store.message(connector: "smsc-a", upstreamIDs: ["77"])?.id == id(2))
            #expect(try await store.message(connector: "smsc-a", upstreamIDs: ["79"]) == nil)
            #expect(try await store.message(connector: "smsc-b", upstreamIDs: ["90"])?.id == id(4))
            #expect(try await store.message(id(4))?.attempts == 1)
            #expect(try await store.messagesAwaitingReceipt(connector: "smsc-b", limit: 100).map(\.id.rawValue) == [4])
            #expect(try await store.unfinishedCount() == 2)
            try await store.close()
        }
    }

    @Test("a v5 file's unfinished messages are found by recovery after the upgrade")
    func upgradeFromV5() async throws {
        try await withTemporaryDatabase { path in
            let store = try await upgradedStore(at: path, from: "v5: roles, credit and ledger, tokens, audit, campaigns, usage") { db in
                for (id, state) in [(1, "routed"), (2, "submitted"), (3, "delivered"), (4, "retrying"), (5, "rejected")] {
                    try db.execute(sql: """
                        INSERT INTO messages (id, account_id, system_id, service_type, source_ton, source_npi, source_value,
                            destination_ton, destination_npi, destination_value, esm_class, protocol_id, priority,
                            registered_delivery, data_coding, received_at, state, connector, attempts, updated_at)
                        VALUES (?, 1, 'c', '', 0, 0, 'T', 1, 1, '1', 0, 0, 0, 0, 0, 100, ?, 'smsc-a', 0, 101)
                        """, arguments: [id, state])
                }
            }
            #expect(try await store.messagesAwaitingDispatch(limit: 100).map(\.id.rawValue) == [1, 4])
            #expect(try await store.messagesAwaitingReceipt(connector: "smsc-a", limit: 100).map(\.id.rawValue) == [2])
            // The upgraded rows end like new ones.
            try await store.apply([.transition(MessageTransition(messageID: MessageID(rawValue: 2), state: .delivered, detail: "receipt"))])
            #expect(try await store.messagesAwaitingReceipt(connector: "smsc-a", limit: 100).isEmpty)
            try await store.close()
        }
    }

    @Test("the open-state index predicate names exactly the states that are not final")
    func openPredicateMatchesLifecycle() {
        for state in MessageLifecycle.allCases {
            #expect(SQLiteMessageStore.openStatePredicate.contains("'\(state.rawValue)'") == !state.isFinal, "\(state)")
        }
    }

    @Test("pending receipts are listed per account in id order, replaced by id and removed")
    func pendingReceipts() async throws {
        try await withStore { store in
            func receipt(_ id: Int64, account: Int64, state: MessageLifecycle = .delivered, error: Int = 0) -> PendingReceipt {
                PendingReceipt(messageID: MessageID(rawValue: id), accountID: account, state: state, errorCode: error,
                               doneAt: time(Double(id)), expiresAt: time(3600))
            }
            try await store.apply([
                .queueReceipt(receipt(30, account: 1)), .queueReceipt(receipt(10, account: 1)),
                .queueReceipt(receipt(20, account: 1, state: .undeliverable, error: 11)), .queueReceipt(receipt(40, account: 2)),
            ])
            #expect(try await store.pendingReceiptCount(accountID: 1) == 3)
            #expect(try await store.pendingReceiptCount(accountID: 2) == 1)
            #expect(try await store.pendingReceiptCount(accountID: 3) == 0)
            #expect(try await store.pendingReceipts(accountID: 1, limit: 10)
                == [receipt(10, account: 1), receipt(20, account: 1, state: .undeliverable, error: 11), receipt(30, account: 1)])
            #expect(try await store.pendingReceipts(accountID: 1, limit: 1) == [receipt(10, account: 1)])

            try await store.apply([.queueReceipt(receipt(10, account: 1, state: .expired, error: 1))])
            #expect(try await store.pendingReceiptCount(accountID: 1) == 3)
            #expect(try await store.pendingReceipts(accountID: 1, limit: 1) == [receipt(10, account: 1, state: .expired, error: 1)])

            try await store.apply([.removeReceipt(MessageID(rawValue: 10)), .removeReceipt(MessageID(rawValue: 20)),
                                   .removeReceipt(MessageID(rawValue: 999))])
            #expect(try await store.pendingReceipts(accountID: 1, limit: 10) == [receipt(30, account: 1)])
        }
    }

    @Test("accounts: insert, read, update, duplicates, remove")
    func accounts() async throws {
        try await withStore { store in
            let networks = try [#require(IPNetwork("10.0.0.0/8")), #require(IPNetwork("2001:db8::/32")), #require(IPNetwork("192.0.2.7"))]
            let acme = Account(
                systemID: "acme", passwordHash: PasswordHash(encoded: "pbkdf2-sha256$1$00$00"), enabled: false, maxBinds: 2,
                throughput: 100, allowedNetworks: networks, receipts: ReceiptPreferences(keepSeconds: 60, enabled: false),
                resellerID: 7, policy: "plugins/acme.lua")
            let inserted = try await store.insertAccount(acme)
            let id = try #require(inserted.id)
            var expected = acme
            expected.id = id
            #expect(inserted == expected)
            #expect(try await store.account(systemID: "acme") == expected)
            #expect(try await store.account(id: id) == expected)
            #expect(try await store.account(systemID: "ACME") == nil)

            let plain = try await store.insertAccount(Account(systemID: "plain", passwordHash: PasswordHash(encoded: "x")))
            #expect(plain.id != nil && plain.id != id)
            #expect(try await store.account(systemID: "plain") == plain)
            #expect(try await store.accounts() == [expected, plain])

            await #expect(throws: StoreError.duplicateAccount("acme")) {
                _ = try await store.insertAccount(Account(systemID: "acme", passwordHash: PasswordHash(encoded: "y")))
            }

            var changed = expected
            changed.enabled = true
            changed.throughput = nil
            changed.allowedNetworks = []
            changed.resellerID = nil
            changed.policy = nil
            try await store.updateAccount(changed)
            #expect(try await store.account(id: id) == changed)

            var renamedOntoOther = plain
            renamedOntoOther.systemID = "acme"
            await #expect(throws: StoreError.duplicateAccount("acme")) { try await store.updateAccount(renamedOntoOther) }

            var missing = plain
            missing.id = 9_999
            await #expect(throws: StoreError.accountNotFound("plain")) { try await store.updateAccount(missing) }
            missing.id = nil
            await #expect(throws: StoreError.accountNotFound("plain")) { try await store.updateAccount(missing) }

            #expect(try await store.removeAccount(systemID: "acme"))
            #expect(try await !store.removeAccount(systemID: "acme"))
            #expect(try await store.accounts() == [plain])
        }
    }

    @Test("10,000 accepts in one batch")
    func largeBatch() async throws {
        try await withStore { store in
            let messages = (1...10_000).map { makeMessage(Int64($0) << 22, destination: "4477009\($0)") }
            try await store.apply(messages.map(StoreWrite.accept))
            let pending = try await store.messagesAwaitingDispatch(limit: 20_000)
            #expect(pending.count == 10_000)
            #expect(pending.first == messages.first)
            #expect(pending.last == messages.last)
            #expect(try await store.events(of: messages[5_000].id).count == 1)
        }
    }

    @Test("accepts written many to a statement: every length of run is stored whole and open, and a step about one still waiting in the batch finds it",
          arguments: [1, 3, 4, 5, 15, 16, 17, 21, 37])
    func acceptsManyToAStatement(_ count: Int) async throws {
        try await withStore { store in
            var messages: [Message] = []
            var writes: [StoreWrite] = []
            let submittedID = MessageID(rawValue: Int64((count + 1) / 2) << 22)
            for index in 1...count {
                var message = makeMessage(Int64(index) << 22, destination: "4477009\(index)")
                // Both plain kinds wait to be written: routed on arrival, and accepted bare.
                if index.isMultiple(of: 2) {
                    message.state = .routed
                    message.connector = "smsc-a"
                }
                messages.append(message)
                writes.append(.accept(message))
                // A step about a message accepted earlier in this batch, whose row may still wait.
                if message.id == submittedID {
                    writes.append(.transition(MessageTransition(messageID: submittedID, at: time(7), state: .submitted,
                                                                connector: "smsc-a", upstreamID: "77")))
                }
            }
            // One that arrives with more than its row (an event) writes those before it first;
            // last but one, after the step above.
            var carried = makeMessage(Int64(count + 1) << 22)
            carried.state = .routed
            carried.connector = "smsc-b"
            carried.errorCode = 0x58
            messages.append(carried)
            writes.insert(.accept(carried), at: writes.count - 1)

            try await store.apply(writes)
            for message in messages where message.id != submittedID {
                #expect(try await store.message(message.id) == message)
            }
            let submitted = try #require(try await store.message(submittedID))
            #expect(submitted.state == .submitted)
            #expect(submitted.upstreamID == "77")
            #expect(try await store.message(connector: "smsc-a", upstreamIDs: ["77"])?.id == submittedID)
            #expect(try await store.events(of: carried.id).map(\.state) == [.accepted, .routed])
            // Open: every one of them is still to be sent, or awaits its receipt.
            let awaiting = try await store.messagesAwaitingDispatch(limit: 100)
            #expect(awaiting.map(\.id) == messages.map(\.id).filter { $0 != submittedID }.sorted { $0.rawValue < $1.rawValue })
            #expect(try await store.messagesAwaitingReceipt(connector: "smsc-a", limit: 10).map(\.id) == [submittedID])
        }
    }

    @Test("a batch of submitted steps: each message ends up submitted, a later step about one follows it, and a message past its accept or missing is handled on its own",
          arguments: [1, 4, 5, 16, 17, 21, 37])
    func batchOfSubmits(_ count: Int) async throws {
        try await withStore { store in
            let messages = (1...count).map { index in
                var message = makeMessage(Int64(index) << 22, destination: "4477009\(index)")
                message.state = .routed
                message.connector = "smsc-a"
                return message
            }
            try await store.apply(messages.map(StoreWrite.accept))
            // One message already past its accept (a retry): its state row exists.
            let retried = messages[count / 2].id
            try await store.apply([.transition(MessageTransition(messageID: retried, at: time(5), state: .retrying,
                                                                 connector: "smsc-a", errorCode: 0x58, detail: "throttled"))])
            let unknown = MessageID(rawValue: 999 << 22)
            let later = messages[0].id
            var writes: [StoreWrite] = []
            for (index, message) in messages.enumerated() {
                writes.append(.transition(MessageTransition(messageID: message.id, at: time(10), state: .submitted,
                                                            connector: "smsc-a", upstreamID: "\(9000 + index)")))
                if index == count / 3 {
                    writes.append(.transition(MessageTransition(messageID: unknown, at: time(10), state: .submitted,
                                                                connector: "smsc-a", upstreamID: "1")))
                }
            }
            // A step about a message submitted earlier in the same batch.
            writes.append(.transition(MessageTransition(messageID: later, at: time(11), state: .retrying,
                                                        connector: "smsc-a", errorCode: 0x14, detail: "queue full")))
            try await store.apply(writes)

            for (index, message) in messages.enumerated() {
                let stored = try #require(try await store.message(message.id))
                #expect(stored.state == (message.id == later ? .retrying : .submitted))
                #expect(stored.upstreamID == "\(9000 + index)")
                #expect(try await store.message(connector: "smsc-a", upstreamIDs: ["\(9000 + index)"])?.id == message.id)
            }
            #expect(try await store.message(unknown) == nil)
            // With one message, the retried one and the later one are the same.
            if count > 1 {
                #expect(try await store.message(retried)?.attempts == 1)
                #expect(try await store.events(of: later).map(\.state) == [.accepted, .routed, .submitted, .retrying])
                #expect(try await store.events(of: retried).map(\.state) == [.accepted, .routed, .retrying, .submitted])
            }
        }
    }

    @Test("a batch with a failing write leaves nothing of itself behind")
    func atomicBatch() async throws {
        try await withStore { store in
            let first = makeMessage(1)
            try await store.apply([.accept(first)])
            let second = makeMessage(2)
            await #expect(throws: (any Error).self) {
                try await store.apply([
                    .accept(second),
                    .transition(MessageTransition(messageID: first.id, state: .routed, connector: "smsc-a")),
                    .queueReceipt(PendingReceipt(messageID: first.id, accountID: 1, state: .delivered, errorCode: 0,
                                                 doneAt: time(0), expiresAt: time(1))),
                    .accept(first),  // duplicate primary key
                ])
            }
            #expect(try await store.message(second.id) == nil)
            #expect(try await store.events(of: second.id).isEmpty)
            #expect(try await store.message(first.id) == first)
            #expect(try await store.events(of: first.id).count == 1)
            #expect(try await store.pendingReceiptCount(accountID: 1) == 0)

            // The store is still usable after the rollback.
            try await store.apply([.accept(second)])
            #expect(try await store.message(second.id) == second)
        }
    }

    @Test("closing and reopening the file keeps messages, timelines, receipts and accounts")
    func reopen() async throws {
        try await withTemporaryDatabase { path in
            let message = makeMessage(77)
            let receipt = PendingReceipt(messageID: message.id, accountID: 1, state: .delivered, errorCode: 0,
                                         doneAt: time(5), expiresAt: time(500))
            let first = try SQLiteMessageStore(path: path)
            try await first.migrate()
            let account = try await first.insertAccount(Account(systemID: "acme", passwordHash: PasswordHash(encoded: "h")))
            try await first.apply([
                .accept(message),
                .transition(MessageTransition(messageID: message.id, at: time(1), state: .submitted, connector: "smsc-a", upstreamID: "abc")),
                .queueReceipt(receipt),
            ])
            try await first.close()

            let second = try SQLiteMessageStore(path: path)
            try await second.migrate()  // already current: must be a no-op
            let stored = try #require(try await second.message(message.id))
            #expect(stored.state == .submitted)
            #expect(try await second.events(of: message.id).count == 2)
            #expect(try await second.pendingReceipts(accountID: 1, limit: 10) == [receipt])
            #expect(try await second.account(systemID: "acme") == account)
            #expect(try await second.message(connector: "smsc-a", upstreamIDs: UpstreamMessageID.candidates("ABC"))?.id == message.id)
            try await second.close()
        }
    }

    @Test("a second store on the same file sees committed batches while the first is still open")
    func walVisibility() async throws {
        try await withTemporaryDatabase { path in
            let writer = try SQLiteMessageStore(path: path)
            try await writer.migrate()
            try await writer.apply(accept(makeMessage(1), makeMessage(2)))

            let reader = try SQLiteMessageStore(path: path, durability: .normal)
            #expect(try await reader.messagesAwaitingDispatch(limit: 10).map(\.id.rawValue) == [1, 2])

            // And the other way round, while both stay open.
            try await reader.apply(accept(makeMessage(3)))
            #expect(try await writer.message(MessageID(rawValue: 3)) != nil)
            try await reader.close()
            try await writer.close()
        }
    }

    @Test("durability selects the writer's synchronous mode", arguments: [
        (StoreSettings.Durability.full, 2), (.normal, 1),
    ])
    func durability(_ durability: StoreSettings.Durability, _ expected: Int) async throws {
        let setting = try await withStore(durability: durability) { store in
            try await store.synchronousSetting()
        }
        #expect(setting == expected)
    }

    @Test("opening from settings creates the missing parent directories")
    func settingsCreateDirectory() async throws {
        try await withTemporaryDatabase { path in
            let nested = URL(fileURLWithPath: path).deletingLastPathComponent()
                .appendingPathComponent("var/deeper/tern.sqlite").path
            let store = try SQLiteMessageStore(settings: StoreSettings(path: nested, durability: .normal))
            try await store.migrate()
            #expect(FileManager.default.fileExists(atPath: nested))
            #expect(try await store.synchronousSetting() == 1)
            try await store.close()
        }
    }

    @Test("a new store has 8 KiB pages; a store made with SQLite's 4 KiB keeps them and its messages")
    func pageSize() async throws {
        #expect(try await withStore { try await $0.pageSizeSetting() } == SQLiteMessageStore.pageSize)
        try await withTemporaryDatabase { path in
            // An older Tern made its file with the default page size.
            try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                    withIntermediateDirectories: true)
            let old = try DatabaseQueue(path: path)
            try await old.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
            try old.close()
            let message = makeMessage(1)
            do {
                let store = try SQLiteMessageStore(path: path)
                try await store.migrate()
                try await store.apply([.accept(message)])
                try await store.close()
            }
            let reopened = try SQLiteMessageStore(path: path)
            try await reopened.migrate()
            #expect(try await reopened.pageSizeSetting() == 4096)
            #expect(try await reopened.message(message.id)?.destination == message.destination)
            try await reopened.close()
        }
    }
}
