/// Collects the parts of concatenated messages (UDH or SAR) until each message is complete.
///
/// A value type without a clock: every call takes `now`, so tests drive time by hand and the owner (one per
/// session or per event loop) decides when to call `expire(now:)`. Parts may arrive in any order. A message
/// is identified by the caller's `key` (session, or source and destination address) plus the reference.
///
/// Memory is bounded: at most `maxMessagesInProgress` incomplete messages are held, each with at most 255
/// parts. When the bound is reached, parts of *new* messages are refused and messages already in progress are
/// kept — evicting them would let one flooding sender destroy everybody's half-received messages, whereas
/// refusing gives back-pressure (answer ESME_RTHROTTLED) until `expire(now:)` frees room.
public struct ConcatenationReassembler<Key: Hashable & Sendable, Instant: InstantProtocol>: Sendable {
    /// A message given up on by `expire(now:)`: enough to log it or deliver what arrived.
    public struct ExpiredSet: Hashable, Sendable {
        /// The caller's key the parts arrived under.
        public var key: Key
        /// The concatenation reference.
        public var reference: UInt16
        /// How many parts the message announced.
        public var total: UInt8
        /// How many distinct parts arrived.
        public var receivedCount: Int
        /// `parts[i]` is the payload of sequence `i + 1`, or nil when it never arrived.
        public var parts: [[UInt8]?]
        /// When the first part arrived.
        public var firstPartAt: Instant

        public init(key: Key, reference: UInt16, total: UInt8, receivedCount: Int, parts: [[UInt8]?], firstPartAt: Instant) {
            self.key = key
            self.reference = reference
            self.total = total
            self.receivedCount = receivedCount
            self.parts = parts
            self.firstPartAt = firstPartAt
        }
    }

    // The storage is @usableFromInline and the entry points @inlinable so that a caller in another module gets
    // a copy specialised for its Key and Instant: unspecialised generic Dictionary code costs several
    // metadata lookups and witness calls per part.

    @usableFromInline
    struct SetID: Hashable, Sendable {
        @usableFromInline var key: Key
        @usableFromInline var reference: UInt16

        @inlinable init(key: Key, reference: UInt16) {
            self.key = key
            self.reference = reference
        }
    }

    @usableFromInline
    struct PendingSet: Sendable {
        @usableFromInline var total: UInt8
        @usableFromInline var receivedCount: Int
        @usableFromInline var parts: [[UInt8]?]
        @usableFromInline var firstPartAt: Instant

        @inlinable init(total: UInt8, receivedCount: Int, parts: [[UInt8]?], firstPartAt: Instant) {
            self.total = total
            self.receivedCount = receivedCount
            self.parts = parts
            self.firstPartAt = firstPartAt
        }
    }

    /// How long after its first part an incomplete message is given up.
    public let timeout: Instant.Duration
    /// The most incomplete messages held at once.
    public let maxMessagesInProgress: Int

    @usableFromInline var pending: [SetID: PendingSet] = [:]

    /// - Parameters:
    ///   - timeout: how long after its first part an incomplete message is dropped by `expire(now:)`.
    ///   - maxMessagesInProgress: the most incomplete messages held at once; parts of further new messages are
    ///     refused. Negative values count as 0.
    public init(timeout: Instant.Duration, maxMessagesInProgress: Int = 10_000) {
        self.timeout = timeout
        self.maxMessagesInProgress = max(0, maxMessagesInProgress)
    }

    /// The number of incomplete messages held.
    public var messagesInProgress: Int { pending.count }

