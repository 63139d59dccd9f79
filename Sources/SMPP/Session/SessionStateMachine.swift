/// The rules of one SMPP session (reference §9), for either end, as a pure value.
///
/// The channel handler owns one of these, feeds it what happened (a PDU arrived, the application
/// wants to send one, a response went out, the connection closed, time passed) and runs the
/// returned ``SessionAction``. The machine does no I/O and keeps no clock: every event carries
/// `now`, so tests drive it with a fake `Instant` and production with `ContinuousClock.Instant`
/// (or a wrapper around `NIODeadline`).
///
/// It owns:
/// - the session state and which PDUs each side may send in it;
/// - the window of requests *we* sent, matched to responses by sequence number, never by order;
/// - our sequence numbers, 1…0x7FFFFFFF, wrapping to 1;
/// - the timers of ``SessionTimers``, checked by ``tick(now:)``. No timer is armed per request:
///   the hot path (a request and its response) is a dictionary insert and a removal.
///
/// Peer input never traps; anything the peer gets wrong becomes an action.
///
/// How a handler drives it (one `run(_:)` switch over ``SessionAction``):
/// - `channelActive`: `connectionOpened(now:)`, then schedule `tick(now:)` every
///   `timers.tickInterval` (or a one-shot at ``nextDeadline``).
/// - each decoded PDU: `run(pduReceived(id, sequenceNumber:, status:, now:))`; `.forward` hands the
///   PDU to the application.
/// - the application writes a request: `requestWillBeSent(id, now:)`; on `.sendRequest` write it
///   with that sequence number and keep its promise under that number.
/// - the application writes a bind_*_resp (as MC): `bindResponseSent(status:)` after the write.
/// - graceful shutdown: `unbindRequested(now:)`; `channelInactive`: `closed()`; fatal error: `errorHappened()`.
///
/// Keep the machine a stored property of the handler and mutate it in place, so the window's
/// dictionary is never copied. For the hot path use ``SessionInstant`` as `Instant`.
public struct SessionStateMachine<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public typealias Action = SessionAction
    public typealias Role = SessionRole

    /// Which end of the session we are.
    public let role: SessionRole
    /// The timer configuration this session runs with.
    public let timers: SessionTimers
    /// Where the session is now.
    public private(set) var state: SessionState
    /// The sequence number our next request will carry.
    public private(set) var nextSequenceNumber: UInt32

    private var window: RequestWindow<Instant>
    /// When the connection came up; the session_init timer counts from here.
    private var openedAt: Instant?
    /// The last time any PDU arrived; the enquire_link and inactivity timers count from here.
    /// Only received traffic counts: our own writes prove nothing about the peer being alive.
    private var lastReceived: Instant?
    /// The enquire_link the machine sent on its own and still waits for.
    private var keepAliveSequenceNumber: UInt32?
    /// The bind we (as ESME) sent and still wait for.
    private var bindSequenceNumber: UInt32?
    /// The bind the peer sent that was forwarded to the application and not answered yet (as MC).
    private var pendingBind: BindType?

    /// The largest sequence number SMPP allows; the next one after it is 1.
    public static var maximumSequenceNumber: UInt32 { 0x7FFF_FFFF }

    /// Creates the machine for a connection that is about to open.
    ///
    /// - Parameters:
    ///   - role: which end we are.
    ///   - windowSize: how many of our requests may wait for a response at once (at least 1).
    ///     enquire_link, bind and unbind never need a slot.
    ///   - timers: the session timers.
    ///   - firstSequenceNumber: the sequence number of our first request; out-of-range values mean 1.
    public init(
        role: SessionRole,
        windowSize: Int = 10,
        timers: SessionTimers = SessionTimers(),
        firstSequenceNumber: UInt32 = 1
    ) {
        self.role = role
        self.timers = timers
        self.state = .open
        self.window = RequestWindow(capacity: windowSize)
        self.nextSequenceNumber =
            (1...Self.maximumSequenceNumber).contains(firstSequenceNumber) ? firstSequenceNumber : 1
    }

    // MARK: - Queries

    /// How many of our requests may be outstanding at once.
    public var windowSize: Int { window.capacity }

    /// How many of our requests wait for a response (session PDUs included).
    public var outstandingCount: Int { window.count }

    /// Whether the next application request would be refused with `.windowFull`.
    public var isWindowFull: Bool { window.isFull }

    /// Whether a request with this sequence number waits for its response.
    public func isOutstanding(_ sequenceNumber: UInt32) -> Bool { window.contains(sequenceNumber) }

    /// The earliest instant at which ``tick(now:)`` may have something to do, or nil when no timer runs.
    ///
    /// Never later than the real deadline, possibly earlier (a tick then does nothing). O(1): a
    /// handler may use it to schedule a single one-shot timer instead of a periodic tick.
    public var nextDeadline: Instant? {
        guard state != .closed, let openedAt else { return nil }
        var earliest = window.earliestDeadline(timeout: timers.response)
        func consider(_ candidate: Instant) {
            if let current = earliest, current <= candidate { return }
            earliest = candidate
        }
        switch state {
        case .open, .outbound:
            consider(openedAt.advanced(by: timers.sessionInit))
        case .boundTransmitter, .boundReceiver, .boundTransceiver:
            if let inactivity = timers.inactivity, let lastReceived {
                consider(lastReceived.advanced(by: inactivity))
            }
            if keepAliveSequenceNumber == nil, let interval = timers.enquireLink, let lastReceived {
                consider(lastReceived.advanced(by: interval))
            }
        case .unbound, .closed:
            break
        }
        return earliest
    }

    // MARK: - Connection events

    /// The TCP connection is up (accepted by us as MC, or connected by us as ESME); starts the timers.
    public mutating func connectionOpened(now: Instant) {
        openedAt = now
        lastReceived = now
    }

    /// The connection is gone (closed by either side). Fails whatever still waits for a response.
    public mutating func closed() -> SessionAction {
        guard state != .closed else { return .wait }
        state = .closed
        let failing = drainWindow()
        return failing.isEmpty ? .wait : .failRequests(failing, .connectionClosed)
    }

    /// The handler hit an error it cannot recover from (I/O error, input that cannot be framed).
    /// The handler sends any generic_nack first; the machine then closes and fails everything.
    public mutating func errorHappened() -> SessionAction {
        guard state != .closed else { return .wait }
        return closeSession(.errorHappened)
    }

    // MARK: - Inbound PDUs

    /// Any PDU arrived: routes to ``requestReceived(_:sequenceNumber:now:)`` or
    /// ``responseReceived(_:sequenceNumber:status:now:)`` by bit 31 of the command id.
    public mutating func pduReceived(
        _ commandID: CommandID, sequenceNumber: UInt32, status: CommandStatus, now: Instant
    ) -> SessionAction {
        if commandID.isResponse {
            return responseReceived(commandID, sequenceNumber: sequenceNumber, status: status, now: now)
        }
        return requestReceived(commandID, sequenceNumber: sequenceNumber, now: now)
    }

    /// The peer sent a request: decides whether it may, in this state and for its role (§9).
    ///
    /// - `.forward` when allowed (binds, outbind, submits, delivers …): the application answers.
    /// - `.respond(…)` for enquire_link (ESME_ROK) and for a request the peer's role may send but
    ///   not in this state: its own response with ESME_RINVBNDSTS, or ESME_RALYBND for a bind on a
    ///   bound session.
    /// - `.sendGenericNack(ESME_RINVCMDID)` for an unknown or reserved command id.
    /// - `.sendGenericNack(ESME_RINVBNDSTS)` for a command the peer's role never sends (deliver_sm
    ///   from an ESME, submit_sm or bind from an MC, outbind from an ESME) and for a request
    ///   without a response PDU (outbind, alert_notification) sent in the wrong state: the command
    ///   makes no sense on this connection, and its own response would suggest it was understood.
    /// - `.sendUnbindResponseAndClose` for unbind on a bound (or already unbinding) session.
    public mutating func requestReceived(_ commandID: CommandID, sequenceNumber: UInt32, now: Instant) -> SessionAction {
        guard state != .closed else { return .wait }
        noteReceived(commandID, now: now)

        // Crossing unbinds: we unbound and the peer did too. Answer, and both ends close.
        if commandID == .unbind, state == .unbound {
            return .sendUnbindResponseAndClose(sequenceNumber: sequenceNumber, failing: drainWindow())
        }

        switch Self.permission(for: commandID, sentBy: role.peer, in: state) {
        case .wrongRole:
            // The known-id lookup is a hash; only the rare path pays for it.
            guard commandID.isKnown else { return .sendGenericNack(.invalidCommandID, sequenceNumber: sequenceNumber) }
            guard !commandID.isResponse else {
                return .unexpectedResponse(commandID, sequenceNumber: sequenceNumber, .notARequest)
            }
            return .sendGenericNack(.invalidBindStatus, sequenceNumber: sequenceNumber)

        case .wrongState:
            guard commandID.expectsResponse else {
                return .sendGenericNack(.invalidBindStatus, sequenceNumber: sequenceNumber)
            }
            let status: CommandStatus = BindType(commandID: commandID) != nil && state.isBound
                ? .alreadyBound : .invalidBindStatus
            return .respond(commandID.responseID, status, sequenceNumber: sequenceNumber)

        case .allowed:
            break
        }

        switch commandID {
        case .enquireLink:
            return .respond(.enquireLinkResp, .ok, sequenceNumber: sequenceNumber)

        case .unbind:
            state = .unbound
            return .sendUnbindResponseAndClose(sequenceNumber: sequenceNumber, failing: drainWindow())

        case .bindTransmitter, .bindReceiver, .bindTransceiver:
            // One bind at a time: a second one before the first is answered is refused, so the
            // application never authenticates two binds for one connection.
            guard pendingBind == nil else {
                return .respond(commandID.responseID, .invalidBindStatus, sequenceNumber: sequenceNumber)
            }
            pendingBind = BindType(commandID: commandID)
            return .forward

        case .outbind:
            state = .outbound
            return .forward

        default:
            return .forward
        }
    }

    /// A response (or generic_nack) arrived: matches it to our outstanding request by sequence
    /// number and completes that request.
    ///
    /// A generic_nack for an outstanding sequence number completes that request with its status.
    /// A response with no outstanding request, or for a different command, yields
    /// `.unexpectedResponse` (log and drop; a mismatched request stays outstanding). An unknown
    /// response id (bit 31 set, not in §2) yields generic_nack ESME_RINVCMDID. The answer to our
    /// bind moves the session to BOUND_x on ESME_ROK (anything else leaves it where it was); the
    /// answer to our unbind closes the session.
    public mutating func responseReceived(
        _ commandID: CommandID, sequenceNumber: UInt32, status: CommandStatus, now: Instant
    ) -> SessionAction {
        guard commandID.isResponse else {
            return requestReceived(commandID, sequenceNumber: sequenceNumber, now: now)
        }
        guard state != .closed else { return .wait }
        noteReceived(commandID, now: now)

        guard let entry = window.remove(sequenceNumber) else {
            guard commandID.isKnown else { return .sendGenericNack(.invalidCommandID, sequenceNumber: sequenceNumber) }
            return .unexpectedResponse(commandID, sequenceNumber: sequenceNumber, .unknownSequenceNumber)
        }
        let expected = entry.commandID.responseID
        guard commandID == expected || commandID == .genericNack else {
            // Rare: put the request back, it may still get its real response.
            _ = window.insertIfAbsent(sequenceNumber, entry)
            guard commandID.isKnown else { return .sendGenericNack(.invalidCommandID, sequenceNumber: sequenceNumber) }
            return .unexpectedResponse(commandID, sequenceNumber: sequenceNumber, .commandMismatch(expected: expected))
        }

        switch entry.commandID {
        case .enquireLink where entry.ownedBySession:
            keepAliveSequenceNumber = nil
            return .wait

        case .unbind:
            return closeSession(.unbound)

        case .bindTransmitter, .bindReceiver, .bindTransceiver:
            bindSequenceNumber = nil
            if status == .ok, state == .open || state == .outbound, let bindType = BindType(commandID: entry.commandID) {
                state = bindType.boundState
            }

        default:
            break
        }
        return .completeRequest(sequenceNumber: sequenceNumber, entry.commandID, status)
    }

    // MARK: - Outbound PDUs

    /// The application wants to send a request: checks that our role may send it in this state
    /// and that the window has room, then assigns its sequence number and records it as outstanding.
    ///
    /// Returns `.sendRequest(id, sequenceNumber:)` or `.rejectRequest(id, reason)`. outbind (MC,
    /// OPEN → OUTBOUND) and alert_notification have no response and are not recorded. unbind is
    /// the same as ``unbindRequested(now:)`` on a bound session (`.sendUnbind`) and refused elsewhere.
    public mutating func requestWillBeSent(_ commandID: CommandID, now: Instant) -> SessionAction {
        if state == .unbound || state == .closed {
            return .rejectRequest(commandID, .notAllowedInState(state))
        }
        switch Self.permission(for: commandID, sentBy: role, in: state) {
        case .wrongRole: return .rejectRequest(commandID, .notAllowedForRole(role))
        case .wrongState: return .rejectRequest(commandID, .notAllowedInState(state))
        case .allowed: break
        }

        switch commandID {
        case .unbind:
            return startUnbind(now: now)

        case .outbind:
            state = .outbound
            return .sendRequest(commandID, sequenceNumber: takeSequenceNumber())

        case .alertNotification:
            return .sendRequest(commandID, sequenceNumber: takeSequenceNumber())

        case .bindTransmitter, .bindReceiver, .bindTransceiver:
            guard bindSequenceNumber == nil else { return .rejectRequest(commandID, .notAllowedInState(state)) }
            let sequenceNumber = record(commandID, now: now, ownedBySession: false)
            bindSequenceNumber = sequenceNumber
            return .sendRequest(commandID, sequenceNumber: sequenceNumber)

        default:
            if RequestWindow<Instant>.occupiesSlot(commandID), window.isFull {
                return .rejectRequest(commandID, .windowFull)
            }
            return .sendRequest(commandID, sequenceNumber: record(commandID, now: now, ownedBySession: false))
        }
    }

    /// The application wants to leave. Bound: `.sendUnbind` (its answer, or the response timer,
    /// closes the session; our outstanding requests may still be answered meanwhile). OPEN or
    /// OUTBOUND: nothing to unbind, `.close(.closeRequested, …)`. Already unbinding or closed: `.wait`.
    public mutating func unbindRequested(now: Instant) -> SessionAction {
        switch state {
        case .boundTransmitter, .boundReceiver, .boundTransceiver:
            return startUnbind(now: now)
        case .open, .outbound:
            return closeSession(.closeRequested)
        case .unbound, .closed:
            return .wait
        }
    }

    /// We (as MC) wrote the bind_*_resp for the bind this machine forwarded. ESME_ROK moves the
    /// session to BOUND_x; any other status leaves it OPEN (or OUTBOUND) so the ESME may try again.
    ///
    /// Not needed for responses the machine ordered itself with `.respond`.
    public mutating func bindResponseSent(status: CommandStatus) {
        guard let bindType = pendingBind else { return }
        pendingBind = nil
        guard status == .ok, state == .open || state == .outbound else { return }
        state = bindType.boundState
    }

    // MARK: - Time

    /// Checks every timer against `now`. Call it every ``SessionTimers/tickInterval`` (or at
    /// ``nextDeadline``); cost is O(1) unless a request may have timed out, then O(window).
    ///
    /// Possible actions, in this order: `.failRequest(…, .timeout)` for each expired request
    /// (oldest first); then at most one of `.close(.bindTimeout / .enquireLinkTimeout /
    /// .unbindTimeout / .sessionInitTimeout, failing:)`, `.sendUnbind` (inactivity) or
    /// `.sendEnquireLink` (idle).
    public mutating func tick(now: Instant) -> [SessionAction] {
        guard state != .closed, let openedAt else { return [] }
        var actions: [SessionAction] = []

        // response_timer. Session PDUs that go unanswered end the session: a peer that does not
        // answer enquire_link is dead, one that does not answer bind or unbind is of no use.
        var closeReason: SessionAction.CloseReason?
        for (sequenceNumber, entry) in window.expire(now: now, timeout: timers.response) {
            switch entry.commandID {
            case .enquireLink:
                if entry.ownedBySession { keepAliveSequenceNumber = nil }
                closeReason = closeReason ?? .enquireLinkTimeout
            case .bindTransmitter, .bindReceiver, .bindTransceiver:
                bindSequenceNumber = nil
                closeReason = closeReason ?? .bindTimeout
            case .unbind:
                closeReason = closeReason ?? .unbindTimeout
            default:
                break
            }
            if !entry.ownedBySession {
                actions.append(.failRequest(sequenceNumber: sequenceNumber, entry.commandID, .timeout))
            }
        }
        if let closeReason {
            actions.append(closeSession(closeReason))
            return actions
        }

        switch state {
        case .open, .outbound:
            if openedAt.advanced(by: timers.sessionInit) <= now {
                actions.append(closeSession(.sessionInitTimeout))
            }

        case .boundTransmitter, .boundReceiver, .boundTransceiver:
            if let inactivity = timers.inactivity, let lastReceived, lastReceived.advanced(by: inactivity) <= now {
                actions.append(startUnbind(now: now))
            } else if keepAliveSequenceNumber == nil, let interval = timers.enquireLink,
                      let lastReceived, lastReceived.advanced(by: interval) <= now {
                let sequenceNumber = record(.enquireLink, now: now, ownedBySession: true)
                keepAliveSequenceNumber = sequenceNumber
                actions.append(.sendEnquireLink(sequenceNumber: sequenceNumber))
            }

        case .unbound, .closed:
            break
        }
        return actions
    }

    // MARK: - Internals

    private mutating func noteReceived(_ commandID: CommandID, now: Instant) {
        // Every PDU counts, keep-alives included: a client bound only to wait for receipts and
        // MO (Net::SMPP, idle Kannel receivers) must not be unbound while it answers.
        lastReceived = now
    }

    /// Hands out the next sequence number.
    private mutating func takeSequenceNumber() -> UInt32 {
        let sequenceNumber = nextSequenceNumber
        nextSequenceNumber = Self.sequenceNumber(after: sequenceNumber)
        return sequenceNumber
    }

    /// 1…0x7FFFFFFF, then 1 again.
    static func sequenceNumber(after sequenceNumber: UInt32) -> UInt32 {
        sequenceNumber >= maximumSequenceNumber ? 1 : sequenceNumber + 1
    }

    /// Numbers a request and records it as outstanding. A number still outstanding is skipped
    /// (possible only after a wrap, with a request older than 2³¹ sends, but a duplicate would
    /// corrupt the window); the window is never larger than a few entries, so the loop ends.
    private mutating func record(_ commandID: CommandID, now: Instant, ownedBySession: Bool) -> UInt32 {
        let entry = RequestWindow<Instant>.Entry(commandID: commandID, sentAt: now, ownedBySession: ownedBySession)
        while true {
            let sequenceNumber = takeSequenceNumber()
            if window.insertIfAbsent(sequenceNumber, entry) { return sequenceNumber }
        }
    }

    private mutating func startUnbind(now: Instant) -> SessionAction {
        state = .unbound
        return .sendUnbind(sequenceNumber: record(.unbind, now: now, ownedBySession: true))
    }

    private mutating func closeSession(_ reason: SessionAction.CloseReason) -> SessionAction {
        state = .closed
        return .close(reason, failing: drainWindow())
    }

    /// Empties the window; returns the application's requests (the machine's own keep-alive and
    /// unbind have nobody waiting for them), oldest first.
    private mutating func drainWindow() -> [SessionAction.PendingRequest] {
        keepAliveSequenceNumber = nil
        bindSequenceNumber = nil
        var failing: [SessionAction.PendingRequest] = []
        for (sequenceNumber, entry) in window.removeAll() where !entry.ownedBySession {
            failing.append(.init(sequenceNumber: sequenceNumber, commandID: entry.commandID))
        }
        return failing
    }
}
