/// Paces submits to a rate: tokens refill continuously, each submit takes one, and a submit that
/// finds none may reserve a future token when it would wait no longer than a bound.
struct TokenBucket: Sendable, Hashable {
    private(set) var rate: Double
    private(set) var tokens: Double
    private var burst: Double
    private var last: Double

    init(rate: Double, now: Double) {
        self.rate = rate
        burst = Self.burst(for: rate)
        tokens = burst
        last = now
    }

    /// 50 ms worth of messages, at least one: enough to absorb the jitter of the callers
    /// without letting a stalled link send a large burst when it comes back.
    private static func burst(for rate: Double) -> Double { max(1, rate / 20) }

    mutating func setRate(_ newRate: Double, now: Double) {
        refill(now: now)
        rate = newRate
        burst = Self.burst(for: newRate)
        tokens = min(tokens, burst)
    }

    /// Takes a token; returns how long the caller must wait before sending (0 for now), or nil
    /// when that would be longer than `maximumWait` (then nothing is taken).
    mutating func take(now: Double, maximumWait: Double) -> Double? {
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

    private mutating func refill(now: Double) {
        guard now > last else { return }
        tokens = min(burst, tokens + (now - last) * rate)
        last = now
    }
}
