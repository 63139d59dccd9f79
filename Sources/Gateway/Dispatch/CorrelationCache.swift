import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// What a receipt needs to know about the message it is about.
public struct Correlation: Sendable, Hashable {
    public var messageID: MessageID
    public var accountID: Int64
    public var registeredDelivery: UInt8
    public var source: WireAddress
    public var destination: WireAddress
    public var dataCoding: UInt8
    public var esmClass: UInt8
    public var shortMessage: [UInt8]
    public var receivedAt: Date

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
/// state is committed. Bounded: the oldest entries go first; a miss falls back to the store.
public final class CorrelationCache: Sendable {
    private struct Key: Hashable, Sendable {
        let connector: String
        let upstreamKey: String
    }

    private struct State {
        var entries: [Key: Correlation] = [:]
        var order = CircularBuffer<Key>()
    }

    private let state = NIOLockedValueBox(State())
    public let capacity: Int

    public init(capacity: Int = 500_000) {
        self.capacity = capacity
    }

    public func insert(connector: String, upstreamID: String, _ correlation: Correlation) {
        let key = Key(connector: connector, upstreamKey: UpstreamMessageID.canonical(upstreamID))
        state.withLockedValue { state in
            if state.entries.updateValue(correlation, forKey: key) == nil { state.order.append(key) }
            while state.entries.count > capacity, let oldest = state.order.popFirst() {
                state.entries[oldest] = nil
            }
            // Matched receipts leave their key in the FIFO; drop those now and then so it stays bounded.
            if state.order.count > 2 * max(capacity, 1024) {
                let live = state.order.filter { state.entries[$0] != nil }
                state.order = CircularBuffer(live)
            }
        }
    }

    /// The entry for a receipt's id under any of its readings; removed when `remove` is true.
    public func lookup(connector: String, upstreamID: String, remove: Bool) -> Correlation? {
        // Most upstreams write the same id in both places: the canonical form alone usually hits.
        let first = Key(connector: connector, upstreamKey: UpstreamMessageID.canonical(upstreamID))
        if let entry = state.withLockedValue({ state -> Correlation? in
            let entry = state.entries[first]
            if remove, entry != nil { state.entries[first] = nil }
            return entry
        }) {
            return entry
        }
        let candidates = UpstreamMessageID.candidates(upstreamID).dropFirst()
        return state.withLockedValue { state in
            for candidate in candidates {
                let key = Key(connector: connector, upstreamKey: candidate)
                if let entry = state.entries[key] {
                    // The FIFO keeps the key; it is skipped harmlessly when it comes up.
                    if remove { state.entries[key] = nil }
                    return entry
                }
            }
            return nil
        }
    }

    public var count: Int { state.withLockedValue { $0.entries.count } }
}
