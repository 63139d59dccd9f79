import Testing
@testable import SMPP

@Suite("Session unbind and close")
struct SessionCloseTests {
    @Test("when the connection closes every outstanding request is failed, none dropped")
    func closedFailsEverything() {
        var session = TestSession.make(.esme, in: .boundTransceiver)
        #expect(session.requestWillBeSent(.submitSM, now: .at(1)) == .sendRequest(.submitSM, sequenceNumber: 2))
        #expect(session.requestWillBeSent(.querySM, now: .at(2)) == .sendRequest(.querySM, sequenceNumber: 3))
        #expect(session.requestWillBeSent(.submitSM, now: .at(3)) == .sendRequest(.submitSM, sequenceNumber: 4))
        #expect(session.responseReceived(.querySMResp, sequenceNumber: 3, status: .ok, now: .at(4)) == .completeRequest(sequenceNumber: 3, .querySM, .ok))
        #expect(session.closed() == .failRequests([
            Pending(sequenceNumber: 2, commandID: .submitSM),
            Pending(sequenceNumber: 4, commandID: .submitSM),
        ], .connectionClosed))
        #expect(session.state == .closed)
        #expect(session.outstandingCount == 0)
        #expect(session.closed() == .wait)
    }

    @Test("a close with nothing outstanding has nothing to fail")
    func closedWithNothingOutstanding() {
        var session = TestSession.make(.messageCentre, in: .boundTransceiver)
        #expect(session.closed() == .wait)
    }

    @Test("the machine's own keep-alive is not reported as a failed request")
    func keepAliveNotFailed() {
        var session = TestSession.make(.messageCentre, in: .boundTransceiver)
        #expect(session.tick(now: .at(30)) == [.sendEnquireLink(sequenceNumber: 1)])
        #expect(session.requestWillBeSent(.deliverSM, now: .at(31)) == .sendRequest(.deliverSM, sequenceNumber: 2))
        #expect(session.closed() == .failRequests([Pending(sequenceNumber: 2, commandID: .deliverSM)], .connectionClosed))
    }

    @Test("an error closes the session and fails what is outstanding")
    func errorCloses() {
        var session = TestSession.make(.messageCentre, in: .boundReceiver)
        #expect(session.requestWillBeSent(.deliverSM, now: .at(1)) == .sendRequest(.deliverSM, sequenceNumber: 1))
        #expect(session.errorHappened() == .close(.errorHappened, failing: [Pending(sequenceNumber: 1, commandID: .deliverSM)]))
        #expect(session.state == .closed)
        #expect(session.errorHappened() == .wait)
        #expect(session.closed() == .wait)
    }

    @Test("the peer's unbind: answer, fail our outstanding requests, UNBOUND, then closed")
    func peerUnbinds() {
        var session = TestSession.make(.messageCentre, in: .boundTransceiver)
        #expect(session.requestWillBeSent(.deliverSM, now: .at(1)) == .sendRequest(.deliverSM, sequenceNumber: 1))
        #expect(session.requestReceived(.unbind, sequenceNumber: 9, now: .at(2)) == .sendUnbindResponseAndClose(sequenceNumber: 9, failing: [Pending(sequenceNumber: 1, commandID: .deliverSM)]))
        #expect(session.state == .unbound)
        #expect(session.requestWillBeSent(.deliverSM, now: .at(2)) == .rejectRequest(.deliverSM, .notAllowedInState(.unbound)))
        #expect(session.requestReceived(.submitSM, sequenceNumber: 10, now: .at(2)) == .respond(.submitSMResp, .invalidBindStatus, sequenceNumber: 10))
        #expect(session.closed() == .wait)
        #expect(session.state == .closed)
    }

    @Test("our unbind: outstanding requests may still complete, new ones are refused, unbind_resp closes")
    func weUnbind() {
        var session = TestSession.make(.esme, in: .boundTransmitter)
        #expect(session.requestWillBeSent(.submitSM, now: .at(1)) == .sendRequest(.submitSM, sequenceNumber: 2))
        #expect(session.requestWillBeSent(.submitSM, now: .at(1)) == .sendRequest(.submitSM, sequenceNumber: 3))
        #expect(session.unbindRequested(now: .at(2)) == .sendUnbind(sequenceNumber: 4))
        #expect(session.state == .unbound)
        #expect(session.requestWillBeSent(.submitSM, now: .at(2)) == .rejectRequest(.submitSM, .notAllowedInState(.unbound)))
        #expect(session.responseReceived(.submitSMResp, sequenceNumber: 2, status: .ok, now: .at(3)) == .completeRequest(sequenceNumber: 2, .submitSM, .ok))
        #expect(session.unbindRequested(now: .at(3)) == .wait)
        #expect(session.responseReceived(.unbindResp, sequenceNumber: 4, status: .ok, now: .at(4)) == .close(.unbound, failing: [Pending(sequenceNumber: 3, commandID: .submitSM)]))
        #expect(session.state == .closed)
    }

    @Test("a generic_nack to our unbind still ends the session")
    func unbindNacked() {
        var session = TestSession.make(.esme, in: .boundTransceiver)
        #expect(session.unbindRequested(now: .at(1)) == .sendUnbind(sequenceNumber: 2))
        #expect(session.responseReceived(.genericNack, sequenceNumber: 2, status: .invalidCommandID, now: .at(2)) == .close(.unbound, failing: []))
    }

    @Test("requestWillBeSent(unbind) is the same as unbindRequested on a bound session")
    func unbindThroughRequestWillBeSent() {
        var session = TestSession.make(.messageCentre, in: .boundReceiver)
        #expect(session.requestWillBeSent(.unbind, now: .at(1)) == .sendUnbind(sequenceNumber: 1))
        #expect(session.responseReceived(.unbindResp, sequenceNumber: 1, status: .ok, now: .at(2)) == .close(.unbound, failing: []))
    }

    @Test("leaving an unbound session just closes it", arguments: [SessionState.open, .outbound])
    func unbindWhileNotBound(state: SessionState) {
        var session = TestSession.make(.esme, in: state)
        #expect(session.unbindRequested(now: .at(1)) == .close(.closeRequested, failing: []))
        #expect(session.state == .closed)
    }

    @Test("leaving while our bind is outstanding fails the bind")
    func unbindWhileBinding() {
        var session = TestSession.make(.esme, in: .open)
        #expect(session.requestWillBeSent(.bindTransceiver, now: .at(0)) == .sendRequest(.bindTransceiver, sequenceNumber: 1))
        #expect(session.unbindRequested(now: .at(1)) == .close(.closeRequested, failing: [Pending(sequenceNumber: 1, commandID: .bindTransceiver)]))
    }

    @Test("crossing unbinds: both sides unbind at once and the session closes")
    func crossingUnbinds() {
        var session = TestSession.make(.esme, in: .boundTransceiver)
        #expect(session.unbindRequested(now: .at(1)) == .sendUnbind(sequenceNumber: 2))
        #expect(session.requestReceived(.unbind, sequenceNumber: 7, now: .at(1)) == .sendUnbindResponseAndClose(sequenceNumber: 7, failing: []))
        #expect(session.responseReceived(.unbindResp, sequenceNumber: 2, status: .ok, now: .at(2)) == .unexpectedResponse(.unbindResp, sequenceNumber: 2, .unknownSequenceNumber))
    }

    @Test("after close, late responses and requests are ignored")
    func afterClose() {
        var session = TestSession.make(.esme, in: .boundTransceiver)
        #expect(session.requestWillBeSent(.submitSM, now: .at(1)) == .sendRequest(.submitSM, sequenceNumber: 2))
        #expect(session.errorHappened() == .close(.errorHappened, failing: [Pending(sequenceNumber: 2, commandID: .submitSM)]))
        #expect(session.responseReceived(.submitSMResp, sequenceNumber: 2, status: .ok, now: .at(2)) == .wait)
        #expect(session.requestReceived(.deliverSM, sequenceNumber: 3, now: .at(2)) == .wait)
        #expect(session.tick(now: .at(100)) == [])
    }
}
