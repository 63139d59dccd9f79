import NIOCore
import NIOEmbedded
import Testing
@testable import SMPP

/// What the session writes between two flushes goes out in one buffer, in order; a request the
/// session does not send leaves nothing behind in it.
@Suite("SMPPSessionHandler gathering writes until the flush")
struct SessionGatheringTests {
    static let deliver = PDU.Body.deliverSM(DeliverSM(source: .international("447700900123"), destination: .alphanumeric("Tern"),
                                                      shortMessage: ByteBuffer(string: "id:1 stat:DELIVRD")))

    /// A server session with a transceiver bound, its bind response already read.
    static func boundTransceiver(window: Int) throws -> SessionChannel {
        let session = try SessionChannel(role: .messageCentre, windowSize: window)
        try session.bindPeer(.transceiver)
        return session
    }

    @Test("answers and requests written before one flush leave as one buffer holding each PDU in order")
    func oneBufferPerFlush() throws {
        let session = try Self.boundTransceiver(window: 10)
        let channel = session.channel
        let loop = channel.embeddedEventLoop
        let responses = (1...3).map { PDU(.submitSMResp(SubmitSMResp(messageID: "m\($0)")), sequenceNumber: UInt32(40 + $0)) }
        for response in responses { channel.write(SMPPOutbound.response(response), promise: nil) }
        let answered = loop.makePromise(of: PDU.self)
        channel.write(SMPPOutbound.request(Self.deliver, promise: answered), promise: nil)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        channel.flush()
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)

        var stream = written
        var pdus: [PDU] = []
        while let frame = try PDUFraming().nextFrame(from: &stream) { pdus.append(try PDU.decode(frame)) }
        #expect(stream.readableBytes == 0)
        #expect(Array(pdus.prefix(3)) == responses)
        #expect(pdus.count == 4)
        #expect(pdus.last?.commandID == .deliverSM)
        // The request was numbered in place: its response completes it.
        try session.receive(PDU(.deliverSMResp(DeliverSMResp(messageID: "")), sequenceNumber: try #require(pdus.last).sequenceNumber))
        #expect(try answered.futureResult.wait().commandID == .deliverSMResp)
    }

    @Test("a request refused for the window leaves no octets among the gathered PDUs")
    func refusedLeavesNothing() throws {
        let session = try Self.boundTransceiver(window: 1)
        let channel = session.channel
        let loop = channel.embeddedEventLoop
        let first = loop.makePromise(of: PDU.self)
        let second = loop.makePromise(of: PDU.self)
        channel.write(SMPPOutbound.request(Self.deliver, promise: first), promise: nil)
        channel.write(SMPPOutbound.request(Self.deliver, promise: second), promise: nil)
        channel.write(SMPPOutbound.response(PDU(.submitSMResp(SubmitSMResp(messageID: "m9")), sequenceNumber: 9)), promise: nil)
        channel.flush()
        #expect(throws: SMPPSessionError(.windowFull, commandID: .deliverSM)) { try second.futureResult.wait() }
        let sent = try session.sent()
        #expect(sent.map(\.commandID) == [.deliverSM, .submitSMResp])
        first.fail(SMPPSessionError(.connectionClosed, commandID: .deliverSM))
    }
}
