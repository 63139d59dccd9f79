import Foundation
import Gateway
@testable import Store
import Testing

@Suite("SQLite message store: timeline kept on the message row")
struct TimelineTests {
    @Test("a plain life (routed on arrival, submitted, delivered by receipt) is row columns only, read back in full")
    func normalLifeOnTheRow() async throws {
        try await withStore { store in
            let message = makeMessage(20, state: .routed, connector: "smsc-a")
            let id = message.id
            let submitted = MessageTransition(messageID: id, at: time(30), state: .submitted, connector: "smsc-a", upstreamID: "0A1B")
            // Receipt done times have minute resolution: this one is before the submit time.
            let delivered = MessageTransition(messageID: id, at: time(0), state: .delivered, errorCode: 0, detail: "receipt")
            try await store.apply([.accept(message), .transition(submitted)])
            try await store.apply([.transition(delivered)])

            #expect(try await store.eventRowCount(of: id) == 0)
            let timeline = try await store.events(of: id)
            #expect(timeline == [
                MessageEvent(messageID: id, at: message.receivedAt, state: .accepted),
                MessageEvent(messageID: id, at: message.receivedAt, state: .routed, connector: "smsc-a"),
                submitted,
                delivered,
            ])
            let stored = try #require(try await store.message(id))
            #expect(stored.state == .delivered)
            #expect(stored.connector == "smsc-a")
            #expect(stored.upstreamID == "0A1B")
            #expect(stored.errorCode == 0)
            #expect(try await store.message(connector: "smsc-a", upstreamIDs: UpstreamMessageID.candidates("2587"))?.id == id)
        }
    }

    @Test("a submit and its receipt in one batch are one row update that reads back as the two steps, counted once")
    func submitAndReceiptInOneBatch() async throws {
        try await withStore { store in
            // 25 gets its steps in two batches, 26 in one; both must read back alike.
            let separate = MessageID(rawValue: 25), together = MessageID(rawValue: 26)
            func submitted(_ id: MessageID) -> MessageTransition {
                MessageTransition(messageID: id, at: time(30), state: .submitted, connector: "smsc-a", upstreamID: "0A\(id.rawValue)")
            }
            func delivered(_ id: MessageID, knownAccount: Bool) -> MessageTransition {
                MessageTransition(messageID: id, at: time(40), state: .delivered, errorCode: 0, detail: "receipt",
                                  accountID: knownAccount ? 7 : nil)
            }
            try await store.apply([.accept(makeMessage(25, accountID: 7, state: .routed, connector: "smsc-a")),
                                   .accept(makeMessage(26, accountID: 7, state: .routed, connector: "smsc-a"))])
            try await store.apply([.transition(submitted(separate))])
            try await store.apply([.transition(delivered(separate, knownAccount: false))])
            try await store.apply([.transition(submitted(together)), .transition(delivered(together, knownAccount: true))])

            for id in [separate, together] {
                #expect(try await store.eventRowCount(of: id) == 0)
                let timeline = try await store.events(of: id)
                #expect(timeline.map(\.state) == [.accepted, .routed, .submitted, .delivered])
                #expect(timeline.dropFirst(2).first == MessageEvent(messageID: id, at: time(30), state: .submitted, connector: "smsc-a",
                                                                    upstreamID: "0A\(id.rawValue)"))
                #expect(timeline.last == MessageEvent(messageID: id, at: time(40), state: .delivered, errorCode: 0, detail: "receipt"))
                let stored = try #require(try await store.message(id))
                #expect(stored.state == .delivered)
                #expect(stored.upstreamID == "0A\(id.rawValue)")
                #expect(try await store.message(connector: "smsc-a", upstreamIDs: UpstreamMessageID.candidates("0A\(id.rawValue)"))?.id == id)
            }
            let usage = try await store.usage(scope: [7], from: time(-7200), to: time(7200), daily: true)
            #expect(usage.reduce(0) { $0 + ($1.finalStates["delivered"] ?? 0) } == 2)
        }
    }

    @Test("a submit and an end in one batch for a message already submitted stay two steps, in order")
    func secondSubmitInOneBatch() async throws {
        try await withStore { store in
            let id = MessageID(rawValue: 27)
            let first = MessageTransition(messageID: id, at: time(30), state: .submitted, connector: "smsc-a", upstreamID: "1")
            let second = MessageTransition(messageID: id, at: time(31), state: .submitted, connector: "smsc-b", upstreamID: "2")
            let delivered = MessageTransition(messageID: id, at: time(40), state: .delivered, errorCode: 0, detail: "receipt")
            try await store.apply([.accept(makeMessage(27, state: .routed, connector: "smsc-a")), .transition(first)])
            try await store.apply([.transition(second), .transition(delivered)])
            let timeline = try await store.events(of: id)
            #expect(Array(timeline.dropFirst(2)) == [first, second, delivered])
            #expect(try await store.message(id)?.state == .delivered)
        }
    }

    @Test("routed as its own write is a column too")
    func routedTransition() async throws {
        try await withStore { store in
            let id = MessageID(rawValue: 21)
            let routed = MessageTransition(messageID: id, at: time(2), state: .routed, connector: "smsc-b")
            try await store.apply(accept(makeMessage(21)) + [.transition(routed)])
            #expect(try await store.eventRowCount(of: id) == 0)
            #expect(try await store.events(of: id) == [MessageEvent(messageID: id, at: time(21), state: .accepted), routed])
        }
    }

    @Test("unusual steps are event rows, interleaved with the columns in write order")
    func unusualSteps() async throws {
        try await withStore { store in
            let id = MessageID(rawValue: 22)
            let steps = [
                MessageTransition(messageID: id, at: time(1), state: .retrying, connector: "smsc-a", errorCode: 0x58, detail: "throttled"),
                MessageTransition(messageID: id, at: time(2), state: .routed, connector: "smsc-b"),
                MessageTransition(messageID: id, at: time(3), state: .submitted, connector: "smsc-b", upstreamID: "77"),
                MessageTransition(messageID: id, at: time(4), state: .acceptedUpstream, detail: "receipt"),
                MessageTransition(messageID: id, at: time(5), state: .undeliverable, errorCode: 11, detail: "receipt"),
                // A second final state and a late routed: kept, after what came before.
                MessageTransition(messageID: id, at: time(6), state: .delivered, errorCode: 0, detail: "receipt"),
                MessageTransition(messageID: id, at: time(7), state: .routed, connector: "smsc-c"),
            ]
            try await store.apply(accept(makeMessage(22)))
            for step in steps { try await store.apply([.transition(step)]) }

            #expect(try await store.eventRowCount(of: id) == 4)
            let timeline = try await store.events(of: id)
            #expect(timeline.first == MessageEvent(messageID: id, at: time(22), state: .accepted))
            #expect(Array(timeline.dropFirst()) == steps)
            let stored = try #require(try await store.message(id))
            #expect(stored.state == .routed)
            #expect(stored.connector == "smsc-c")
            #expect(stored.attempts == 1)
        }
    }

    @Test("final states with details other than a receipt's, and cancel, are event rows with their words")
    func finalWithDetail() async throws {
        try await withStore { store in
            let rejected = MessageTransition(messageID: MessageID(rawValue: 23), at: time(1), state: .rejected, connector: "smsc-a",
                                             errorCode: 0x45, detail: "smsc-a: refused")
            let cancelled = MessageTransition(messageID: MessageID(rawValue: 24), at: time(1), state: .cancelled, detail: "cancel_sm")
            let expired = MessageTransition(messageID: MessageID(rawValue: 25), at: time(1), state: .expired, errorCode: 0)
            try await store.apply(accept(makeMessage(23), makeMessage(24), makeMessage(25))
                + [rejected, cancelled, expired].map(StoreWrite.transition))
            #expect(try await store.events(of: rejected.messageID).last == rejected)
            #expect(try await store.events(of: cancelled.messageID).last == cancelled)
            #expect(try await store.events(of: expired.messageID).last == expired)
            #expect(try await store.eventRowCount(of: expired.messageID) == 0)
            #expect(try await store.message(cancelled.messageID)?.state == .cancelled)
            #expect(try await store.messagesAwaitingDispatch(limit: 10).isEmpty)
        }
    }

    @Test("a message accepted in another state keeps that state as its second step")
    func acceptedInAnotherState() async throws {
        try await withStore { store in
            let message = makeMessage(26, state: .submitted, connector: "smsc-a")
            try await store.apply([.accept(message)])
            #expect(try await store.events(of: message.id) == [
                MessageEvent(messageID: message.id, at: message.receivedAt, state: .accepted),
                MessageEvent(messageID: message.id, at: message.receivedAt, state: .submitted, connector: "smsc-a"),
            ])
        }
    }

    @Test("the stack-formatted upstream key is the Gateway's canonical key", arguments: [
        "0", "000", "7", "00123", "123", "18446744073709551615", "99999999999999999999999", "0A1B", "0a1b", "00ff",
        "ffffffffffffffff", "FFFFFFFFFFFFFFFFF", "0000000000000000f", "abcdef0123456789ab", "ABC-1", " 12 ", "1\u{0}", "äb", "ghij",
    ])
    func upstreamKey(_ raw: String) {
        var text = raw
        let fast: String? = text.withUTF8 { bytes in
            switch UpstreamKey.plainForm(bytes) {
            case nil: return nil
            case .decimal(let start)?: return String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self)
            case .hex(let value)?: return UpstreamKey.withDecimal(value) { String(decoding: $0, as: UTF8.self) }
            }
        }
        if let fast { #expect(fast == UpstreamMessageID.canonical(raw), "\(raw)") }
    }
}

