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

    /// Takes a token, reserving a future one if need be: returns how long the caller must wait
    /// before acting (0 for now), or nil when that would be longer than `maximumWait` (then
    /// nothing is taken). Lets a pacer wait a little instead of refusing.
    public mutating func take(now: Double, maximumWait: Double) -> Double? {
        refill(now: now)
        if tokens >= 1 {
            tokens -= 1
            return 0
        }
        let wait = (1 - tokens) / rate
        guard wait <= maximumWait else { return nil }
        tokens -= 1
        return wait
    }

    /// Changes the rate (and burst) keeping the tokens earned so far, up to the new burst.
    public mutating func setRate(_ newRate: Double, burst newBurst: Double? = nil, now: Double) {
        refill(now: now)
        rate = newRate
        burst = newBurst ?? max(1, newRate)
        tokens = min(tokens, burst)
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
