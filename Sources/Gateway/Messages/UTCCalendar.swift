import Foundation
import SMPP

extension SMPPTime {
    /// `date` as an absolute SMPP time in UTC (`…000+`), for the validity period forwarded
    /// upstream and query_sm_resp final_date.
    public init(utc date: Date) {
        let (days, secondOfDay) = UTCCalendar.split(date)
        let (year, month, day) = UTCCalendar.civilDate(daysSince1970: days)
        self.init(year: year % 100, month: month, day: day, hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60,
                  second: secondOfDay % 60, kind: .absolute(quarterHours: 0))
    }
}

/// Calendar arithmetic in UTC on the epoch, for the per-message path: receipts, validity
/// periods and query answers need it for every message, and Foundation's `Calendar` cost more
/// than the rest of a receipt put together.
public enum UTCCalendar {
    /// Whole days since 1970-01-01 and the second of that day.
    public static func split(_ date: Date) -> (days: Int64, secondOfDay: Int) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        return (days, Int(seconds - days * 86_400))
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
}
