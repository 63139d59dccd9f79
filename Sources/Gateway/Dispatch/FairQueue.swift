import NIOCore

/// Messages waiting for one connector, one FIFO per account, served round-robin: a bulk campaign
/// of one account cannot starve another account's traffic, whatever their volumes. A pure value.
public struct FairQueue: Sendable {
    private var queues: [Int64: CircularBuffer<DispatchItem>] = [:]
    /// Accounts with something queued, in the order they are served.
    private var turn = CircularBuffer<Int64>()
    public private(set) var count = 0
    /// The buffer of the last queue that ran empty, for the next account that needs one: under a
    /// steady load a queue drains and refills all the time, and each refill allocated anew.
    private var spare: CircularBuffer<DispatchItem>?

    public init() {}

    private mutating func makeQueue() -> CircularBuffer<DispatchItem> {
        if let reused = spare {
            spare = nil
            return reused
        }
        return CircularBuffer(initialCapacity: 16)
    }

    /// Keeps an emptied queue's buffer as the spare, unless a burst made it large.
    private mutating func retire(_ queue: CircularBuffer<DispatchItem>) {
        if spare == nil, queue.capacity <= 1_024 { spare = queue }
    }

    public var isEmpty: Bool { count == 0 }

    public mutating func append(_ item: DispatchItem) {
        let account = item.message.accountID
        if queues[account] == nil {
            queues[account] = makeQueue()
            turn.append(account)
        }
        queues[account]?.append(item)
        count += 1
    }

    /// Puts a message back at the head of its account's queue (it could not be sent yet), and
    /// gives that account the next turn.
    public mutating func prepend(_ item: DispatchItem) {
        let account = item.message.accountID
        if queues[account] == nil {
            queues[account] = makeQueue()
        } else if let position = turn.firstIndex(of: account) {
            turn.remove(at: position)
        }
        turn.prepend(account)
        queues[account]?.prepend(item)
        count += 1
    }

    /// The next message: the head of the account whose turn it is.
    public mutating func popFirst() -> DispatchItem? {
        guard let account = turn.popFirst() else { return nil }
        guard var queue = queues.removeValue(forKey: account), let item = queue.popFirst() else { return nil }
        if !queue.isEmpty {
            queues[account] = queue
            turn.append(account)
        } else {
            retire(queue)
        }
        count -= 1
        return item
    }

    /// Removes and returns the queued message with this id (cancel_sm).
    public mutating func remove(_ id: MessageID) -> DispatchItem? {
        for (account, var queue) in queues {
            guard let index = queue.firstIndex(where: { $0.message.id == id }) else { continue }
            let item = queue.remove(at: index)
            count -= 1
            if queue.isEmpty {
                queues[account] = nil
                if let position = turn.firstIndex(of: account) { turn.remove(at: position) }
            } else {
                queues[account] = queue
            }
            return item
        }
        return nil
    }

    /// Changes the queued message with this id in place (replace_sm); false if it is not here.
    public mutating func update(_ id: MessageID, _ change: (inout Message) -> Void) -> Bool {
        for (account, var queue) in queues {
            guard let index = queue.firstIndex(where: { $0.message.id == id }) else { continue }
            change(&queue[index].message)
            queues[account] = queue
            return true
        }
        return false
    }
}
