import Foundation

/// SMPP's absolute time format (reference §4.7.23): `YYMMDDhhmmsstnnp`, written here in UTC
/// (`000+`), for query_sm_resp final_date and the validity_period forwarded upstream.
public enum SMPPTimeFormat {
    public static func absolute(_ date: Date) -> String {
        let time = UTCTime(date)
        var octets: [UInt8] = []
        octets.reserveCapacity(16)
        for part in [time.year % 100, time.month, time.day, time.hour, time.minute, time.second] {
            UTCTime.appendDigits(part, width: 2, to: &octets)
        }
        octets.append(contentsOf: "000+".utf8)
        return String(decoding: octets, as: UTF8.self)
    }
}

/// A moment broken into its UTC calendar fields, and back, by arithmetic on the epoch.
///
/// Receipts, validity periods and query answers need this for every message; Foundation's
/// `Calendar` (and `String(format:)` to print it) cost more than the rest of a receipt put
/// together, so the hot path does not use them.
public struct UTCTime: Sendable, Hashable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    public init(_ date: Date) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        (year, month, day) = Self.civilDate(daysSince1970: days)
        hour = secondOfDay / 3600
        minute = secondOfDay / 60 % 60
        second = secondOfDay % 60
    }

    /// The moment these fields name in UTC; nil when a field is out of range. A day past the
    /// month's end rolls into the next month, as `Calendar` does.
    public static func date(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute),
              (0...60).contains(second) else { return nil }
        let days = daysSince1970(year: Int64(year), month: Int64(month), day: Int64(day))
        return Date(timeIntervalSince1970: Double(days * 86_400 + Int64(hour * 3600 + minute * 60 + second)))
    }

    /// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    public static func civilDate(daysSince1970: Int64) -> (year: Int, month: Int, day: Int) {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (the inverse of `civilDate`).
    public static func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `value` in decimal, zero-padded to `width` digits (no `String(format:)`).
    public static func appendDigits(_ value: Int, width: Int, to octets: inout [UInt8]) {
        var digits: [UInt8] = []
        var rest = max(0, value)
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        if digits.count < width { octets.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - digits.count)) }
        octets.append(contentsOf: digits.reversed())
    }

    /// `value` in decimal, zero-padded to `width` digits.
    public static func digits(_ value: Int, width: Int) -> String {
        var octets: [UInt8] = []
        appendDigits(value, width: width, to: &octets)
        return String(decoding: octets, as: UTF8.self)
    }
}
