import Foundation
@testable import Gateway
import Testing

@Suite("The group committer's two lanes")
struct CommitLanesTests {
    static func accept(_ id: Int64) -> StoreWrite {
        .accept(Message(id: MessageID(rawValue: id), accountID: 1, systemID: "a", source: WireAddress(value: "Tern"),
                        destination: WireAddress(value: "447700900123"), shortMessage: [0x41], receivedAt: Date()))
    }

    static func change(_ id: Int64) -> StoreWrite {
        .transition(MessageTransition(messageID: MessageID(rawValue: id), state: .submitted, connector: "smsc-a"))
    }

    /// The message ids of a batch's writes, in the order the store applies them.
    static func ids(_ batch: CommitLanes<Int>.Batch) -> [Int64] {
        (batch.accepts.writes + batch.changes.writes).map { write in
            switch write {
            case .accept(let message): message.id.rawValue
            case .transition(let transition): transition.messageID.rawValue
            default: -1
            }
        }
    }

    @Test("a commit takes the accepts first, then the changes queued before or after them, each lane in its order")
    func acceptsFirst() {
        var lanes = CommitLanes<Int>()
        lanes.add(10, to: .changes) { $0.append(Self.change(10)) }
        lanes.add(1, to: .accepts) { $0.append(Self.accept(1)) }
        lanes.add(11, to: .changes) { $0.append(Self.change(11)) }
        lanes.add(2, to: .accepts) { $0.append(Self.accept(2)) }
        let batch = lanes.take()
        #expect(Self.ids(batch) == [1, 2, 10, 11])
        #expect((batch.accepts.waiters + batch.changes.waiters) == [1, 2, 10, 11])
        #expect(lanes.isEmpty)
    }

    @Test("while accepts keep coming, every other commit takes the changes: they wait for one commit of accepts at most")
    func changesEveryOtherCommit() {
        var lanes = CommitLanes<Int>()
        var taken: [[Int64]] = []
        for round: Int64 in 0..<6 {
            lanes.add(nil, to: .accepts) { $0.append(Self.accept(round)) }
            lanes.add(nil, to: .changes) { $0.append(Self.change(100 + round)) }
            taken.append(Self.ids(lanes.take()))
        }
        #expect(taken == [[0, 100], [1], [2, 101, 102], [3], [4, 103, 104], [5]])
        // With no accept waiting, the changes go at once, even right after a commit that took some.
        #expect(Self.ids(lanes.take()) == [105])
        lanes.add(nil, to: .changes) { $0.append(Self.change(106)) }
        #expect(Self.ids(lanes.take()) == [106])
        #expect(lanes.isEmpty)
    }

    @Test("a waiter without writes (a flush) is taken like a write, in its lane")
    func flushIsTaken() {
        var lanes = CommitLanes<Int>()
        lanes.add(7, to: .changes) { _ in }
        #expect(!lanes.isEmpty)
        let batch = lanes.take()
        #expect(batch.accepts.writes.isEmpty && batch.changes.writes.isEmpty)
        #expect((batch.accepts.waiters + batch.changes.waiters) == [7])
        #expect(lanes.isEmpty)
    }
}
