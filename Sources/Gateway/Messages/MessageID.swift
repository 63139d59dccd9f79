import Foundation
import NIOConcurrencyHelpers

/// Our message id: what submit_sm_resp returns, what a receipt's `id:` and receipted_message_id
/// carry. A 63-bit number (milliseconds since 2024 in the high bits, a node and a counter below),
/// written in decimal: time-ordered, so it is also a fast primary key, and a decimal id survives
/// clients that parse ids as numbers.
public struct MessageID: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }

    public init?(_ text: String) {
        guard let value = Int64(text), value > 0 else { return nil }
        rawValue = value
    }

    public var description: String { String(rawValue) }

    public static func < (lhs: MessageID, rhs: MessageID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int64.self) }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Hands out increasing message ids. Thread-safe; one per process.
public final class MessageIDGenerator: Sendable {
    /// 2024-01-01T00:00:00Z, so the millisecond part stays small for centuries.
    static let epochMilliseconds: Int64 = 1_704_067_200_000
    private let state: NIOLockedValueBox<(millisecond: Int64, counter: Int64)>
    private let node: Int64

    /// `node` (0…15) keeps ids of several gateways sharing one database apart.
    public init(node: Int = 0) {
        self.node = Int64(node & 0xF)
        state = NIOLockedValueBox((0, 0))
    }

    public func next(now: Date = Date()) -> MessageID {
        let millisecond = Int64(now.timeIntervalSince1970 * 1000) - Self.epochMilliseconds
        let (ms, counter) = state.withLockedValue { state -> (Int64, Int64) in
            if millisecond > state.millisecond {
                state = (millisecond, 0)
            } else {
                state.counter += 1
                // 2^18 ids in one millisecond: borrow the next millisecond rather than repeat.
                if state.counter >= 1 << 18 { state = (state.millisecond + 1, 0) }
            }
            return (state.millisecond, state.counter)
        }
        return MessageID(rawValue: ms << 22 | node << 18 | counter)
    }

    /// The smallest id any node gives out at `date`: ids are ordered by time, so "since" is a
    /// range over the id index.
    public static func firstID(at date: Date) -> MessageID {
        MessageID(rawValue: max(0, Int64(date.timeIntervalSince1970 * 1000) - epochMilliseconds) << 22)
    }
}
