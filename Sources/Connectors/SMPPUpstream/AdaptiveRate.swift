/// How fast, and how many submits at once, an upstream link allows itself now: additive increase,
/// multiplicative decrease (AIMD), as TCP does with its congestion window.
///
/// A pure value: the connector feeds it the outcome of every submit with a monotonic time in
/// seconds, and reads `rate` and `window` back. Tests drive it without sockets or clocks.
public struct AdaptiveRate: Sendable, Hashable {
    /// The configured ceiling in messages per second; nil is unlimited.
    public let maximumRate: Double?
    /// The configured window per session (the ceiling of `window`).
    public let maximumWindow: Int
    /// The lowest rate a decrease may reach, so a link never stalls completely.
    public let minimumRate: Double

    /// The rate allowed now in messages per second; nil is unlimited.
    public private(set) var rate: Double?
    /// The submits allowed in flight per session now.
    public private(set) var window: Int
    /// The smallest recent response latency in seconds: what the link does when it is not congested.
    public private(set) var baselineLatency: Double?
    /// How many times the rate was cut, for health and logs.
    public private(set) var decreases = 0

    private var samples = 0
    private var successesSinceChange = 0
    private var lastDecrease: Double?
    /// Where the increase goes back to "unlimited" when no ceiling is configured: twice the rate
    /// the first cut started from.
    private var recoveryCeiling: Double?
    /// Completions per second, measured over whole seconds, to start from when an unlimited link
    /// is first throttled.
    private var observedRate: Double?
    private var windowStart: Double?
    private var windowCount = 0

    /// A latency sample is "well above the baseline" past `baseline × latencyFactor + latencySlack`;
    /// the slack keeps sub-millisecond loopback jitter from counting as congestion.
    static let latencyFactor = 4.0
    static let latencySlack = 0.050
    /// Samples needed before latency alone may cut the rate.
    static let samplesBeforeLatencyCounts = 32
    /// At most one cut per this many seconds (or per baseline RTT, whichever is longer), so a burst
    /// of throttled answers to submits sent together counts as one congestion event.
    static let minimumDecreaseInterval = 0.100

    public init(maximumRate: Double?, maximumWindow: Int, minimumRate: Double = 1) {
        let window = max(1, maximumWindow)
        self.maximumRate = maximumRate.map { max($0, minimumRate) }
        self.maximumWindow = window
        self.minimumRate = minimumRate
        self.rate = self.maximumRate
        self.window = window
    }

    /// The upstream answered ESME_RTHROTTLED (or a queue-full status): halve rate and window.
    /// Returns whether it cut (false inside the hold-off after the previous cut).
    @discardableResult
    public mutating func throttled(now: Double) -> Bool {
        decrease(now: now)
    }

    /// A submit was answered (accepted or refused, but not throttled) after `latency` seconds.
    /// Returns whether that sample cut the rate because it was far above the baseline.
    @discardableResult
    public mutating func answered(latency: Double, now: Double) -> Bool {
        countCompletion(now: now)
        samples += 1
        if let baseline = baselineLatency, samples > Self.samplesBeforeLatencyCounts,
           latency > baseline * Self.latencyFactor + Self.latencySlack {
            return decrease(now: now)
        }
        // The baseline follows the minimum at once and creeps up slowly, so a lasting change of
        // path (not a queue) becomes the new normal.
        if let baseline = baselineLatency {
            baselineLatency = latency < baseline ? latency : baseline * 0.99 + latency * 0.01
        } else {
            baselineLatency = latency
        }
        increase()
        return false
    }

    private mutating func decrease(now: Double) -> Bool {
        let holdOff = max(Self.minimumDecreaseInterval, baselineLatency ?? 0)
        if let lastDecrease, now - lastDecrease < holdOff { return false }
        lastDecrease = now
        decreases += 1
        successesSinceChange = 0
        window = max(1, window / 2)
        let from: Double
        if let rate {
            from = rate
        } else {
            // Unlimited until now: start from what the link actually carried.
            from = observedRate ?? Double(maximumWindow) / max(baselineLatency ?? 0.01, 0.001)
            recoveryCeiling = from * 2
        }
        rate = max(minimumRate, from * 0.5)
        return true
    }

    /// One step up after a window's worth of answers in a row: one more slot, and 5% of the
    /// ceiling more rate.
    private mutating func increase() {
        successesSinceChange += 1
        guard successesSinceChange >= window else { return }
        successesSinceChange = 0
        if window < maximumWindow { window += 1 }
        guard let current = rate else { return }
        if let maximumRate {
            rate = min(maximumRate, current + max(1, maximumRate * 0.05))
        } else {
            let ceiling = recoveryCeiling ?? current * 2
            let next = current + max(1, ceiling * 0.05)
            rate = next >= ceiling ? nil : next
        }
    }

    private mutating func countCompletion(now: Double) {
        guard let start = windowStart else {
            windowStart = now
            windowCount = 1
            return
        }
        windowCount += 1
        if now - start >= 1 {
            observedRate = Double(windowCount) / (now - start)
            windowStart = now
            windowCount = 0
        }
    }
}
