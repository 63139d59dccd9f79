/// A token bucket: `rate` tokens per second, holding at most `burst`. A pure value; the caller
/// passes the time, so tests need no clock.
public struct TokenBucket: Sendable, Hashable {
    public var rate: Double
    public var burst: Double
    private var tokens: Double
    private var last: Double

    /// `now` in seconds on any monotonic scale.
    public init(rate: Double, burst: Double? = nil, now: Double) {
        self.rate = rate
        self.burst = burst ?? max(1, rate)
        tokens = self.burst
        last = now
    }

    /// Takes one token if there is one.
    public mutating func take(now: Double) -> Bool {
        refill(now: now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Seconds until a token is available (0 if one is).
    public mutating func wait(now: Double) -> Double {
        refill(now: now)
        return tokens >= 1 ? 0 : (1 - tokens) / rate
    }

    private mutating func refill(now: Double) {
        if now > last {
            tokens = min(burst, tokens + (now - last) * rate)
            last = now
        }
    }
}
