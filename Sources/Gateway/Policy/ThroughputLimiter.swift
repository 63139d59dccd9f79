import NIOConcurrencyHelpers

/// Per-account submit rate over all of the account's sessions (ESME_RTHROTTLED beyond it).
public final class ThroughputLimiter: Sendable {
    private let buckets = NIOLockedValueBox([Int64: TokenBucket]())
    private let clock = ContinuousClock()
    private let origin = ContinuousClock.now

    public init() {}

    /// Whether the account may submit one more message now; `nil` rate is unlimited.
    public func admit(accountID: Int64, rate: Int?) -> Bool {
        guard let rate, rate > 0 else { return true }
        let now = seconds()
        return buckets.withLockedValue { buckets in
            var bucket = buckets[accountID] ?? TokenBucket(rate: Double(rate), now: now)
            if bucket.rate != Double(rate) {
                bucket = TokenBucket(rate: Double(rate), now: now)
            }
            let admitted = bucket.take(now: now)
            buckets[accountID] = bucket
            return admitted
        }
    }

    private func seconds() -> Double {
        let elapsed = origin.duration(to: clock.now)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
