import NIOCore
import NIOEmbedded
import Testing
@testable import SMPP

@Suite("SMPPSessionHandler on EmbeddedChannel")
struct SessionHandlerTests {
    static let submit = PDU(.submitSM(SubmitSM(source: .alphanumeric("Tern"), destination: .international("447700900123"),
                                                shortMessage: ByteBuffer(string: "hi"))), sequenceNumber: 5)

    @Test("a bound transceiver gets its submit_sm answered by the application, split across reads")
    func submitAnswered() throws {
        let session = try SessionChannel(role: .messageCentre)
        try session.bindPeer(.transceiver)
        #expect(session.session.state == .boundTransceiver)
        let bytes = Array(try Self.submit.encoded().readableBytesView)
        for byte in bytes { try session.receive([byte]) }
        let sent = try session.sent()
        #expect(sent == [PDU(.submitSMResp(SubmitSMResp(messageID: "msg-5")), sequenceNumber: 5)])
    }

    @Test("submit_sm before bind is refused with ESME_RINVBNDSTS and never reaches the application")
    func submitBeforeBind() throws {
        let session = try SessionChannel(role: .messageCentre)
        try session.receive(Self.submit)
        #expect(try session.sent() == [PDU(.submitSMResp(SubmitSMResp(messageID: nil)), sequenceNumber: 5, status: .invalidBindStatus)])
        #expect(session.application.received.isEmpty)
    }

    @Test("enquire_link is answered by the session itself")
    func enquireLinkAnswered() throws {
        let session = try SessionChannel(role: .messageCentre)
        try session.bindPeer(.transmitter)
        try session.receive(PDU(.enquireLink, sequenceNumber: 9))
        #expect(try session.sent() == [PDU(.enquireLinkResp, sequenceNumber: 9)])
    }

    @Test("a refused bind leaves the session OPEN so the ESME may try again")
    func refusedBind() throws {
        let session = try SessionChannel(role: .messageCentre)
        session.application.bindStatus = .invalidPassword
        try session.bindPeer(.transceiver)
        #expect(session.session.state == .open)
        session.application.bindStatus = .ok
        try session.bindPeer(.transceiver, sequence: 2)
        #expect(session.session.state == .boundTransceiver)
    }

    @Test("unbind is answered and the connection closes")
    func unbindCloses() throws {
        let session = try SessionChannel(role: .messageCentre)
        try session.bindPeer(.transceiver)
        try session.receive(PDU(.unbind, sequenceNumber: 77))
        #expect(try session.sent() == [PDU(.unbindResp, sequenceNumber: 77)])
        #expect(!session.channel.isActive)
    }

    @Test("our deliver_sm is numbered, its response completes the promise, out of order")
    func requestCorrelation() throws {
        let session = try SessionChannel(role: .messageCentre)
        try session.bindPeer(.receiver)
        let loop = session.channel.embeddedEventLoop
        let first = loop.makePromise(of: PDU.self)
        let second = loop.makePromise(of: PDU.self)
        let deliver = PDU.Body.deliverSM(DeliverSM(source: .international("447700900123"), destination: .alphanumeric("Tern")))
        try session.channel.writeOutbound(SMPPOutbound.request(deliver, promise: first))
        try session.channel.writeOutbound(SMPPOutbound.request(deliver, promise: second))
        let requests = try session.sent()
        #expect(requests.count == 2)
        #expect(requests[0].sequenceNumber != requests[1].sequenceNumber)
        try session.receive(PDU(.deliverSMResp(DeliverSMResp(messageID: "")), sequenceNumber: requests[1].sequenceNumber))
        try session.receive(PDU(.deliverSMResp(DeliverSMResp(messageID: "")), sequenceNumber: requests[0].sequenceNumber, status: .temporaryApplicationError))
        #expect(try second.futureResult.wait().commandStatus == .ok)
        #expect(try first.futureResult.wait().commandStatus == .temporaryApplicationError)
    }

