import NIOConcurrencyHelpers
import Prometheus
import SMPP

/// The gateway's Prometheus metrics (`GET /metrics`): what happened (counters, histograms,
/// updated as it happens) and what is (gauges, read from the live state at each scrape).
public final class GatewayMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let submits: LabeledCounters
    private let receipts: LabeledCounters
    private let hookFailures: LabeledCounters
    private let reloads: (succeeded: Counter, refused: Counter)
    private let hookChain: DurationHistogram
    private let storeCommit: DurationHistogram
    /// The commits' count and summed time, beside the histogram that cannot be read back.
    private let commits = NIOLockedValueBox((count: 0, total: Duration.zero))
    private let binds: (accepted: Counter, refused: Counter)
    /// Label sets set at the last scrape, so that ones that disappeared are set to 0.
    private let lastGauges = NIOLockedValueBox([String: Set<String>]())

    public init() {
        submits = LabeledCounters(registry, metric: ("submits", "total", "Submits answered, by command_status."), label: "status")
        receipts = LabeledCounters(registry, metric: ("receipts", "total", "Upstream receipts matched, by final state."), label: "state")
        hookFailures = LabeledCounters(registry, metric: ("hook_failures", "total", "Hook errors, budget and memory overruns and unusable answers, by plugin."),
                                       label: "plugin")
        reloads = (
            registry.makeCounter(descriptor: Self.name("reloads", "total", "Reloads of the config and plugins, by result."), labels: [("result", "applied")]),
            registry.makeCounter(descriptor: Self.name("reloads", "total", "Reloads of the config and plugins, by result."), labels: [("result", "refused")]))
        binds = (
            registry.makeCounter(descriptor: Self.name("binds", "total", "Bind attempts, by result."), labels: [("result", "accepted")]),
            registry.makeCounter(descriptor: Self.name("binds", "total", "Bind attempts, by result."), labels: [("result", "refused")]))
        hookChain = registry.makeDurationHistogram(
            descriptor: Self.name("hook_chain", "seconds", "Time the Lua hook chain took for one message."),
            buckets: [.microseconds(5), .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100),
                      .microseconds(250), .milliseconds(1), .milliseconds(5), .milliseconds(25)])
        storeCommit = registry.makeDurationHistogram(
            descriptor: Self.name("store_commit", "seconds", "Time one group commit took in the store."),
            buckets: [.microseconds(250), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                      .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(500)])
    }

    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "tern", metricName: metric, unitName: unit, helpText: help)
    }

    /// A submit_sm, data_sm or submit_multi answered with `status`.
    public func submitAnswered(_ status: CommandStatus) { submits.increment(status.name) }

    /// A receipt from upstream matched one of our messages.
    public func receipt(_ state: MessageLifecycle) { receipts.increment(state.rawValue) }

    public func hookFailed(plugin: String) { hookFailures.increment(plugin) }

    public func hookChain(_ duration: Duration) { hookChain.record(duration) }
    public func storeCommit(_ duration: Duration) {
        storeCommit.record(duration)
        commits.withLockedValue { $0.count += 1; $0.total += duration }
    }

    /// Group commits so far and the time they took together (`tern bench` reports how busy the
    /// store's one writer was: past ~80 % of the wall clock, batches grow and so does latency).
    public var storeCommits: (count: Int, total: Duration) { commits.withLockedValue { ($0.count, $0.total) } }

    public func reload(applied: Bool) { (applied ? reloads.succeeded : reloads.refused).increment() }
    public func bind(accepted: Bool) { (accepted ? binds.accepted : binds.refused).increment() }

    /// Gauges of the live state, set just before a scrape.
    public struct LiveState: Sendable {
        public var sessionsByAccount: [String: Int]
        public var queueDepthByConnector: [String: Int]
        public var connectorUp: [String: Bool]
        public var outstanding: Int
    }

    /// The exposition text (format 0.0.4) with the gauges refreshed from `live`.
    public func render(_ live: LiveState) -> String {
        setGauges("sessions_bound", "Sessions bound now, by account.", label: "account", live.sessionsByAccount.mapValues(Double.init))
        setGauges("queue_depth", "Messages queued for a connector.", label: "connector", live.queueDepthByConnector.mapValues(Double.init))
        setGauges("connector_up", "1 when a connector's link is up.", label: "connector", live.connectorUp.mapValues { $0 ? 1 : 0 })
        registry.makeGauge(descriptor: Self.name("outstanding", "messages", "Messages accepted and not yet settled with an upstream."))
            .set(to: Double(live.outstanding))
        return registry.emitToString()
    }

    private func setGauges(_ metric: String, _ help: String, label: String, _ values: [String: Double]) {
        let descriptor = Self.name(metric, "", help)
        let previous = lastGauges.withLockedValue { $0[metric] ?? [] }
        for (key, value) in values {
            registry.makeGauge(descriptor: descriptor, labels: [(label, key)]).set(to: value)
        }
        for gone in previous.subtracting(values.keys) {
            registry.makeGauge(descriptor: descriptor, labels: [(label, gone)]).set(to: 0)
        }
        lastGauges.withLockedValue { $0[metric] = previous.union(values.keys) }
    }
}

/// One counter per value of a label, made on first use and kept, so counting is a dictionary
/// lookup rather than a registry lookup.
private final class LabeledCounters: Sendable {
    private let registry: PrometheusCollectorRegistry
    /// Name, unit and help, kept as strings (`MetricNameDescriptor` is not `Sendable`).
    private let metric: (name: String, unit: String, help: String)
    private let label: String
    private let counters = NIOLockedValueBox([String: Counter]())

    init(_ registry: PrometheusCollectorRegistry, metric: (name: String, unit: String, help: String), label: String) {
        self.registry = registry
        self.metric = metric
        self.label = label
    }

    func increment(_ value: String) {
        let counter = counters.withLockedValue { counters -> Counter in
            if let counter = counters[value] { return counter }
            let counter = registry.makeCounter(descriptor: GatewayMetrics.name(metric.name, metric.unit, metric.help), labels: [(label, value)])
            counters[value] = counter
            return counter
        }
        counter.increment()
    }
}
