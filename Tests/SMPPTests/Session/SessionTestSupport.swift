@testable import SMPP

/// The machine under test, on the fake timeline.
typealias TestSession = SessionStateMachine<FakeInstant>

/// Shorthand for the actions' nested request type.
typealias Pending = SessionAction.PendingRequest

extension SessionStateMachine where Instant == FakeInstant {
    /// A session of `role` brought into `state` at t = 0 through the real events, so every test
    /// starts from a state the machine could actually be in.
    ///
    /// ESME sessions that bind use sequence number 1 for the bind; UNBOUND sessions used the
    /// next one for their unbind (still outstanding).
    static func make(
        _ role: SessionRole,
        in state: SessionState,
        windowSize: Int = 10,
        timers: SessionTimers = SessionTimers(),
        firstSequenceNumber: UInt32 = 1
    ) -> TestSession {
        var session = TestSession(role: role, windowSize: windowSize, timers: timers, firstSequenceNumber: firstSequenceNumber)
        let now = FakeInstant.at(0)
        session.connectionOpened(now: now)
        switch state {
        case .open:
            break
        case .boundTransmitter, .boundReceiver, .boundTransceiver:
            session.bind(state.bindType!, now: now)
        case .outbound:
            switch role {
            case .messageCentre: _ = session.requestWillBeSent(.outbind, now: now)
            case .esme: _ = session.requestReceived(.outbind, sequenceNumber: 900, now: now)
            }
        case .unbound:
            session.bind(.transceiver, now: now)
            _ = session.unbindRequested(now: now)
        case .closed:
            _ = session.closed()
        }
        precondition(session.state == state, "could not bring the session into \(state)")
        return session
    }

    /// Binds through the events of `role`: the peer's bind and our answer as MC, our bind and
    /// the MC's answer as ESME.
    mutating func bind(_ type: BindType, now: FakeInstant) {
        switch role {
        case .messageCentre:
            _ = requestReceived(type.commandID, sequenceNumber: 900, now: now)
            bindResponseSent(status: .ok)
        case .esme:
            guard case .sendRequest(_, let sequenceNumber) = requestWillBeSent(type.commandID, now: now) else { return }
            _ = responseReceived(type.responseCommandID, sequenceNumber: sequenceNumber, status: .ok, now: now)
        }
    }
}
