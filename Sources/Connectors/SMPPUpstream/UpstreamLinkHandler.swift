import Gateway
import Logging
import NIOCore
import SMPP

/// The application end of one upstream SMPP session (after `SMPPSessionHandler`): hands
/// receipts and MO messages to the connector and answers them once they are kept, and
/// writes the connector's submits with one flush per burst instead of one per message.
///
/// Event-loop confined like every handler; the connector reaches it through `NIOLoopBound`.
final class UpstreamLinkHandler: ChannelInboundHandler, SMPPSessionApplication {
    typealias InboundIn = PDU
    typealias OutboundOut = SMPPOutbound

    private let connector: SMPPUpstreamConnector
    private let session: Int
    private var context: ChannelHandlerContext?
    /// The session handler before this one, written to and read from by direct calls.
    private var sessionHandler: SMPPSessionHandler?
    private var flushPending = false

    init(connector: SMPPUpstreamConnector, session: Int) {
        self.connector = connector
        self.session = session
    }

    /// Answers to deliver_sm and data_sm, completed on the store's thread, written on ours with
    /// one flush per burst (one commit's worth, usually).
    private var answers: LoopMailbox?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        sessionHandler = SMPPSessionHandler.attach(self, in: context)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        answers = LoopMailbox(loop: context.eventLoop) { jobs in
            for job in jobs { job() }
            handler.value.context?.flush()
        }
    }
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        sessionHandler = nil
    }

    /// Writes a request; submits arriving together (one event-loop task each) share one flush,
    /// which runs after every task already queued.
    /// `answered` runs once, on this loop, with the upstream's response or why there is none.
    func send(_ body: PDU.Body, tlvs: TLVList, answered: @escaping SMPPResponder.Callback) {
        guard let context else {
            answered(.failure(SMPPSessionError(.connectionClosed, commandID: body.commandID)))
            return
        }
        context.write(.request(body, tlvs: tlvs, responder: .callback(answered)), session: sessionHandler)
        guard !flushPending else { return }
        flushPending = true
        context.eventLoop.assumeIsolated().execute { [self] in
            flushPending = false
            self.context?.flush()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received(unwrapInboundIn(data), context: context)
    }

    func sessionReceived(_ pdu: PDU) {
        guard let context else { return }
        received(pdu, context: context)
    }

    private func received(_ pdu: PDU, context: ChannelHandlerContext) {
        switch pdu.body {
        case .deliverSM, .dataSM:
            // Answered once the gateway has kept what it carries (group commit: every receipt of
            // a read batch shares one transaction), never before: the upstream forgets what it
            // has an answer for.
            let answers = self.answers
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            let commandID = pdu.commandID
            let sequence = pdu.sequenceNumber
            connector.inbound(pdu, session: session) { taken in
                let response: PDU?
                if taken {
                    let body: PDU.Body = commandID == .dataSM ? .dataSMResp(DataSMResp(messageID: "")) : .deliverSMResp(DeliverSMResp(messageID: ""))
                    response = PDU(body, sequenceNumber: sequence)
                } else {
                    response = PDU.errorResponse(to: commandID, status: .temporaryApplicationError, sequenceNumber: sequence)
                }
                guard let response else { return }
                answers?.post {
                    let handler = handler.value
                    handler.context?.write(.response(response), session: handler.sessionHandler)
                }
            }
        case .alertNotification:
            // No response exists; Tern does not track handset availability.
            return
        default:
            if pdu.commandID.expectsResponse,
               let answer = PDU.errorResponse(to: pdu.commandID, status: .invalidCommandID, sequenceNumber: pdu.sequenceNumber) {
                context.write(.response(answer), session: sessionHandler)
            }
        }
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
