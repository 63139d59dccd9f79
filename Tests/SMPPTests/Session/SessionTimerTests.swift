import Testing
@testable import SMPP

/// The timers of reference §9 on a fake timeline: session_init 30 s, enquire_link 30 s,
/// inactivity 300 s, response 10 s (the defaults).
@Suite("Session timers")
struct SessionTimerTests {
    /// Keep-alives off, so inactivity can be looked at alone.
    static let noKeepAlive = SessionTimers(enquireLink: nil)

    // MARK: session_init

    @Test("no bind within session_init closes the connection", arguments: [SessionRole.messageCentre, .esme])
    func sessionInitExpires(role: SessionRole) {
        var session = TestSession.make(role, in: .open)
        #expect(session.tick(now: .at(29)) == [])
        #expect(session.tick(now: .at(30)) == [.close(.sessionInitTimeout, failing: [])])
        #expect(session.state == .closed)
        #expect(session.tick(now: .at(31)) == [])
    }

    @Test("session_init also runs in OUTBOUND")
    func sessionInitInOutbound() {
        var session = TestSession.make(.esme, in: .outbound)
        #expect(session.tick(now: .at(30)) == [.close(.sessionInitTimeout, failing: [])])
    }

    @Test("a bind before session_init stops it")
    func sessionInitStoppedByBind() {
        var session = TestSession.make(.messageCentre, in: .open, timers: Self.noKeepAlive)
        #expect(session.requestReceived(.bindTransceiver, sequenceNumber: 1, now: .at(10)) == .forward)
        session.bindResponseSent(status: .ok)
        #expect(session.tick(now: .at(30)) == [])
        #expect(session.state == .boundTransceiver)
    }

    @Test("a refused bind does not stop session_init")
    func sessionInitAfterRefusedBind() {
        var session = TestSession.make(.messageCentre, in: .open)
        #expect(session.requestReceived(.bindTransceiver, sequenceNumber: 1, now: .at(10)) == .forward)
        session.bindResponseSent(status: .invalidPassword)
        #expect(session.tick(now: .at(30)) == [.close(.sessionInitTimeout, failing: [])])
    }