    @Test("the window limit refuses a request beyond it with windowFull")
    func windowLimit() throws {
        let session = try SessionChannel(role: .messageCentre, windowSize: 1)
        try session.bindPeer(.transceiver)
        let loop = session.channel.embeddedEventLoop
        let deliver = PDU.Body.deliverSM(DeliverSM(source: .international("1"), destination: .international("2")))
        let first = loop.makePromise(of: PDU.self)
        let second = loop.makePromise(of: PDU.self)
        try session.channel.writeOutbound(SMPPOutbound.request(deliver, promise: first))
        #expect(throws: SMPPSessionError(.windowFull, commandID: .deliverSM)) {
            try session.channel.writeOutbound(SMPPOutbound.request(deliver, promise: second))
        }
        #expect(throws: SMPPSessionError(.windowFull, commandID: .deliverSM)) { try second.futureResult.wait() }
        _ = try session.sent()
        first.fail(SMPPSessionError(.connectionClosed, commandID: .deliverSM))
    }

    @Test("a request that breaks a field limit fails at once and takes no window slot")
    func encodingErrorTakesNoSlot() throws {
        let session = try SessionChannel(role: .messageCentre, windowSize: 1)
        try session.bindPeer(.transceiver)
        let loop = session.channel.embeddedEventLoop
        let bad = loop.makePromise(of: PDU.self)
        let tooLong = PDU.Body.deliverSM(DeliverSM(source: .international(String(repeating: "1", count: 30)), destination: .international("2")))
        #expect(throws: SMPPSessionError.self) { try session.channel.writeOutbound(SMPPOutbound.request(tooLong, promise: bad)) }
        let error = try #require(throws: SMPPSessionError.self) { try bad.futureResult.wait() }
        guard case .encoding(let encoding) = error.code else {
            Issue.record("expected an encoding error, got \(error)")
            return
        }
        #expect(encoding.field == "source_addr")
        let good = loop.makePromise(of: PDU.self)
        try session.channel.writeOutbound(SMPPOutbound.request(.deliverSM(DeliverSM(source: .international("1"), destination: .international("2"))), promise: good))
        let sent = try session.sent()
        #expect(sent.map(\.commandID) == [.deliverSM])
        try session.receive(PDU(.deliverSMResp(DeliverSMResp(messageID: "")), sequenceNumber: sent[0].sequenceNumber))
        #expect(try good.futureResult.wait().commandID == .deliverSMResp)
    }

    @Test("a request with no response fails with timeout after the response timer")
    func responseTimeout() throws {
        let timers = SessionTimers(enquireLink: nil, inactivity: nil, response: .seconds(5), tickInterval: .seconds(1))
        let session = try SessionChannel(role: .messageCentre, timers: timers)
        try session.bindPeer(.transceiver)
        let promise = session.channel.embeddedEventLoop.makePromise(of: PDU.self)
        try session.channel.writeOutbound(SMPPOutbound.request(.deliverSM(DeliverSM(source: .international("1"), destination: .international("2"))), promise: promise))
        session.channel.embeddedEventLoop.advanceTime(by: .seconds(7))
        #expect(throws: SMPPSessionError(.timeout, commandID: .deliverSM)) { try promise.futureResult.wait() }
        #expect(session.channel.isActive)
    }

    @Test("an idle bound session sends enquire_link, and closes when it goes unanswered")
    func enquireLinkTimer() throws {
        let timers = SessionTimers(enquireLink: .seconds(30), inactivity: nil, response: .seconds(10), tickInterval: .seconds(1))
        let session = try SessionChannel(role: .messageCentre, timers: timers)
        try session.bindPeer(.transceiver)
        session.channel.embeddedEventLoop.advanceTime(by: .seconds(31))
        let sent = try session.sent()
        #expect(sent.map(\.commandID) == [.enquireLink])
        session.channel.embeddedEventLoop.advanceTime(by: .seconds(11))
        #expect(!session.channel.isActive)
    }

    @Test("a connection that never binds is closed by the session_init timer")
    func sessionInitTimer() throws {
        let session = try SessionChannel(role: .messageCentre, timers: SessionTimers(sessionInit: .seconds(30)))
        session.channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(session.channel.isActive)
        session.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!session.channel.isActive)
    }

    @Test("as an ESME the handler binds, and only submits once bound")
    func clientBind() throws {
        let session = try SessionChannel(role: .esme)
        let loop = session.channel.embeddedEventLoop
        let early = loop.makePromise(of: PDU.self)
        #expect(throws: SMPPSessionError.self) {
            try session.channel.writeOutbound(SMPPOutbound.request(Self.submit.body, promise: early))
        }
        early.futureResult.whenComplete { _ in }
        let bound = loop.makePromise(of: PDU.self)
        try session.channel.writeOutbound(SMPPOutbound.request(.bindTransceiver(Bind(systemID: "tern", password: "pw")), promise: bound))
        let bind = try #require(try session.sent().first)
        try session.receive(PDU(.bindTransceiverResp(BindResp(systemID: "SMSC")), sequenceNumber: bind.sequenceNumber))
        #expect(try bound.futureResult.wait().commandStatus == .ok)
        #expect(session.session.state == .boundTransceiver)
        let submitted = loop.makePromise(of: PDU.self)
        try session.channel.writeOutbound(SMPPOutbound.request(Self.submit.body, promise: submitted))
        let submit = try #require(try session.sent().first)
        try session.receive(PDU(.submitSMResp(SubmitSMResp(messageID: "up-1")), sequenceNumber: submit.sequenceNumber))
        #expect(try submitted.futureResult.wait().body == .submitSMResp(SubmitSMResp(messageID: "up-1")))
    }

    @Test("closing the connection fails every outstanding request")
    func closeFailsOutstanding() throws {
        let session = try SessionChannel(role: .messageCentre)
        try session.bindPeer(.transceiver)
        let promise = session.channel.embeddedEventLoop.makePromise(of: PDU.self)
        try session.channel.writeOutbound(SMPPOutbound.request(.deliverSM(DeliverSM(source: .international("1"), destination: .international("2"))), promise: promise))
        try session.channel.close().wait()
        #expect(throws: SMPPSessionError(.connectionClosed, commandID: .deliverSM)) { try promise.futureResult.wait() }
    }

    /// Records what each callback responder heard, by name; the embedded loop is this thread.
    final class Answers: @unchecked Sendable {
        var heard: [String: [Result<PDU, SMPPSessionError>]] = [:]

        func responder(_ name: String) -> SMPPResponder {
            .callback { result in self.heard[name, default: []].append(result) }
        }
    }

    @Test("a callback responder hears its response once, out of order, and a refusal, a timeout or a close ends it once too")
    func callbackResponder() throws {
        let timers = SessionTimers(enquireLink: nil, inactivity: nil, response: .seconds(5), tickInterval: .seconds(1))
        let session = try SessionChannel(role: .messageCentre, windowSize: 3, timers: timers)
        try session.bindPeer(.transceiver)
        let answers = Answers()
        let deliver = PDU.Body.deliverSM(DeliverSM(source: .international("447700900123"), destination: .alphanumeric("Tern")))
        for name in ["first", "second", "late"] {
            try session.channel.writeOutbound(SMPPOutbound.request(deliver, responder: answers.responder(name)))
        }
        #expect(throws: SMPPSessionError(.windowFull, commandID: .deliverSM)) {
            try session.channel.writeOutbound(SMPPOutbound.request(deliver, responder: answers.responder("beyond the window")))
        }
        let requests = try session.sent()
        #expect(requests.count == 3)
        try session.receive(PDU(.deliverSMResp(DeliverSMResp(messageID: "")), sequenceNumber: requests[1].sequenceNumber))
        try session.receive(PDU(.deliverSMResp(DeliverSMResp(messageID: "")), sequenceNumber: requests[0].sequenceNumber,
                                status: .temporaryApplicationError))
        // A second response to the same sequence number is not the request's any more.
        try session.receive(PDU(.deliverSMResp(DeliverSMResp(messageID: "")), sequenceNumber: requests[0].sequenceNumber))
        session.channel.embeddedEventLoop.advanceTime(by: .seconds(7))
        try session.channel.writeOutbound(SMPPOutbound.request(deliver, responder: answers.responder("open at the close")))
        try session.channel.close().wait()

        func statuses(_ name: String) -> [String] {
            (answers.heard[name] ?? []).map { result in
                switch result {
                case .success(let pdu): return "\(pdu.commandID.name) \(pdu.commandStatus)"
                case .failure(let error): return "\(error.code)"
                }
            }
        }
        #expect(statuses("second") == ["deliver_sm_resp \(CommandStatus.ok)"])
        #expect(statuses("first") == ["deliver_sm_resp \(CommandStatus.temporaryApplicationError)"])
        #expect(statuses("beyond the window") == ["\(SMPPSessionError.Code.windowFull)"])
        #expect(statuses("late") == ["\(SMPPSessionError.Code.timeout)"])
        #expect(statuses("open at the close") == ["\(SMPPSessionError.Code.connectionClosed)"])
    }
}
