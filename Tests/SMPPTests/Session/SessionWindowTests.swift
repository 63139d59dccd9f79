import Testing
@testable import SMPP

@Suite("Session window and sequence numbers")
struct SessionWindowTests {
    @Test("a full window refuses requests; responses in any order free slots")
    func windowFullAndFreedOutOfOrder() {
        // ESME bound as transmitter; the bind used sequence number 1.
        var session = TestSession.make(.esme, in: .boundTransmitter, windowSize: 3)
        #expect(session.requestWillBeSent(.submitSM, now: .at(1)) == .sendRequest(.submitSM, sequenceNumber: 2))
        #expect(session.requestWillBeSent(.submitSM, now: .at(1)) == .sendRequest(.submitSM, sequenceNumber: 3))
        #expect(session.requestWillBeSent(.querySM, now: .at(1)) == .sendRequest(.querySM, sequenceNumber: 4))
        #expect(session.isWindowFull)
        #expect(session.requestWillBeSent(.submitSM, now: .at(1)) == .rejectRequest(.submitSM, .windowFull))

        #expect(session.responseReceived(.submitSMResp, sequenceNumber: 3, status: .ok, now: .at(2)) == .completeRequest(sequenceNumber: 3, .submitSM, .ok))
        #expect(session.requestWillBeSent(.submitSM, now: .at(2)) == .sendRequest(.submitSM, sequenceNumber: 5))
        #expect(session.requestWillBeSent(.submitSM, now: .at(2)) == .rejectRequest(.submitSM, .windowFull))

        #expect(session.responseReceived(.submitSMResp, sequenceNumber: 5, status: .throttled, now: .at(3)) == .completeRequest(sequenceNumber: 5, .submitSM, .throttled))
        #expect(session.responseReceived(.querySMResp, sequenceNumber: 4, status: .ok, now: .at(3)) == .completeRequest(sequenceNumber: 4, .querySM, .ok))
        #expect(session.responseReceived(.submitSMResp, sequenceNumber: 2, status: .ok, now: .at(3)) == .completeRequest(sequenceNumber: 2, .submitSM, .ok))
        #expect(session.outstandingCount == 0)
        #expect(!session.isWindowFull)
    }

    @Test("a rejected request does not use up a sequence number")
    func rejectionKeepsSequence() {
        var session = TestSession.make(.esme, in: .boundTransmitter, windowSize: 1)
        #expect(session.requestWillBeSent(.submitSM, now: .at(1)) == .sendRequest(.submitSM, sequenceNumber: 2))
        #expect(session.requestWillBeSent(.submitSM, now: .at(1)) == .rejectRequest(.submitSM, .windowFull))
        #expect(session.requestWillBeSent(.deliverSM, now: .at(1)) == .rejectRequest(.deliverSM, .notAllowedForRole(.esme)))
        #expect(session.nextSequenceNumber == 3)
    }

    @Test("enquire_link and unbind go out even when the window is full")
    func sessionPDUsBypassTheWindow() {
        var session = TestSession.make(.messageCentre, in: .boundReceiver, windowSize: 1)
        #expect(session.requestWillBeSent(.deliverSM, now: .at(1)) == .sendRequest(.deliverSM, sequenceNumber: 1))
        #expect(session.requestWillBeSent(.deliverSM, now: .at(1)) == .rejectRequest(.deliverSM, .windowFull))
        #expect(session.requestWillBeSent(.enquireLink, now: .at(1)) == .sendRequest(.enquireLink, sequenceNumber: 2))
        #expect(session.unbindRequested(now: .at(1)) == .sendUnbind(sequenceNumber: 3))
    }

    @Test("alert_notification and outbind have no response and take no slot")
    func requestsWithoutResponse() {
        var session = TestSession.make(.messageCentre, in: .boundReceiver, windowSize: 1)
        #expect(session.requestWillBeSent(.alertNotification, now: .at(1)) == .sendRequest(.alertNotification, sequenceNumber: 1))
        #expect(session.outstandingCount == 0)
        #expect(session.requestWillBeSent(.deliverSM, now: .at(1)) == .sendRequest(.deliverSM, sequenceNumber: 2))
    }

