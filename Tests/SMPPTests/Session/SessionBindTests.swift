import Testing
@testable import SMPP

@Suite("Session binding")
struct SessionBindTests {
    // MARK: Tern as MC

    @Test("MC: a bind is forwarded and ESME_ROK binds the session", arguments: BindType.allCases)
    func messageCentreBindSucceeds(type: BindType) {
        var session = TestSession.make(.messageCentre, in: .open)
        #expect(session.requestReceived(type.commandID, sequenceNumber: 1, now: .at(1)) == .forward)
        #expect(session.state == .open)
        session.bindResponseSent(status: .ok)
        #expect(session.state == type.boundState)
    }

    @Test("MC: a refused bind leaves the session OPEN and the ESME may try again")
    func messageCentreBindFails() {
        var session = TestSession.make(.messageCentre, in: .open)
        #expect(session.requestReceived(.bindTransceiver, sequenceNumber: 1, now: .at(1)) == .forward)
        session.bindResponseSent(status: .invalidPassword)
        #expect(session.state == .open)
        #expect(session.requestReceived(.submitSM, sequenceNumber: 2, now: .at(2)) == .respond(.submitSMResp, .invalidBindStatus, sequenceNumber: 2))
        #expect(session.requestReceived(.bindTransceiver, sequenceNumber: 3, now: .at(3)) == .forward)
        session.bindResponseSent(status: .ok)
        #expect(session.state == .boundTransceiver)
        #expect(session.requestReceived(.submitSM, sequenceNumber: 4, now: .at(4)) == .forward)
    }

    @Test("MC: a second bind before the first is answered is refused with ESME_RINVBNDSTS")
    func messageCentreOneBindAtATime() {
        var session = TestSession.make(.messageCentre, in: .open)
        #expect(session.requestReceived(.bindTransmitter, sequenceNumber: 1, now: .at(1)) == .forward)
        #expect(session.requestReceived(.bindReceiver, sequenceNumber: 2, now: .at(1)) == .respond(.bindReceiverResp, .invalidBindStatus, sequenceNumber: 2))
        session.bindResponseSent(status: .ok)
        #expect(session.state == .boundTransmitter)
    }

    @Test("MC: a bind on a bound session gets ESME_RALYBND and changes nothing", arguments: BindType.allCases)
    func messageCentreAlreadyBound(type: BindType) {
        var session = TestSession.make(.messageCentre, in: .boundTransceiver)
        #expect(session.requestReceived(type.commandID, sequenceNumber: 8, now: .at(1)) == .respond(type.responseCommandID, .alreadyBound, sequenceNumber: 8))
        session.bindResponseSent(status: .ok)
        #expect(session.state == .boundTransceiver)
    }

    @Test("MC: a bind response nobody asked for changes nothing")
    func messageCentreStrayBindResponse() {
        var session = TestSession.make(.messageCentre, in: .open)
        session.bindResponseSent(status: .ok)
        #expect(session.state == .open)
    }

    // MARK: Tern as ESME

    @Test("ESME: our bind is numbered, answered, and ESME_ROK binds the session", arguments: BindType.allCases)
    func esmeBindSucceeds(type: BindType) {
        var session = TestSession.make(.esme, in: .open)
        #expect(session.requestWillBeSent(type.commandID, now: .at(0)) == .sendRequest(type.commandID, sequenceNumber: 1))
        #expect(session.responseReceived(type.responseCommandID, sequenceNumber: 1, status: .ok, now: .at(1)) == .completeRequest(sequenceNumber: 1, type.commandID, .ok))
        #expect(session.state == type.boundState)
        #expect(session.outstandingCount == 0)
    }

    @Test("ESME: a refused bind completes the request with its status and stays OPEN")
    func esmeBindFails() {
        var session = TestSession.make(.esme, in: .open)
        #expect(session.requestWillBeSent(.bindTransceiver, now: .at(0)) == .sendRequest(.bindTransceiver, sequenceNumber: 1))
        #expect(session.responseReceived(.bindTransceiverResp, sequenceNumber: 1, status: .invalidPassword, now: .at(1)) == .completeRequest(sequenceNumber: 1, .bindTransceiver, .invalidPassword))
        #expect(session.state == .open)
        #expect(session.requestWillBeSent(.bindTransceiver, now: .at(2)) == .sendRequest(.bindTransceiver, sequenceNumber: 2))
    }

