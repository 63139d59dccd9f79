import NIOCore
import NIOEmbedded
@testable import SMPP

/// Stands in for the gateway above the session handler: accepts every bind as `system_id`
/// "TernSMSC", answers submit_sm/data_sm with a message id, deliver_sm with ROK, and records
/// what it was handed.
final class RecordingApplication: ChannelInboundHandler {
    typealias InboundIn = PDU
    typealias OutboundOut = SMPPOutbound

    var received: [PDU] = []
    var events: [SMPPSessionEvent] = []
    var bindStatus: CommandStatus = .ok

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let pdu = unwrapInboundIn(data)
        received.append(pdu)
        let answer: PDU.Body?
        switch pdu.body {
        case .bindTransceiver: answer = .bindTransceiverResp(BindResp(systemID: "TernSMSC"))
        case .bindTransmitter: answer = .bindTransmitterResp(BindResp(systemID: "TernSMSC"))
        case .bindReceiver: answer = .bindReceiverResp(BindResp(systemID: "TernSMSC"))
        case .submitSM: answer = .submitSMResp(SubmitSMResp(messageID: "msg-\(pdu.sequenceNumber)"))
        case .dataSM: answer = .dataSMResp(DataSMResp(messageID: "msg-\(pdu.sequenceNumber)"))
        case .deliverSM: answer = .deliverSMResp(DeliverSMResp(messageID: ""))
        default: answer = nil
        }
        guard let answer else { return }
        let status: CommandStatus = BindType(commandID: pdu.commandID) != nil ? bindStatus : .ok
        context.writeAndFlush(wrapOutboundOut(.response(PDU(answer, sequenceNumber: pdu.sequenceNumber, status: status))), promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? SMPPSessionEvent { events.append(event) }
    }
}

/// An `EmbeddedChannel` with the full SMPP pipeline, spoken to in PDUs and raw octets.
struct SessionChannel {
    let channel: EmbeddedChannel
    let application: RecordingApplication
    let session: SMPPSessionHandler

    init(role: SessionRole, windowSize: Int = 10, timers: SessionTimers = SessionTimers()) throws {
        channel = EmbeddedChannel()
        application = RecordingApplication()
        session = SMPPSessionHandler(role: role, windowSize: windowSize, timers: timers)
        try channel.pipeline.syncOperations.addHandlers([
            session,
            application,
        ])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 2775)).wait()
    }

    /// Sends raw octets from the peer.
    func receive(_ bytes: [UInt8]) throws {
        try channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    /// Sends a PDU from the peer.
    func receive(_ pdu: PDU) throws {
        try channel.writeInbound(try pdu.encoded())
    }

    /// Every PDU written to the peer so far.
    func sent() throws -> [PDU] {
        var out: [PDU] = []
        var stream = ByteBuffer()
        while let chunk = try channel.readOutbound(as: ByteBuffer.self) { stream.writeImmutableBuffer(chunk) }
        let framing = PDUFraming()
        while let frame = try framing.nextFrame(from: &stream) { out.append(try PDU.decode(frame)) }
        return out
    }

    /// Binds the peer (an ESME) in the given way and drops the bind response.
    func bindPeer(_ type: BindType, sequence: UInt32 = 1) throws {
        let bind = Bind(systemID: "tern", password: "pw")
        let body: PDU.Body
        switch type {
        case .transmitter: body = .bindTransmitter(bind)
        case .receiver: body = .bindReceiver(bind)
        case .transceiver: body = .bindTransceiver(bind)
        }
        try receive(PDU(body, sequenceNumber: sequence))
        _ = try sent()
    }
}
