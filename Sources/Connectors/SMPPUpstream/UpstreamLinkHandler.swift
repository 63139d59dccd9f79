import Logging
import NIOCore
import SMPP

/// The application end of one upstream SMPP session (after `SMPPSessionHandler`): answers the
/// upstream's deliver_sm and data_sm, hands receipts and MO messages to the connector, and
/// writes the connector's submits with one flush per burst instead of one per message.
///
/// Event-loop confined like every handler; the connector reaches it through `NIOLoopBound`.
final class UpstreamLinkHandler: ChannelInboundHandler {
    typealias InboundIn = PDU
    typealias OutboundOut = SMPPOutbound

    private let connector: SMPPUpstreamConnector
    private let session: Int
    private var context: ChannelHandlerContext?
    private var flushPending = false

    init(connector: SMPPUpstreamConnector, session: Int) {
        self.connector = connector
        self.session = session
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Writes a request; submits arriving together (one event-loop task each) share one flush,
    /// which runs after every task already queued.
    func send(_ body: PDU.Body, tlvs: TLVList, promise: EventLoopPromise<PDU>) {
        guard let context else {
            promise.fail(SMPPSessionError(.connectionClosed, commandID: body.commandID))
            return
        }
        context.write(wrapOutboundOut(.request(body, tlvs: tlvs, promise: promise)), promise: nil)
        guard !flushPending else { return }
        flushPending = true
        context.eventLoop.assumeIsolated().execute { [self] in
            flushPending = false
            self.context?.flush()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let pdu = unwrapInboundIn(data)
        switch pdu.body {
        case .deliverSM:
            // Answered before anything else happens to it: an upstream that waits for
            // deliver_sm_resp stalls its whole receipt stream otherwise.
            respond(.deliverSMResp(DeliverSMResp(messageID: "")), to: pdu, context: context)
            connector.inbound(pdu, session: session)
        case .dataSM:
            respond(.dataSMResp(DataSMResp(messageID: "")), to: pdu, context: context)
            connector.inbound(pdu, session: session)
        case .alertNotification:
            // No response exists; Tern does not track handset availability.
            return
        default:
            if pdu.commandID.expectsResponse,
               let answer = PDU.errorResponse(to: pdu.commandID, status: .invalidCommandID, sequenceNumber: pdu.sequenceNumber) {
                context.write(wrapOutboundOut(.response(answer)), promise: nil)
            }
        }
    }

    private func respond(_ body: PDU.Body, to request: PDU, context: ChannelHandlerContext) {
        // The session handler flushes on channelReadComplete, so answers to one read batch
        // leave in one write.
        context.write(wrapOutboundOut(.response(PDU(body, sequenceNumber: request.sequenceNumber))), promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? SMPPSessionEvent {
            connector.sessionEvent(event, session: session)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        connector.logger.warning("upstream link error", metadata: ["session": "\(session)", "error": "\(error)"])
        context.close(promise: nil)
    }
}