    @Test("sequence numbers wrap from 0x7FFFFFFF to 1")
    func sequenceWrap() {
        var session = TestSession.make(.messageCentre, in: .boundTransceiver, firstSequenceNumber: 0x7FFF_FFFE)
        #expect(session.requestWillBeSent(.deliverSM, now: .at(1)) == .sendRequest(.deliverSM, sequenceNumber: 0x7FFF_FFFE))
        #expect(session.requestWillBeSent(.deliverSM, now: .at(1)) == .sendRequest(.deliverSM, sequenceNumber: 0x7FFF_FFFF))
        #expect(session.requestWillBeSent(.deliverSM, now: .at(1)) == .sendRequest(.deliverSM, sequenceNumber: 1))
        #expect(session.requestWillBeSent(.deliverSM, now: .at(1)) == .sendRequest(.deliverSM, sequenceNumber: 2))
        #expect(session.responseReceived(.deliverSMResp, sequenceNumber: 0x7FFF_FFFF, status: .ok, now: .at(2)) == .completeRequest(sequenceNumber: 0x7FFF_FFFF, .deliverSM, .ok))
        #expect(session.responseReceived(.deliverSMResp, sequenceNumber: 1, status: .ok, now: .at(2)) == .completeRequest(sequenceNumber: 1, .deliverSM, .ok))
    }

    @Test("a first sequence number outside 1…0x7FFFFFFF means 1", arguments: [UInt32(0), 0x8000_0000, 0xFFFF_FFFF])
    func invalidFirstSequenceNumber(first: UInt32) {
        let session = TestSession(role: .esme, firstSequenceNumber: first)
        #expect(session.nextSequenceNumber == 1)
    }

    @Test("responses are matched by sequence number, whatever their order")
    func matchBySequence() {
        var session = TestSession.make(.esme, in: .boundTransceiver)
        #expect(session.requestWillBeSent(.submitSM, now: .at(1)) == .sendRequest(.submitSM, sequenceNumber: 2))
        #expect(session.requestWillBeSent(.querySM, now: .at(1)) == .sendRequest(.querySM, sequenceNumber: 3))
        #expect(session.requestWillBeSent(.cancelSM, now: .at(1)) == .sendRequest(.cancelSM, sequenceNumber: 4))
        #expect(session.responseReceived(.cancelSMResp, sequenceNumber: 4, status: .cancelFailed, now: .at(2)) == .completeRequest(sequenceNumber: 4, .cancelSM, .cancelFailed))
        #expect(session.responseReceived(.submitSMResp, sequenceNumber: 2, status: .ok, now: .at(2)) == .completeRequest(sequenceNumber: 2, .submitSM, .ok))
        #expect(session.responseReceived(.querySMResp, sequenceNumber: 3, status: .ok, now: .at(2)) == .completeRequest(sequenceNumber: 3, .querySM, .ok))
    }

    @Test("a generic_nack completes the outstanding request with its sequence number")
    func genericNackCompletes() {
        var session = TestSession.make(.esme, in: .boundTransceiver)
        #expect(session.requestWillBeSent(.submitSM, now: .at(1)) == .sendRequest(.submitSM, sequenceNumber: 2))
        #expect(session.requestWillBeSent(.submitSM, now: .at(1)) == .sendRequest(.submitSM, sequenceNumber: 3))
        #expect(session.responseReceived(.genericNack, sequenceNumber: 3, status: .invalidCommandLength, now: .at(2)) == .completeRequest(sequenceNumber: 3, .submitSM, .invalidCommandLength))
        #expect(session.isOutstanding(2))
        #expect(!session.isOutstanding(3))
    }

