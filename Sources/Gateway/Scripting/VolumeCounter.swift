import Foundation
import NIOConcurrencyHelpers

/// Messages per account in the current calendar month (UTC): `msg.volume` for volume-tier
/// pricing. Seeded from the store when an account binds, counted in memory after.
public final class VolumeCounter: Sendable {
    private struct Entry {
        var month: Int
        var count: Int
    }

    private let entries = NIOLockedValueBox([Int64: Entry]())

    public init() {}

    public func count(accountID: Int64, now: Date = Date()) -> Int {
        let month = Self.month(of: now)
        return entries.withLockedValue { entries in
            guard let entry = entries[accountID], entry.month == month else { return 0 }
            return entry.count
        }
    }

    public func add(_ count: Int, accountID: Int64, now: Date = Date()) {
        let month = Self.month(of: now)
        entries.withLockedValue { entries in
            if let entry = entries[accountID], entry.month == month {
                entries[accountID] = Entry(month: month, count: entry.count + count)
            } else {
                entries[accountID] = Entry(month: month, count: count)
            }
        }
    }

    /// Whether this month's figure is known for the account.
    public func isSeeded(accountID: Int64, now: Date = Date()) -> Bool {
        let month = Self.month(of: now)
        return entries.withLockedValue { $0[accountID]?.month == month }
    }

    /// Sets this month's figure from the store, unless counting already started.
    public func seed(_ count: Int, accountID: Int64, now: Date = Date()) {
        let month = Self.month(of: now)
        entries.withLockedValue { entries in
            if entries[accountID]?.month != month { entries[accountID] = Entry(month: month, count: count) }
        }
    }

    static func month(of date: Date) -> Int {
        let components = utc.dateComponents([.year, .month], from: date)
        return (components.year ?? 0) * 12 + (components.month ?? 1) - 1
    }

    public static func startOfMonth(_ date: Date) -> Date {
        utc.date(from: utc.dateComponents([.year, .month], from: date)) ?? date
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current
        return calendar
    }()
}
