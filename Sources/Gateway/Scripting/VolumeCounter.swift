import Foundation
import NIOConcurrencyHelpers

/// Messages per account in the current calendar month (UTC): `msg.volume` for volume-tier
/// pricing. Seeded from the store when an account binds, counted in memory after.
///
/// Read and counted for every message, so the month is worked out with the calendar only when
/// a month ends, not per call.
public final class VolumeCounter: Sendable {
    private struct State {
        /// The month counts belong to, as [start, end).
        var start = Date.distantPast
        var end = Date.distantPast
        var counts: [Int64: Int] = [:]
        var seeded: Set<Int64> = []

        /// Starts a new month (all counts to zero) when `now` has left the current one.
        mutating func roll(to now: Date) {
            guard now >= end || now < start else { return }
            start = VolumeCounter.startOfMonth(now)
            end = VolumeCounter.utc.date(byAdding: .month, value: 1, to: start) ?? now.addingTimeInterval(86_400)
            counts = [:]
            seeded = []
        }
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public func count(accountID: Int64, now: Date = Date()) -> Int {
        state.withLockedValue { state in
            state.roll(to: now)
            return state.counts[accountID] ?? 0
        }
    }

    public func add(_ count: Int, accountID: Int64, now: Date = Date()) {
        state.withLockedValue { state in
            state.roll(to: now)
            state.counts[accountID, default: 0] += count
        }
    }

    /// Whether this month's figure is known for the account.
    public func isSeeded(accountID: Int64, now: Date = Date()) -> Bool {
        state.withLockedValue { state in
            state.roll(to: now)
            return state.seeded.contains(accountID)
        }
    }

    /// Sets this month's figure from the store; messages counted since the store was read are
    /// added to it.
    public func seed(_ count: Int, accountID: Int64, now: Date = Date()) {
        state.withLockedValue { state in
            state.roll(to: now)
            guard state.seeded.insert(accountID).inserted else { return }
            state.counts[accountID, default: 0] += count
        }
    }

    public static func startOfMonth(_ date: Date) -> Date {
        utc.date(from: utc.dateComponents([.year, .month], from: date)) ?? date
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current
        return calendar
    }()
}
