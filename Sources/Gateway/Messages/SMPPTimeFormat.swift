import Foundation

/// SMPP's absolute time format (reference §4.7.23): `YYMMDDhhmmsstnnp`, written here in UTC
/// (`000+`), for query_sm_resp final_date and the validity_period forwarded upstream.
public enum SMPPTimeFormat {
    public static func absolute(_ date: Date) -> String {
        let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%02d%02d%02d%02d%02d%02d000+", (c.year ?? 2000) % 100, c.month ?? 1, c.day ?? 1,
                      c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? .current
        return calendar
    }()
}
