/// The requests we sent that still wait for a response, keyed by sequence number (reference §9
/// "Windowing"): responses are matched by sequence number, not by order.
///
/// Insert and remove are O(1) and do not allocate once the dictionary has its capacity, which is
/// reserved up front. Timeouts are found by a scan in ``expire(now:timeout:)``, which the periodic
/// tick calls; a lower bound on the oldest send instant lets most ticks skip the scan.
struct RequestWindow<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// One outstanding request.
    struct Entry: Hashable, Sendable {
        var commandID: CommandID
        var sentAt: Instant
        /// True for the enquire_link / unbind the machine sent on its own: no application promise waits for it.
        var ownedBySession: Bool
    }

    private(set) var entries: [UInt32: Entry]
    /// Outstanding requests that occupy a window slot (everything but session management PDUs).
    private(set) var windowedCount = 0
    /// How many windowed requests may be outstanding at once.
    let capacity: Int
    /// No outstanding request was sent before this instant (it may be older than the real oldest).
    private(set) var oldestLowerBound: Instant?

    init(capacity: Int) {
        self.capacity = Swift.max(1, capacity)
        self.entries = [:]
        // Session PDUs (bind, enquire_link, unbind) ride outside the window; leave room for them.
        self.entries.reserveCapacity(self.capacity + 4)
    }

    /// Whether a request with this command id needs a free slot. Session management PDUs never
    /// wait for one, so a full window cannot stop keep-alives or an orderly unbind.
    static func occupiesSlot(_ commandID: CommandID) -> Bool {
        switch commandID {
        case .enquireLink, .unbind, .bindTransmitter, .bindReceiver, .bindTransceiver: false
        default: true
        }
    }

    var isFull: Bool { windowedCount >= capacity }
    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    func contains(_ sequenceNumber: UInt32) -> Bool { entries[sequenceNumber] != nil }

    /// Records a request unless its sequence number is already outstanding; one hash lookup.
    mutating func insertIfAbsent(_ sequenceNumber: UInt32, _ entry: Entry) -> Bool {
        if let previous = entries.updateValue(entry, forKey: sequenceNumber) {
            entries[sequenceNumber] = previous
            return false
        }
        if Self.occupiesSlot(entry.commandID) { windowedCount += 1 }
        if let bound = oldestLowerBound {
            if entry.sentAt < bound { oldestLowerBound = entry.sentAt }
        } else {
            oldestLowerBound = entry.sentAt
        }
        return true
    }

    mutating func remove(_ sequenceNumber: UInt32) -> Entry? {
        guard let entry = entries.removeValue(forKey: sequenceNumber) else { return nil }
        if Self.occupiesSlot(entry.commandID) { windowedCount -= 1 }
        if entries.isEmpty { oldestLowerBound = nil }
        return entry
    }

    /// The earliest instant at which some request may time out; never later than the real one.
    func earliestDeadline(timeout: Duration) -> Instant? {
        oldestLowerBound.map { $0.advanced(by: timeout) }
    }

    /// Removes and returns, oldest first, every request sent `timeout` or longer before `now`.
    mutating func expire(now: Instant, timeout: Duration) -> [(sequenceNumber: UInt32, entry: Entry)] {
        guard let bound = oldestLowerBound, bound.advanced(by: timeout) <= now else { return [] }
        var expired: [(sequenceNumber: UInt32, entry: Entry)] = []
        var oldestRemaining: Instant?
        for (sequenceNumber, entry) in entries {
            if entry.sentAt.advanced(by: timeout) <= now {
                expired.append((sequenceNumber, entry))
            } else if oldestRemaining.map({ entry.sentAt < $0 }) ?? true {
                oldestRemaining = entry.sentAt
            }
        }
        for item in expired {
            _ = remove(item.sequenceNumber)
        }
        oldestLowerBound = oldestRemaining
        expired.sort(by: Self.sentFirst)
        return expired
    }

    /// Removes every request and returns them oldest first.
    mutating func removeAll() -> [(sequenceNumber: UInt32, entry: Entry)] {
        guard !entries.isEmpty else { return [] }
        var all = entries.map { (sequenceNumber: $0.key, entry: $0.value) }
        all.sort(by: Self.sentFirst)
        entries.removeAll(keepingCapacity: true)
        windowedCount = 0
        oldestLowerBound = nil
        return all
    }

    private static func sentFirst(
        _ a: (sequenceNumber: UInt32, entry: Entry), _ b: (sequenceNumber: UInt32, entry: Entry)
    ) -> Bool {
        if a.entry.sentAt != b.entry.sentAt { return a.entry.sentAt < b.entry.sentAt }
        return a.sequenceNumber < b.sequenceNumber
    }
}
