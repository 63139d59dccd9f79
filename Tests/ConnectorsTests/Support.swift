import Foundation
import Gateway
import Logging
import NIOPosix
import NIOConcurrencyHelpers

/// Records what a connector reports.
final class RecordingDelegate: ConnectorDelegate {
    let receipts = NIOLockedValueBox<[UpstreamReceipt]>([])
    let mobileOriginated = NIOLockedValueBox<[MobileOriginatedMessage]>([])

    func connector(_ name: String, received receipt: UpstreamReceipt, taken: @escaping @Sendable (Bool) -> Void) {
        receipts.withLockedValue { $0.append(receipt) }
        taken(true)
    }

    func connector(_ name: String, receivedMobileOriginated message: MobileOriginatedMessage, taken: @escaping @Sendable (Bool) -> Void) {
        mobileOriginated.withLockedValue { $0.append(message) }
        taken(true)
    }
}

/// Holds each report's `taken` until the test completes it, as a gateway whose store is slow.
final class DeferringDelegate: ConnectorDelegate {
    let waiting = NIOLockedValueBox<[@Sendable (Bool) -> Void]>([])

    func connector(_ name: String, received receipt: UpstreamReceipt, taken: @escaping @Sendable (Bool) -> Void) {
        waiting.withLockedValue { $0.append(taken) }
    }

    func connector(_ name: String, receivedMobileOriginated message: MobileOriginatedMessage, taken: @escaping @Sendable (Bool) -> Void) {
        waiting.withLockedValue { $0.append(taken) }
    }

    /// Completes the oldest report.
    func complete(_ kept: Bool) {
        let next = waiting.withLockedValue { $0.isEmpty ? nil : $0.removeFirst() }
        next?(kept)
    }
}

/// Polls `condition` every 10 ms until it holds or `seconds` pass; returns whether it held.
func eventually(within seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

func testLogger() -> Logger {
    var logger = Logger(label: "tern.tests.connectors")
    logger.logLevel = .error
    return logger
}

func testMessage(_ number: Int, registeredDelivery: UInt8 = 1, text: String? = nil) -> Message {
    Message(id: MessageID(rawValue: Int64(1_000_000 + number)), accountID: 1, systemID: "acme",
            source: WireAddress(ton: 5, npi: 0, value: "Tern"),
            destination: WireAddress(ton: 1, npi: 1, value: "44770090\(String(format: "%04d", number % 10_000))"),
            registeredDelivery: registeredDelivery,
            shortMessage: Array((text ?? "hello \(number)").utf8), receivedAt: Date())
}