@Suite("SQLite message store: upgrade from the v1 layout")
struct TimelineMigrationTests {
    @Test("a v1 file keeps its timelines without a doubled accepted step")
    func upgradeFromV1() async throws {
        try await withTemporaryDatabase { path in
            let store = try await upgradedStore(at: path, from: "v1: accounts, messages, events, pending receipts") { db in
                try db.execute(sql: """
                    INSERT INTO messages (id, account_id, system_id, service_type, source_ton, source_npi, source_value,
                        destination_ton, destination_npi, destination_value, esm_class, protocol_id, priority,
                        registered_delivery, data_coding, received_at, state, connector, attempts, updated_at)
                    VALUES (9, 1, 'c', '', 0, 0, 'T', 1, 1, '1', 0, 0, 0, 0, 0, 100, 'routed', 'smsc-a', 0, 101);
                    INSERT INTO message_events (message_id, at, state) VALUES (9, 100, 'accepted');
                    INSERT INTO message_events (message_id, at, state, connector) VALUES (9, 101, 'routed', 'smsc-a');
                    """)
            }
            let id = MessageID(rawValue: 9)
            #expect(try await store.events(of: id) == [
                MessageEvent(messageID: id, at: Date(timeIntervalSince1970: 100), state: .accepted),
                MessageEvent(messageID: id, at: Date(timeIntervalSince1970: 101), state: .routed, connector: "smsc-a"),
            ])
            // Later steps of an upgraded message land after its old event rows.
            try await store.apply([.transition(MessageTransition(
                messageID: id, at: Date(timeIntervalSince1970: 102), state: .submitted, connector: "smsc-a", upstreamID: "5"))])
            #expect(try await store.events(of: id).map(\.state) == [.accepted, .routed, .submitted])
            try await store.close()
        }
    }
}
