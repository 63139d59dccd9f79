import NIOCore
import NIOEmbedded
import Testing
@testable import SMPP

/// An application attached to the session handler: PDUs by `sessionReceived`, writes by `write`.
/// It records which way each PDU came, so a PDU that took the pipeline instead shows.
private final class AttachedApplication: ChannelInboundHandler, SMPPSessionApplication {
    typealias InboundIn = PDU

    var direct: [PDU] = []
    var throughPipeline: [PDU] = []
    var events: [SMPPSessionEvent] = []
    var session: SMPPSessionHandler?

    func handlerAdded(context: ChannelHandlerContext) {
        session = SMPPSessionHandler.attach(self, in: context)
    }

    func sessionReceived(_ pdu: PDU) {
        direct.append(pdu)
        let answer: PDU.Body? = switch pdu.body {
        case .bindTransceiver: .bindTransceiverResp(BindResp(systemID: "TernSMSC"))
        case .submitSM: .submitSMResp(SubmitSMResp(messageID: "msg-\(pdu.sequenceNumber)"))
        default: nil
        }
        guard let answer else { return }
        session?.write(.response(PDU(answer, sequenceNumber: pdu.sequenceNumber)))
        session?.flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        throughPipeline.append(unwrapInboundIn(data))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? SMPPSessionEvent { events.append(event) }
    }
}

@Suite("SMPPSessionHandler with an attached application (no NIOAny per PDU)")
struct SessionDirectPathTests {
    private static func channel() throws -> (EmbeddedChannel, SMPPSessionHandler, AttachedApplication) {
        let channel = EmbeddedChannel()
        let session = SMPPSessionHandler(role: .messageCentre, windowSize: 4)
        let application = AttachedApplication()
        try channel.pipeline.syncOperations.addHandlers([session, application])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 2775)).wait()
        return (channel, session, application)
    }

    private static func sent(_ channel: EmbeddedChannel) throws -> [PDU] {
        var stream = ByteBuffer()
        while let chunk = try channel.readOutbound(as: ByteBuffer.self) { stream.writeImmutableBuffer(chunk) }
        var out: [PDU] = []
        while let frame = try PDUFraming().nextFrame(from: &stream) { out.append(try PDU.decode(frame)) }
        return out
    }

    @Test("requests come by the direct call, not channelRead; state changes still travel the pipeline")
    func requestsComeDirectly() throws {
        let (channel, session, application) = try Self.channel()
        #expect(application.session === session)
        try channel.writeInbound(try PDU(.bindTransceiver(Bind(systemID: "tern", password: "pw")), sequenceNumber: 1).encoded())
        let submit = PDU(.submitSM(SubmitSM(source: .alphanumeric("Tern"), destination: .international("447700900123"),
                                            shortMessage: ByteBuffer(string: "hi"))), sequenceNumber: 2)
        try channel.writeInbound(try submit.encoded())

        #expect(application.direct.map(\.commandID) == [.bindTransceiver, .submitSM])
        #expect(application.direct.last == submit)
        #expect(application.throughPipeline.isEmpty)
        #expect(application.events.contains(.stateChanged(.boundTransceiver)))
        // The answers written directly went out as a write through the pipeline would have.
        #expect(try Self.sent(channel) == [
            PDU(.bindTransceiverResp(BindResp(systemID: "TernSMSC")), sequenceNumber: 1),
            PDU(.submitSMResp(SubmitSMResp(messageID: "msg-2")), sequenceNumber: 2),
        ])
        #expect(session.state == .boundTransceiver)
    }

    @Test("a request written directly is numbered, held in the window, and completed by its response")
    func requestBySend() throws {
        let (channel, session, _) = try Self.channel()
        try channel.writeInbound(try PDU(.bindTransceiver(Bind(systemID: "tern", password: "pw")), sequenceNumber: 1).encoded())
        _ = try Self.sent(channel)
        let answered = channel.embeddedEventLoop.makePromise(of: PDU.self)
        let deliver = PDU.Body.deliverSM(DeliverSM(source: .international("447700900123"), destination: .alphanumeric("Tern")))
        session.write(.request(deliver, promise: answered))
        session.flush()
        let requests = try Self.sent(channel)
        #expect(requests.map(\.commandID) == [.deliverSM])
        let sequence = try #require(requests.first?.sequenceNumber)
        try channel.writeInbound(try PDU(.deliverSMResp(DeliverSMResp(messageID: "")), sequenceNumber: sequence).encoded())
        #expect(try answered.futureResult.wait().commandID == .deliverSMResp)
    }

    @Test("after the channel closes (the handler has left its pipeline), a request sent to it fails as on a closed connection")
    func sendAfterRemoval() throws {
        let (channel, session, application) = try Self.channel()
        try channel.close().wait()
        channel.embeddedEventLoop.run()  // the pipeline lets its handlers go on the next turn
        let answered = channel.embeddedEventLoop.makePromise(of: PDU.self)
        session.write(.request(.enquireLink, promise: answered))
        #expect(throws: SMPPSessionError(.connectionClosed, commandID: .enquireLink)) { try answered.futureResult.wait() }
        #expect(application.direct.isEmpty)
    }
}
