import Foundation
import NIOConcurrencyHelpers

/// Events per second over the last few whole seconds (a ring of one-second slots): a submit
/// rate for a session or a connector, cheap to count from any thread.
public final class RateMeter: Sendable {
    private struct Ring {
        var slots: [Int]
        var second: Int64 = 0
    }

    private let ring: NIOLockedValueBox<Ring>

    /// `seconds` whole seconds are averaged (the current, partial one is left out).
    public init(seconds: Int = 10) {
        ring = NIOLockedValueBox(Ring(slots: [Int](repeating: 0, count: max(2, seconds + 1))))
    }

    public func count(_ events: Int = 1, now: Date = Date()) {
        ring.withLockedValue { ring in
            Self.advance(&ring, to: Int64(now.timeIntervalSince1970))
            ring.slots[Int(ring.second % Int64(ring.slots.count))] += events
        }
    }

    public func perSecond(now: Date = Date()) -> Double {
        ring.withLockedValue { ring in
            Self.advance(&ring, to: Int64(now.timeIntervalSince1970))
            let current = Int(ring.second % Int64(ring.slots.count))
            let total = ring.slots.indices.reduce(0) { $0 + ($1 == current ? 0 : ring.slots[$1]) }
            return Double(total) / Double(ring.slots.count - 1)
        }
    }

    private static func advance(_ ring: inout Ring, to second: Int64) {
        if second <= ring.second { return }
        let gap = min(second - ring.second, Int64(ring.slots.count))
        for step in 1...gap {
            ring.slots[Int((ring.second + step) % Int64(ring.slots.count))] = 0
        }
        ring.second = second
    }
}
