import Synchronization

/// The entries of an index's log that its file does not hold yet, in memory, by their key (an
/// integer: `IndexKeyHash`): what lets a lookup skip scanning the log's unmerged tail
/// (`LoggedIndex`).
///
/// It holds the log's entries in `(floor, readThrough]`, read by the merger after they were
/// committed; the merger forgets them once a merge holding them has committed. A lookup takes
/// the ids under its key and the bounds together, then reads the index file and the log
/// outside those bounds in its own snapshot (`SQLiteMessageStore.unremembered`). Because
/// entries are forgotten only after the file holds them, whatever the lookup's snapshot of the
/// file is missing, memory or the log has.
///
/// Kept as one sorted run a read (about 2,500 entries at 50,000 messages a second), forgotten a
/// run at a time: a run that reaches past a merge's end stays whole until the next merge,
/// its merged entries found twice (the lookup takes each id once). A dictionary of single
/// entries, added and removed one by one, spent a sixth of the merger's thread on hashing.
final class RecentLogEntries: Sendable {
    struct Entry: Sendable {
        var seq: Int64
        var messageID: Int64
        var key: Int64
    }

    /// At most this many held: 24 MB (key, message id, position). A merger that keeps failing
    /// must not grow memory for ever; lookups scan the log past it instead.
    static let capacity = 1_000_000

    /// One read's entries, sorted by key.
    private struct Run {
        var through: Int64
        var keys: [Int64]
        var messageIDs: [Int64]
        /// Each entry's log position, for a merge that ends inside the run.
        var seqs: [Int64]

        func ids(for key: Int64) -> ArraySlice<Int64> {
            var low = 0, high = keys.count
            while low < high {
                let middle = (low + high) / 2
                if keys[middle] < key { low = middle + 1 } else { high = middle }
            }
            var end = low
            while end < keys.count, keys[end] == key { end += 1 }
            return messageIDs[low..<end]
        }
    }

    private struct State {
        var floor: Int64 = 0
        var readThrough: Int64 = 0
        var runs: [Run] = []
        var count = 0
    }

    private let state = Mutex(State())

    /// The log position read through: the next read starts after it.
    var readThrough: Int64 { state.withLock { $0.readThrough } }

    var count: Int { state.withLock { $0.count } }

    /// Adds entries read from the log after `after`, in log order. A merge that forgot past
    /// `after` meanwhile makes the read stale: it is dropped and made again from the new position.
    func append(_ entries: [Entry], after: Int64) {
        guard let last = entries.last else { return }
        // Sorted before the lock: lookups wait only for the append.
        let sorted = entries.sorted { ($0.key, $0.messageID) < ($1.key, $1.messageID) }
        let run = Run(through: last.seq, keys: sorted.map(\.key), messageIDs: sorted.map(\.messageID), seqs: sorted.map(\.seq))
        state.withLock { state in
            guard state.readThrough == after else { return }
            state.runs.append(run)
            state.count += run.keys.count
            state.readThrough = run.through
        }
    }

    /// The index file holds the log through `position`: forgets the runs wholly up to it.
    func forget(through position: Int64) {
        state.withLock { state in
            guard position > state.floor else { return }
            let done = state.runs.prefix { $0.through <= position }
            if !done.isEmpty {
                state.count -= done.reduce(0) { $0 + $1.keys.count }
                state.runs.removeFirst(done.count)
            }
            state.floor = position
            state.readThrough = max(state.readThrough, position)
        }
    }

    /// The entries logged in `(after, through]`, sorted by key and message id, for a merge;
    /// nil unless memory holds all of them.
    func entries(after: Int64, through: Int64) -> (keys: [Int64], messageIDs: [Int64])? {
        let runs = state.withLock { state -> [Run]? in
            guard state.floor <= after, state.readThrough >= through else { return nil }
            return state.runs.filter { $0.through > after }
        }
        guard let runs else { return nil }
        // Sorted outside the lock: a merge's worth takes milliseconds.
        var pairs: [(key: Int64, messageID: Int64)] = []
        pairs.reserveCapacity(Int(through - after))
        for run in runs {
            for index in run.keys.indices where run.seqs[index] > after && run.seqs[index] <= through {
                pairs.append((run.keys[index], run.messageIDs[index]))
            }
        }
        pairs.sort { ($0.key, $0.messageID) < ($1.key, $1.messageID) }
        return (pairs.map(\.key), pairs.map(\.messageID))
    }

    /// What memory holds for each key (message ids, any order, each once), and the log
    /// positions it covers: `(floor, readThrough]`.
    func lookup(_ keys: [Int64]) -> (ids: [[Int64]], floor: Int64, readThrough: Int64) {
        state.withLock { state in
            let ids = keys.map { key in
                var found: [Int64] = []
                for run in state.runs {
                    for id in run.ids(for: key) where !found.contains(id) { found.append(id) }
                }
                return found
            }
            return (ids, state.floor, state.readThrough)
        }
    }
}
