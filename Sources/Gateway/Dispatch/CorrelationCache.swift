import Dispatch
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// What a receipt needs to know about the message it is about.
///
/// A class, never changed once made: it goes into the cache, out of it, and into the closures
/// that store and deliver the receipt, and as a struct each of those copies retained and
/// released its two addresses and its text (perf).
public final class Correlation: Sendable {
    public let messageID: MessageID
    public let accountID: Int64
    public let registeredDelivery: UInt8
    public let source: WireAddress
    public let destination: WireAddress
    public let dataCoding: UInt8
    public let esmClass: UInt8
    public let shortMessage: [UInt8]
    public let receivedAt: Date

    public init(_ message: Message) {
        messageID = message.id
        accountID = message.accountID
        registeredDelivery = message.registeredDelivery
        source = message.source
        destination = message.destination
        dataCoding = message.dataCoding
        esmClass = message.esmClass
        // Only the start is ever shown in a receipt (`text:` holds 20 characters).
        shortMessage = Array(message.shortMessage.prefix(48))
        receivedAt = message.receivedAt
    }
}

/// Recently submitted messages by (connector, canonical upstream id), so most receipts are
/// matched without a database read, including the ones that arrive before the `submitted`
/// state is committed. A miss falls back to the store.
///
/// Bounded in two generations: entries go into the newer one, and when it holds half the
/// capacity it becomes the older one and the older one is dropped, its entries the oldest in the
/// cache. No call walks the cache: a FIFO of keys that skipped matched entries, compacted when it
/// reached twice the capacity, had held the lock for a filter over a million keys on an event
/// loop every few hundred thousand messages.
public final class CorrelationCache: Sendable {
    private struct Key: Hashable, Sendable {
        let connector: String
        let upstreamKey: String
    }

    private struct State {
        var newer: [Key: Correlation] = [:]
        var older: [Key: Correlation] = [:]

        /// Removing hands the entry out of the table (one lookup, no copy of it left behind to
        /// release): a receipt is taken once, on an event loop, for every message.
        mutating func take(_ key: Key, remove: Bool) -> Correlation? {
            if remove {
                return newer.removeValue(forKey: key) ?? older.removeValue(forKey: key)
            }
            return newer[key] ?? older[key]
        }
    }

    private let state = NIOLockedValueBox(State())
    public let capacity: Int

    /// Where a dropped generation is freed: releasing a quarter of a million entries takes tens
    /// of milliseconds, which neither an event loop nor the lock's other holders should wait for.
    private static let reclaimer = DispatchQueue(label: "tern.correlations.reclaim")

    public init(capacity: Int = 500_000) {
        self.capacity = capacity
    }

    public func insert(connector: String, upstreamID: String, _ correlation: Correlation) {
        let key = Key(connector: connector, upstreamKey: UpstreamMessageID.canonical(upstreamID))
        let generation = max(1, capacity / 2)
        let dropped = state.withLockedValue { state -> [Key: Correlation]? in
            // An id the upstream used before now means this message only.
            if !state.older.isEmpty { state.older[key] = nil }
            state.newer[key] = correlation
            guard state.newer.count >= generation else { return nil }
            let dropped = state.older
            state.older = state.newer
            state.newer = [:]
            return dropped
        }
        if let dropped, !dropped.isEmpty {
            Self.reclaimer.async { withExtendedLifetime(dropped) {} }
        }
    }

    /// The entry for a receipt's id under any of its readings; removed when `remove` is true.
    public func lookup(connector: String, upstreamID: String, remove: Bool) -> Correlation? {
        // Most upstreams write the same id in both places: the canonical form alone usually hits.
        let first = Key(connector: connector, upstreamKey: UpstreamMessageID.canonical(upstreamID))
        if let entry = state.withLockedValue({ $0.take(first, remove: remove) }) {
            return entry
        }
        let candidates = UpstreamMessageID.candidates(upstreamID).dropFirst()
        return state.withLockedValue { state in
            for candidate in candidates {
                if let entry = state.take(Key(connector: connector, upstreamKey: candidate), remove: remove) { return entry }
            }
            return nil
        }
    }

    public var count: Int { state.withLockedValue { $0.newer.count + $0.older.count } }
}