    @Test("ESME: a generic_nack to our bind completes it as failed")
    func esmeBindNacked() {
        var session = TestSession.make(.esme, in: .open)
        #expect(session.requestWillBeSent(.bindReceiver, now: .at(0)) == .sendRequest(.bindReceiver, sequenceNumber: 1))
        #expect(session.responseReceived(.genericNack, sequenceNumber: 1, status: .invalidCommandID, now: .at(1)) == .completeRequest(sequenceNumber: 1, .bindReceiver, .invalidCommandID))
        #expect(session.state == .open)
    }

    @Test("ESME: only one bind may be outstanding; nothing else before it is answered")
    func esmeOneBindAtATime() {
        var session = TestSession.make(.esme, in: .open)
        #expect(session.requestWillBeSent(.bindTransceiver, now: .at(0)) == .sendRequest(.bindTransceiver, sequenceNumber: 1))
        #expect(session.requestWillBeSent(.bindTransmitter, now: .at(0)) == .rejectRequest(.bindTransmitter, .notAllowedInState(.open)))
        #expect(session.requestWillBeSent(.submitSM, now: .at(0)) == .rejectRequest(.submitSM, .notAllowedInState(.open)))
    }

    @Test("ESME: a deliver_sm arriving before our bind is answered is refused")
    func esmeDeliverBeforeBound() {
        var session = TestSession.make(.esme, in: .open)
        _ = session.requestWillBeSent(.bindReceiver, now: .at(0))
        #expect(session.requestReceived(.deliverSM, sequenceNumber: 40, now: .at(0)) == .respond(.deliverSMResp, .invalidBindStatus, sequenceNumber: 40))
    }

    // MARK: Outbind

    @Test("outbind, MC side: OPEN → outbind → OUTBOUND → the ESME's bind → BOUND_RX")
    func outbindAsMessageCentre() {
        var session = TestSession.make(.messageCentre, in: .open)
        #expect(session.requestWillBeSent(.outbind, now: .at(0)) == .sendRequest(.outbind, sequenceNumber: 1))
        #expect(session.state == .outbound)
        #expect(session.outstandingCount == 0)
        #expect(session.requestReceived(.bindReceiver, sequenceNumber: 1, now: .at(1)) == .forward)
        session.bindResponseSent(status: .ok)
        #expect(session.state == .boundReceiver)
        #expect(session.requestWillBeSent(.deliverSM, now: .at(2)) == .sendRequest(.deliverSM, sequenceNumber: 2))
    }

    @Test("outbind, ESME side: the MC's outbind → OUTBOUND → our bind → BOUND_RX")
    func outbindAsESME() {
        var session = TestSession.make(.esme, in: .open)
        #expect(session.requestReceived(.outbind, sequenceNumber: 1, now: .at(0)) == .forward)
        #expect(session.state == .outbound)
        #expect(session.requestWillBeSent(.bindReceiver, now: .at(1)) == .sendRequest(.bindReceiver, sequenceNumber: 1))
        #expect(session.responseReceived(.bindReceiverResp, sequenceNumber: 1, status: .ok, now: .at(2)) == .completeRequest(sequenceNumber: 1, .bindReceiver, .ok))
        #expect(session.state == .boundReceiver)
        #expect(session.requestReceived(.deliverSM, sequenceNumber: 2, now: .at(3)) == .forward)
    }

    @Test("outbind, ESME side: a refused bind leaves the session OUTBOUND")
    func outbindBindRefused() {
        var session = TestSession.make(.esme, in: .outbound)
        #expect(session.requestWillBeSent(.bindReceiver, now: .at(1)) == .sendRequest(.bindReceiver, sequenceNumber: 1))
        #expect(session.responseReceived(.bindReceiverResp, sequenceNumber: 1, status: .bindFailed, now: .at(2)) == .completeRequest(sequenceNumber: 1, .bindReceiver, .bindFailed))
        #expect(session.state == .outbound)
    }
}