    @Test("a response for nothing outstanding is unexpected and never answered")
    func unknownSequence() {
        var session = TestSession.make(.esme, in: .boundTransceiver)
        #expect(session.responseReceived(.submitSMResp, sequenceNumber: 99, status: .ok, now: .at(1)) == .unexpectedResponse(.submitSMResp, sequenceNumber: 99, .unknownSequenceNumber))
        #expect(session.responseReceived(.genericNack, sequenceNumber: 0, status: .invalidCommandLength, now: .at(1)) == .unexpectedResponse(.genericNack, sequenceNumber: 0, .unknownSequenceNumber))
    }

    @Test("a second response for the same request is unexpected")
    func duplicateResponse() {
        var session = TestSession.make(.esme, in: .boundTransceiver)
        #expect(session.requestWillBeSent(.submitSM, now: .at(1)) == .sendRequest(.submitSM, sequenceNumber: 2))
        #expect(session.responseReceived(.submitSMResp, sequenceNumber: 2, status: .ok, now: .at(2)) == .completeRequest(sequenceNumber: 2, .submitSM, .ok))
        #expect(session.responseReceived(.submitSMResp, sequenceNumber: 2, status: .ok, now: .at(2)) == .unexpectedResponse(.submitSMResp, sequenceNumber: 2, .unknownSequenceNumber))
    }

    @Test("a response of the wrong command is unexpected and the request stays outstanding")
    func commandMismatch() {
        var session = TestSession.make(.esme, in: .boundTransceiver)
        #expect(session.requestWillBeSent(.submitSM, now: .at(1)) == .sendRequest(.submitSM, sequenceNumber: 2))
        #expect(session.responseReceived(.querySMResp, sequenceNumber: 2, status: .ok, now: .at(2)) == .unexpectedResponse(.querySMResp, sequenceNumber: 2, .commandMismatch(expected: .submitSMResp)))
        #expect(session.isOutstanding(2))
        #expect(session.responseReceived(.submitSMResp, sequenceNumber: 2, status: .ok, now: .at(2)) == .completeRequest(sequenceNumber: 2, .submitSM, .ok))
    }

    @Test("a response handed to requestReceived is reported, not answered")
    func responseAsRequest() {
        var session = TestSession.make(.esme, in: .boundTransceiver)
        #expect(session.requestReceived(.submitSMResp, sequenceNumber: 2, now: .at(1)) == .unexpectedResponse(.submitSMResp, sequenceNumber: 2, .notARequest))
        #expect(session.requestReceived(.genericNack, sequenceNumber: 2, now: .at(1)) == .unexpectedResponse(.genericNack, sequenceNumber: 2, .notARequest))
    }

    @Test("pduReceived routes by bit 31")
    func pduReceivedRoutes() {
        var session = TestSession.make(.esme, in: .boundTransceiver)
        #expect(session.requestWillBeSent(.submitSM, now: .at(1)) == .sendRequest(.submitSM, sequenceNumber: 2))
        #expect(session.pduReceived(.deliverSM, sequenceNumber: 10, status: .ok, now: .at(2)) == .forward)
        #expect(session.pduReceived(.submitSMResp, sequenceNumber: 2, status: .ok, now: .at(2)) == .completeRequest(sequenceNumber: 2, .submitSM, .ok))
        #expect(session.pduReceived(.enquireLink, sequenceNumber: 11, status: .ok, now: .at(2)) == .respond(.enquireLinkResp, .ok, sequenceNumber: 11))
        // A request id given to responseReceived is handled as the request it is.
        #expect(session.responseReceived(.enquireLink, sequenceNumber: 12, status: .ok, now: .at(2)) == .respond(.enquireLinkResp, .ok, sequenceNumber: 12))
    }

    @Test("our own enquire_link is completed like any request")
    func applicationEnquireLink() {
        var session = TestSession.make(.esme, in: .boundTransceiver)
        #expect(session.requestWillBeSent(.enquireLink, now: .at(1)) == .sendRequest(.enquireLink, sequenceNumber: 2))
        #expect(session.responseReceived(.enquireLinkResp, sequenceNumber: 2, status: .ok, now: .at(2)) == .completeRequest(sequenceNumber: 2, .enquireLink, .ok))
    }
}