    @Test("our bind unanswered within the response timer fails it and closes")
    func bindTimeout() {
        var session = TestSession.make(.esme, in: .open)
        #expect(session.requestWillBeSent(.bindTransceiver, now: .at(0)) == .sendRequest(.bindTransceiver, sequenceNumber: 1))
        #expect(session.tick(now: .at(9)) == [])
        #expect(session.tick(now: .at(10)) == [
            .failRequest(sequenceNumber: 1, .bindTransceiver, .timeout),
            .close(.bindTimeout, failing: []),
        ])
    }

    @Test("nothing runs before the connection opened")
    func nothingBeforeOpen() {
        var session = TestSession(role: .messageCentre)
        #expect(session.tick(now: .at(1000)) == [])
        #expect(session.nextDeadline == nil)
    }

    // MARK: enquire_link

    @Test("an idle bound session sends enquire_link; its answer restarts the timer")
    func enquireLinkAfterIdle() {
        var session = TestSession.make(.messageCentre, in: .boundTransceiver, timers: SessionTimers(inactivity: nil))
        #expect(session.tick(now: .at(29)) == [])
        #expect(session.tick(now: .at(30)) == [.sendEnquireLink(sequenceNumber: 1)])
        #expect(session.tick(now: .at(31)) == [])
        #expect(session.responseReceived(.enquireLinkResp, sequenceNumber: 1, status: .ok, now: .at(32)) == .wait)
        #expect(session.tick(now: .at(61)) == [])
        #expect(session.tick(now: .at(62)) == [.sendEnquireLink(sequenceNumber: 2)])
    }

    @Test("any PDU from the peer restarts the enquire_link timer")
    func enquireLinkResetByTraffic() {
        var session = TestSession.make(.messageCentre, in: .boundTransceiver)
        #expect(session.requestReceived(.submitSM, sequenceNumber: 5, now: .at(20)) == .forward)
        #expect(session.tick(now: .at(30)) == [])
        #expect(session.requestReceived(.enquireLink, sequenceNumber: 6, now: .at(45)) == .respond(.enquireLinkResp, .ok, sequenceNumber: 6))
        #expect(session.tick(now: .at(74)) == [])
        #expect(session.tick(now: .at(75)) == [.sendEnquireLink(sequenceNumber: 1)])
    }

    @Test("our own writes do not count as the peer being alive")
    func enquireLinkNotResetBySending() {
        var session = TestSession.make(.messageCentre, in: .boundReceiver)
        #expect(session.requestWillBeSent(.deliverSM, now: .at(25)) == .sendRequest(.deliverSM, sequenceNumber: 1))
        #expect(session.tick(now: .at(30)) == [.sendEnquireLink(sequenceNumber: 2)])
    }

    @Test("no enquire_link before the session is bound")
    func noEnquireLinkWhileOpen() {
        var session = TestSession.make(.messageCentre, in: .open, timers: SessionTimers(sessionInit: .seconds(120)))
        #expect(session.tick(now: .at(60)) == [])
    }

    @Test("an unanswered enquire_link closes the session and fails what was outstanding")
    func enquireLinkUnanswered() {
        var session = TestSession.make(.messageCentre, in: .boundReceiver)
        #expect(session.tick(now: .at(30)) == [.sendEnquireLink(sequenceNumber: 1)])
        #expect(session.requestWillBeSent(.deliverSM, now: .at(31)) == .sendRequest(.deliverSM, sequenceNumber: 2))
        #expect(session.tick(now: .at(39)) == [])
        #expect(session.tick(now: .at(40)) == [.close(.enquireLinkTimeout, failing: [Pending(sequenceNumber: 2, commandID: .deliverSM)])])
        #expect(session.state == .closed)
    }

    @Test("the application's own enquire_link unanswered also closes, failing it first")
    func applicationEnquireLinkUnanswered() {
        var session = TestSession.make(.esme, in: .boundTransceiver)
        #expect(session.requestWillBeSent(.enquireLink, now: .at(5)) == .sendRequest(.enquireLink, sequenceNumber: 2))
        #expect(session.tick(now: .at(15)) == [
            .failRequest(sequenceNumber: 2, .enquireLink, .timeout),
            .close(.enquireLinkTimeout, failing: []),
        ])
    }

    // MARK: response_timer

    @Test("a request unanswered within the response timer fails and frees its slot")
    func requestTimeout() {
        var session = TestSession.make(.esme, in: .boundTransmitter, windowSize: 1)
        #expect(session.requestWillBeSent(.submitSM, now: .at(0)) == .sendRequest(.submitSM, sequenceNumber: 2))
        #expect(session.requestWillBeSent(.submitSM, now: .at(1)) == .rejectRequest(.submitSM, .windowFull))
        #expect(session.tick(now: .at(9)) == [])
        #expect(session.tick(now: .at(10)) == [.failRequest(sequenceNumber: 2, .submitSM, .timeout)])
        #expect(session.requestWillBeSent(.submitSM, now: .at(10)) == .sendRequest(.submitSM, sequenceNumber: 3))
        #expect(session.responseReceived(.submitSMResp, sequenceNumber: 2, status: .ok, now: .at(11)) == .unexpectedResponse(.submitSMResp, sequenceNumber: 2, .unknownSequenceNumber))
        #expect(session.state == .boundTransmitter)
    }

    @Test("several timeouts in one tick come oldest first; younger requests wait")
    func timeoutsInOrder() {
        var session = TestSession.make(.esme, in: .boundTransmitter)
        #expect(session.requestWillBeSent(.submitSM, now: .at(3)) == .sendRequest(.submitSM, sequenceNumber: 2))
        #expect(session.requestWillBeSent(.querySM, now: .at(1)) == .sendRequest(.querySM, sequenceNumber: 3))
        #expect(session.requestWillBeSent(.submitSM, now: .at(2)) == .sendRequest(.submitSM, sequenceNumber: 4))
        #expect(session.requestWillBeSent(.submitSM, now: .at(8)) == .sendRequest(.submitSM, sequenceNumber: 5))
        #expect(session.tick(now: .at(13)) == [
            .failRequest(sequenceNumber: 3, .querySM, .timeout),
            .failRequest(sequenceNumber: 4, .submitSM, .timeout),
            .failRequest(sequenceNumber: 2, .submitSM, .timeout),
        ])
        #expect(session.isOutstanding(5))
        #expect(session.tick(now: .at(18)) == [.failRequest(sequenceNumber: 5, .submitSM, .timeout)])
    }

    @Test("a request answered in time never times out")
    func answeredInTime() {
        var session = TestSession.make(.esme, in: .boundTransmitter, timers: Self.noKeepAlive)
        #expect(session.requestWillBeSent(.submitSM, now: .at(0)) == .sendRequest(.submitSM, sequenceNumber: 2))
        #expect(session.responseReceived(.submitSMResp, sequenceNumber: 2, status: .ok, now: .at(9)) == .completeRequest(sequenceNumber: 2, .submitSM, .ok))
        #expect(session.tick(now: .at(20)) == [])
    }

    // MARK: inactivity

    @Test("inactivity unbinds; the unbind_resp closes the session")
    func inactivityUnbinds() {
        var session = TestSession.make(.messageCentre, in: .boundTransceiver, timers: Self.noKeepAlive)
        #expect(session.tick(now: .at(299)) == [])
        #expect(session.tick(now: .at(300)) == [.sendUnbind(sequenceNumber: 1)])
        #expect(session.state == .unbound)
        #expect(session.responseReceived(.unbindResp, sequenceNumber: 1, status: .ok, now: .at(301)) == .close(.unbound, failing: []))
        #expect(session.state == .closed)
    }

    @Test("inactivity: an unanswered unbind closes anyway")
    func inactivityUnbindUnanswered() {
        var session = TestSession.make(.messageCentre, in: .boundTransceiver, timers: Self.noKeepAlive)
        #expect(session.tick(now: .at(300)) == [.sendUnbind(sequenceNumber: 1)])
        #expect(session.tick(now: .at(309)) == [])
        #expect(session.tick(now: .at(310)) == [.close(.unbindTimeout, failing: [])])
    }

    @Test("message traffic restarts the inactivity timer")
    func inactivityResetByTraffic() {
        var session = TestSession.make(.messageCentre, in: .boundTransceiver, timers: Self.noKeepAlive)
        #expect(session.requestReceived(.submitSM, sequenceNumber: 2, now: .at(100)) == .forward)
        #expect(session.tick(now: .at(300)) == [])
        #expect(session.tick(now: .at(400)) == [.sendUnbind(sequenceNumber: 1)])
    }

    @Test("an idle session that answers keep-alives is never unbound for inactivity")
    func keepAlivesKeepSessionOpen() {
        var session = TestSession.make(.messageCentre, in: .boundTransceiver)
        var now = 0
        var sequenceNumber: UInt32 = 1
        while now < 600 {
            now += 30
            #expect(session.tick(now: .at(now)) == [.sendEnquireLink(sequenceNumber: sequenceNumber)])
            #expect(session.responseReceived(.enquireLinkResp, sequenceNumber: sequenceNumber, status: .ok, now: .at(now)) == .wait)
            sequenceNumber += 1
        }
        #expect(session.state == .boundTransceiver)
    }

    // MARK: nextDeadline

    @Test("nextDeadline follows the nearest timer")
    func nextDeadline() {
        var session = TestSession.make(.messageCentre, in: .open)
        #expect(session.nextDeadline == .at(30))
        #expect(session.requestReceived(.bindTransceiver, sequenceNumber: 1, now: .at(5)) == .forward)
        session.bindResponseSent(status: .ok)
        #expect(session.nextDeadline == .at(35))
        #expect(session.tick(now: .at(35)) == [.sendEnquireLink(sequenceNumber: 1)])
        #expect(session.nextDeadline == .at(45))
        #expect(session.responseReceived(.enquireLinkResp, sequenceNumber: 1, status: .ok, now: .at(36)) == .wait)
        #expect(session.nextDeadline == .at(66))
        _ = session.closed()
        #expect(session.nextDeadline == nil)
    }

    @Test("nextDeadline with inactivity nearest")
    func nextDeadlineInactivity() {
        let timers = SessionTimers(enquireLink: .seconds(600), inactivity: .seconds(60))
        let session = TestSession.make(.esme, in: .boundTransceiver, timers: timers)
        #expect(session.nextDeadline == .at(60))
    }
}
