import Gateway
import Testing
@testable import Connectors

@Suite("AdaptiveRate: additive increase, multiplicative decrease")
struct AdaptiveRateTests {
    @Test("starts at the configured rate and window")
    func start() {
        let rate = AdaptiveRate(maximumRate: 200, maximumWindow: 10)
        #expect(rate.rate == 200)
        #expect(rate.window == 10)
        #expect(AdaptiveRate(maximumRate: nil, maximumWindow: 10).rate == nil)
    }

    @Test("ESME_RTHROTTLED halves rate and window, at most once per 100 ms")
    func throttledHalves() {
        var rate = AdaptiveRate(maximumRate: 200, maximumWindow: 10)
        let r1 = rate.throttled(now: 1.0)
        #expect(r1)
        #expect(rate.rate == 100)
        #expect(rate.window == 5)
        // The rest of the same burst of throttled answers counts as the same event.
        let r2 = rate.throttled(now: 1.05)
        #expect(!r2)
        #expect(rate.rate == 100)
        let r3 = rate.throttled(now: 1.2)
        #expect(r3)
        #expect(rate.rate == 50)
        #expect(rate.window == 2)
        #expect(rate.decreases == 2)
    }

    @Test("never goes below the minimum rate or a window of one")
    func floor() {
        var rate = AdaptiveRate(maximumRate: 4, maximumWindow: 2, minimumRate: 1)
        for step in 0..<10 { rate.throttled(now: Double(step)) }
        #expect(rate.rate == 1)
        #expect(rate.window == 1)
    }

    @Test("sustained success climbs back to the configured maximum, not beyond")
    func recovers() {
        var rate = AdaptiveRate(maximumRate: 200, maximumWindow: 10)
        rate.throttled(now: 0)
        var now = 1.0
        for _ in 0..<2_000 {
            now += 0.001
            rate.answered(latency: 0.002, now: now)
        }
        #expect(rate.rate == 200)
        #expect(rate.window == 10)
    }

    @Test("a response latency far above the baseline counts as congestion")
    func latency() {
        var rate = AdaptiveRate(maximumRate: 1000, maximumWindow: 20)
        var now = 0.0
        for _ in 0..<100 {
            now += 0.001
            rate.answered(latency: 0.002, now: now)
        }
        #expect(rate.rate == 1000)
        #expect(rate.baselineLatency.map { abs($0 - 0.002) < 1e-9 } == true)
        // Ordinary jitter is not congestion.
        let r4 = rate.answered(latency: 0.010, now: now + 0.001)
        #expect(!r4)
        let r5 = rate.answered(latency: 0.500, now: now + 0.002)
        #expect(r5)
        #expect(rate.rate == 500)
        #expect(rate.window == 10)
    }

    @Test("an unlimited link throttled starts from what it carried, then returns to unlimited")
    func unlimited() {
        var rate = AdaptiveRate(maximumRate: nil, maximumWindow: 10)
        var now = 0.0
        // 1,000 answers per second for two seconds.
        for _ in 0..<2_000 {
            now += 0.001
            rate.answered(latency: 0.001, now: now)
        }
        rate.throttled(now: now)
        let cut = try? #require(rate.rate)
        #expect(cut.map { $0 > 300 && $0 < 700 } == true, "half of the observed ~1000/s, got \(String(describing: cut))")
        for _ in 0..<20_000 {
            now += 0.001
            rate.answered(latency: 0.001, now: now)
            if rate.rate == nil { break }
        }
        #expect(rate.rate == nil)
    }

    @Test("the token bucket paces, reserves briefly and refuses long waits")
    func bucket() {
        var bucket = TokenBucket(rate: 100, burst: SMPPUpstreamConnector.pacingBurst(100), now: 0)
        // A burst of 5 (50 ms worth) at once, then each next token 10 ms later.
        for _ in 0..<5 {
            let taken = bucket.take(now: 0, maximumWait: 0)
            #expect(taken == 0)
        }
        let wait = bucket.take(now: 0, maximumWait: 0.2)
        #expect(wait.map { abs($0 - 0.01) < 1e-9 } == true)
        let refused = bucket.take(now: 0, maximumWait: 0.015)
        #expect(refused == nil)
        let later = bucket.take(now: 1, maximumWait: 0)
        #expect(later == 0)
    }
}
