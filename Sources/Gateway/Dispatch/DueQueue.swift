import Foundation

/// Messages waiting for a time (a retry backoff, schedule_delivery_time). A pure value.
public struct DueQueue: Sendable {
    private var heap = DeadlineHeap<DispatchItem>()

    public init() {}

    public var count: Int { heap.count }

    public mutating func insert(_ item: DispatchItem, due: Date) { heap.insert(item, due: due) }

    public mutating func popDue(now: Date) -> [DispatchItem] { heap.popDue(now: now) }

    public mutating func remove(_ id: MessageID) -> DispatchItem? {
        heap.remove { $0.message.id == id }
    }

    public mutating func update(_ id: MessageID, _ change: (inout Message) -> Void) -> Bool {
        heap.update(where: { $0.message.id == id }) { change(&$0.message) }
    }
}
