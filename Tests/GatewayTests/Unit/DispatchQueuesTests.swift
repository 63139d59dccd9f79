import Foundation
import Gateway
import Testing

private func item(_ id: Int64, account: Int64) -> DispatchItem {
    DispatchItem(message: Message(id: MessageID(rawValue: id), accountID: account, systemID: "a\(account)",
                                  source: WireAddress(value: "Tern"), destination: WireAddress(value: "447700900123"),
                                  shortMessage: [0x41], receivedAt: Date(timeIntervalSince1970: 0)),
                 connectors: ["c"])
}

@Suite("FairQueue")
struct FairQueueTests {
    @Test("a bulk account cannot starve another: accounts take turns whatever their volume")
    func turns() {
        var queue = FairQueue()
        for id in 1...1000 { queue.append(item(Int64(id), account: 1)) }
        for id in 1001...1003 { queue.append(item(Int64(id), account: 2)) }
        let first = (0..<6).compactMap { _ in queue.popFirst()?.message.accountID }
        #expect(first == [1, 2, 1, 2, 1, 2])
        #expect(queue.count == 997)
        // Within one account the order is kept.
        let fourth = queue.popFirst()
        #expect(fourth?.message.id.rawValue == 4)
    }

    @Test("remove and update find a queued message by id")
    func removeAndUpdate() {
        var queue = FairQueue()
        queue.append(item(1, account: 1))
        queue.append(item(2, account: 2))
        let updated = queue.update(MessageID(rawValue: 2)) { $0.shortMessage = [0x42] }
        #expect(updated)
        let removed = queue.remove(MessageID(rawValue: 1))
        #expect(removed?.message.id.rawValue == 1)
        let again = queue.remove(MessageID(rawValue: 1))
        #expect(again == nil)
        #expect(queue.count == 1)
        let next = queue.popFirst()
        #expect(next?.message.shortMessage == [0x42])
        let none = queue.popFirst()
        #expect(none == nil)
        #expect(queue.isEmpty)
    }
}

@Suite("DueQueue and DeadlineHeap")
struct DueQueueTests {
    @Test("items come out in due order and only when due")
    func order() {
        var queue = DueQueue()
        let origin = Date(timeIntervalSince1970: 1000)
        for (id, offset) in [(1, 30.0), (2, 10.0), (3, 20.0), (4, 5.0)] {
            queue.insert(item(Int64(id), account: 1), due: origin.addingTimeInterval(offset))
        }
        let none = queue.popDue(now: origin)
        #expect(none.isEmpty)
        let early = queue.popDue(now: origin.addingTimeInterval(15)).map(\.message.id.rawValue)
        #expect(early == [4, 2])
        let removed = queue.remove(MessageID(rawValue: 1))
        #expect(removed?.message.id.rawValue == 1)
        let rest = queue.popDue(now: origin.addingTimeInterval(100)).map(\.message.id.rawValue)
        #expect(rest == [3])
        #expect(queue.count == 0)
    }

    @Test("a heap of random deadlines pops sorted")
    func randomOrder() {
        var heap = DeadlineHeap<Int>()
        var generator = SystemRandomNumberGenerator()
        let values = (0..<500).map { _ in Int.random(in: 0..<10_000, using: &generator) }
        for value in values { heap.insert(value, due: Date(timeIntervalSince1970: Double(value))) }
        let popped = heap.popDue(now: Date(timeIntervalSince1970: 20_000))
        #expect(popped == values.sorted())
    }
}
