import Foundation

/// A way out of Tern toward the network: an upstream SMSC over SMPP, an HTTP sink, the simulator.
///
/// The dispatcher calls `submit` for one message at a time, concurrently up to the connector's
/// own window; the connector reports receipts and MO messages through its delegate. A connector
/// must never block the caller: it answers `temporaryFailure` when its links are down or full.
public protocol Connector: AnyObject, Sendable {
    var name: String { get }
    /// Whether broadcast_sm can go through this connector.
    var supportsBroadcast: Bool { get }
    /// How many submits may be outstanding at once now (bound sessions × current window); the
    /// dispatcher reads it before each batch and keeps at most this many in flight. While the
    /// link is down it should still be positive, so queued messages fail over.
    var capacity: Int { get }

    /// Connects (or starts listening) and begins reporting to `delegate`. Returns when the
    /// connector is ready to take submits, or throws when its settings cannot work at all.
    func start(delegate: any ConnectorDelegate) async throws
    /// Hands one message to the upstream and reports how it answered.
    func submit(_ message: Message) async -> SubmitOutcome
    /// The same, reporting through `answered` (once, from any thread, never before this call
    /// returns). The dispatcher uses this form: a connector that can answer from its event loop
    /// spares every message a task and two thread hops. The default runs `submit(_:) async` in
    /// a task.
    func submit(_ message: Message, answered: @escaping @Sendable (SubmitOutcome) -> Void)
    /// Messages this connector acknowledged before a restart and that still await a receipt,
    /// for connectors that produce receipts themselves (the simulator).
    func resume(awaitingReceipt messages: [Message]) async
    /// The link's live state.
    var health: ConnectorHealth { get }
    /// Stops taking submits, waits for outstanding ones (bounded), unbinds and closes.
    func stop() async
}

extension Connector {
    public var supportsBroadcast: Bool { false }
    public func submit(_ message: Message, answered: @escaping @Sendable (SubmitOutcome) -> Void) {
        Task { answered(await submit(message)) }
    }
    public func resume(awaitingReceipt messages: [Message]) async {}
}

/// What a connector reports back into the gateway. Called from any thread.
///
/// `taken` runs once the gateway has made what it was told durable (or found it needs nothing
/// kept): only then may the connector acknowledge it upstream, so a crash never loses a receipt
/// or an MO message the upstream believes delivered. `false` means it could not be kept now;
/// the connector answers with a temporary error so the upstream sends it again.
public protocol ConnectorDelegate: Sendable {
    func connector(_ name: String, received receipt: UpstreamReceipt, taken: @escaping @Sendable (Bool) -> Void)
    func connector(_ name: String, receivedMobileOriginated message: MobileOriginatedMessage, taken: @escaping @Sendable (Bool) -> Void)
}

extension ConnectorDelegate {
    /// For connectors with nothing to acknowledge (the simulator resumes its receipts from the
    /// store after a restart).
    public func connector(_ name: String, received receipt: UpstreamReceipt) {
        connector(name, received: receipt, taken: { _ in })
    }

    public func connector(_ name: String, receivedMobileOriginated message: MobileOriginatedMessage) {
        connector(name, receivedMobileOriginated: message, taken: { _ in })
    }
}

/// How an upstream answered one submit.
public enum SubmitOutcome: Sendable, Hashable {
    /// Taken; the upstream's id as it wrote it.
    case accepted(upstreamID: String)
    /// Worth retrying, here or on the next connector (throttled, system error, link down, timeout).
    case temporaryFailure(status: UInt32?, reason: String)
    /// Not tried: the connector has no room right now (window full, paced by its rate). The
    /// dispatcher puts the message back at the head of its queue without counting an attempt.
    case busy(reason: String)
    /// The upstream refused the message for good (invalid destination, …).
    case permanentFailure(status: UInt32, reason: String)
}

/// A delivery receipt from upstream, before it is matched to our message.
public struct UpstreamReceipt: Sendable, Hashable {
    public var upstreamID: String
    public var state: MessageLifecycle
    public var errorCode: Int
    public var doneAt: Date?

    public init(upstreamID: String, state: MessageLifecycle, errorCode: Int = 0, doneAt: Date? = nil) {
        self.upstreamID = upstreamID
        self.state = state
        self.errorCode = errorCode
        self.doneAt = doneAt
    }
}

/// A mobile-originated message from upstream.
public struct MobileOriginatedMessage: Sendable, Hashable {
    public var source: WireAddress
    public var destination: WireAddress
    public var esmClass: UInt8
    public var dataCoding: UInt8
    public var shortMessage: [UInt8]
    public var tlvs: [UInt8]
    public var receivedAt: Date

    public init(source: WireAddress, destination: WireAddress, esmClass: UInt8 = 0, dataCoding: UInt8 = 0,
                shortMessage: [UInt8], tlvs: [UInt8] = [], receivedAt: Date = Date()) {
        self.source = source
        self.destination = destination
        self.esmClass = esmClass
        self.dataCoding = dataCoding
        self.shortMessage = shortMessage
        self.tlvs = tlvs
        self.receivedAt = receivedAt
    }
}

/// A connector's live state, for routing decisions, the admin API and logs.
public struct ConnectorHealth: Sendable, Hashable {
    public enum Link: String, Sendable, Hashable { case up, down, connecting, stopped }
    public var link: Link
    /// Sessions bound now (for SMPP), 1 or 0 for others.
    public var sessionsUp: Int
    public var inFlight: Int
    /// The submit rate the connector allows itself now (messages per second); nil if unlimited.
    public var currentRate: Double?

    public init(link: Link, sessionsUp: Int = 0, inFlight: Int = 0, currentRate: Double? = nil) {
        self.link = link
        self.sessionsUp = sessionsUp
        self.inFlight = inFlight
        self.currentRate = currentRate
    }
}