    /// Adds one part.
    ///
    /// Pass the part's user data *after* anything that depends on the part itself: strip the UDH, and unpack
    /// 7-bit packed septets (the fill bits differ per part) before adding, so the concatenation is clean.
    @inlinable
    public mutating func add(
        key: Key, reference: UInt16, total: UInt8, sequence: UInt8, payload: [UInt8], now: Instant
    ) -> ReassemblyResult {
        guard total > 0 else {
            return .invalid(Self.zeroTotal(reference: reference))
        }
        guard sequence >= 1, sequence <= total else {
            return .invalid(Self.sequenceOutOfRange(sequence, total: total, reference: reference))
        }
        if total == 1 {
            return .complete(payload)
        }
        let id = SetID(key: key, reference: reference)
        let slot = Int(sequence) - 1

        if let index = pending.index(forKey: id) {
            // Mutate through `values[index]` so the stored parts array is changed in place, not copied.
            let expectedTotal = pending.values[index].total
            guard expectedTotal == total else {
                return .invalid(Self.totalMismatch(sequence, total: total, expected: expectedTotal, reference: reference))
            }
            guard pending.values[index].parts[slot] == nil else { return .duplicate }
            pending.values[index].parts[slot] = payload
            pending.values[index].receivedCount += 1
            let received = pending.values[index].receivedCount
            if received == Int(total) {
                return .complete(Self.concatenate(pending.remove(at: index).value.parts))
            }
            return .incomplete(received: received, total: Int(total))
        }

        guard pending.count < maxMessagesInProgress else {
            return .refused(Self.capacityReached(limit: maxMessagesInProgress, reference: reference))
        }
        var parts = [[UInt8]?](repeating: nil, count: Int(total))
        parts[slot] = payload
        pending[id] = PendingSet(total: total, receivedCount: 1, parts: parts, firstPartAt: now)
        return .incomplete(received: 1, total: Int(total))
    }

    /// Adds a part described by a UDH concatenation element.
    @inlinable
    public mutating func add(
        key: Key, concatenation info: ConcatenationInfo, payload: [UInt8], now: Instant
    ) -> ReassemblyResult {
        add(key: key, reference: info.reference, total: info.total, sequence: info.sequence, payload: payload, now: now)
    }

    /// Drops every incomplete message whose first part arrived `timeout` or longer before `now`, and returns
    /// them (oldest first) so the caller can log them or deliver what arrived.
    public mutating func expire(now: Instant) -> [ExpiredSet] {
        var expired: [ExpiredSet] = []
        for (id, set) in pending where set.firstPartAt.advanced(by: timeout) <= now {
            expired.append(ExpiredSet(
                key: id.key, reference: id.reference, total: set.total, receivedCount: set.receivedCount,
                parts: set.parts, firstPartAt: set.firstPartAt))
        }
        for set in expired {
            pending[SetID(key: set.key, reference: set.reference)] = nil
        }
        expired.sort { $0.firstPartAt < $1.firstPartAt }
        return expired
    }

    @inlinable
    static func concatenate(_ parts: [[UInt8]?]) -> [UInt8] {
        var octets: [UInt8] = []
        octets.reserveCapacity(parts.reduce(0) { $0 + ($1?.count ?? 0) })
        for part in parts {
            if let part { octets.append(contentsOf: part) }
        }
        return octets
    }

    // Cold paths, out of line so the inlined `add` stays small.

    @usableFromInline @inline(never)
    static func zeroTotal(reference: UInt16) -> SMPPTextError {
        SMPPTextError(code: .invalidConcatenation, reason: "total is 0 for reference \(reference); a message has at least one part")
    }

    @usableFromInline @inline(never)
    static func sequenceOutOfRange(_ sequence: UInt8, total: UInt8, reference: UInt16) -> SMPPTextError {
        SMPPTextError(code: .invalidConcatenation, reason: "sequence \(sequence) is outside 1...\(total) for reference \(reference)")
    }

    @usableFromInline @inline(never)
    static func totalMismatch(_ sequence: UInt8, total: UInt8, expected: UInt8, reference: UInt16) -> SMPPTextError {
        SMPPTextError(
            code: .invalidConcatenation,
            reason: "part \(sequence) of reference \(reference) says \(total) parts but earlier parts said \(expected)")
    }

    @usableFromInline @inline(never)
    static func capacityReached(limit: Int, reference: UInt16) -> SMPPTextError {
        SMPPTextError(
            code: .reassemblyCapacityReached,
            reason: "\(limit) concatenated messages are already incomplete (the configured limit); reference "
                + "\(reference) refused until older ones complete or expire")
    }
}
