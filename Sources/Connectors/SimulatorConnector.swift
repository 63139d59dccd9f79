import Foundation
import Gateway
import Logging
import NIOConcurrencyHelpers

/// The built-in upstream: acknowledges every submit at once and sends a receipt after a delay,
/// with a configurable mix of outcomes. It is the default route, so a first run works with no
/// real upstream. Like a real SMSC it remembers what it accepted: after a restart the gateway
/// hands it the messages still awaiting a receipt (`resume`), and their receipts still come.
public final class SimulatorConnector: Connector {
    public let name: String
    public let settings: SimulatorSettings
    private let logger: Logger
    private let state = NIOLockedValueBox(State())
    private let outcomes: [(state: MessageLifecycle, weight: Double, error: Int)]

    private struct State {
        var delegate: (any ConnectorDelegate)?
        var pending = DeadlineHeap<UpstreamReceipt>()
        var timer: Task<Void, Never>?
        var running = false
        var inFlight = 0
    }

    public init(name: String, settings: SimulatorSettings, logger: Logger) {
        self.name = name
        self.settings = settings
        self.logger = logger
        outcomes = [
            (.delivered, settings.delivered, 0),
            (.undeliverable, settings.undeliverable, 1),
            (.expired, settings.expired, 0),
            (.rejected, settings.rejected, 2),
        ].filter { $0.1 > 0 }
    }

    public var capacity: Int { settings.capacity }

    public var health: ConnectorHealth {
        state.withLockedValue { ConnectorHealth(link: $0.running ? .up : .stopped, sessionsUp: $0.running ? 1 : 0, inFlight: $0.pending.count) }
    }

    public func start(delegate: any ConnectorDelegate) async throws {
        let timer = Task.detached { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(10))
                self?.sendDueReceipts()
            }
        }
        state.withLockedValue { state in
            state.delegate = delegate
            state.running = true
            state.timer = timer
        }
    }

    public func submit(_ message: Message) async -> SubmitOutcome {
        let receipt = makeReceipt(upstreamID: message.id.description)
        let running = state.withLockedValue { state -> Bool in
            guard state.running else { return false }
            state.pending.insert(receipt.0, due: receipt.1)
            return true
        }
        guard running else { return .temporaryFailure(status: nil, reason: "simulator stopped") }
        return .accepted(upstreamID: message.id.description)
    }

    public func resume(awaitingReceipt messages: [Message]) async {
        state.withLockedValue { state in
            for message in messages {
                let receipt = makeReceipt(upstreamID: message.upstreamID ?? message.id.description)
                state.pending.insert(receipt.0, due: receipt.1)
            }
        }
        if !messages.isEmpty {
            logger.info("simulator resumed receipts from before the restart", metadata: ["count": "\(messages.count)"])
        }
    }

    public func stop() async {
        let timer = state.withLockedValue { state -> Task<Void, Never>? in
            state.running = false
            defer { state.timer = nil }
            return state.timer
        }
        timer?.cancel()
    }

    private func makeReceipt(upstreamID: String) -> (UpstreamReceipt, Date) {
        let delay = Double(Int.random(in: settings.minDelayMilliseconds...max(settings.minDelayMilliseconds, settings.maxDelayMilliseconds))) / 1000
        let due = Date().addingTimeInterval(delay)
        var outcome = (state: MessageLifecycle.delivered, error: 0)
        if outcomes.count > 1 || outcomes.first?.state != .delivered {
            let total = outcomes.reduce(0) { $0 + $1.weight }
            var draw = Double.random(in: 0..<max(total, .leastNonzeroMagnitude))
            for candidate in outcomes {
                if draw < candidate.weight {
                    outcome = (candidate.state, candidate.error)
                    break
                }
                draw -= candidate.weight
            }
        }
        return (UpstreamReceipt(upstreamID: upstreamID, state: outcome.state, errorCode: outcome.error, doneAt: due), due)
    }

    private func sendDueReceipts() {
        let (due, delegate) = state.withLockedValue { state in
            (state.pending.popDue(now: Date()), state.delegate)
        }
        guard let delegate else { return }
        for receipt in due { delegate.connector(name, received: receipt) }
    }
}
