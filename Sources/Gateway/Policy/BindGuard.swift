/// Brute-force protection for binds, per remote address: after a few failures each further
/// attempt is answered more slowly, and after `failuresBeforeBan` the address is refused
/// outright for `banSeconds`. A pure value: the caller passes the time in seconds.
public struct BindGuard: Sendable {
    public let failuresBeforeBan: Int
    public let banSeconds: Double
    /// Failures are forgotten after this long without a new one.
    public let memorySeconds: Double

    private struct Record {
        var failures: Int
        var lastFailure: Double
        var bannedUntil: Double?
    }

    private var records: [String: Record] = [:]

    public init(failuresBeforeBan: Int, banSeconds: Double, memorySeconds: Double = 600) {
        self.failuresBeforeBan = max(1, failuresBeforeBan)
        self.banSeconds = banSeconds
        self.memorySeconds = memorySeconds
    }

    public enum Verdict: Sendable, Hashable {
        /// Go ahead, after waiting this many seconds (0 for a clean address).
        case proceed(delay: Double)
        /// Refused without looking at the credentials, until the ban ends.
        case banned(remainingSeconds: Double)
    }

    public mutating func check(_ address: String, now: Double) -> Verdict {
        guard var record = records[address] else { return .proceed(delay: 0) }
        if let until = record.bannedUntil {
            if now < until { return .banned(remainingSeconds: until - now) }
            records[address] = nil
            return .proceed(delay: 0)
        }
        if now - record.lastFailure > memorySeconds {
            records[address] = nil
            return .proceed(delay: 0)
        }
        record.bannedUntil = nil
        // Free for the first three mistakes (typos), then 250 ms more per failure, at most 3 s.
        let delay = record.failures < 3 ? 0 : min(3, Double(record.failures - 2) * 0.25)
        return .proceed(delay: delay)
    }

    public mutating func failed(_ address: String, now: Double) {
        var record = records[address] ?? Record(failures: 0, lastFailure: now, bannedUntil: nil)
        record.failures += 1
        record.lastFailure = now
        if record.failures >= failuresBeforeBan { record.bannedUntil = now + banSeconds }
        records[address] = record
        if records.count > 100_000 { forgetOld(now: now) }
    }

    public mutating func succeeded(_ address: String) {
        records[address] = nil
    }

    private mutating func forgetOld(now: Double) {
        records = records.filter { _, record in
            if let until = record.bannedUntil { return until > now }
            return now - record.lastFailure <= memorySeconds
        }
    }
}
