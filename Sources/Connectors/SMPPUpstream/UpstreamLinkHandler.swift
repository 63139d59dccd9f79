import Logging
import NIOConcurrencyHelpers
import NIOCore
import SMPP

/// The application end of one upstream SMPP session (after `SMPPSessionHandler`): hands
/// receipts and MO messages to the connector and answers them once they are kept, and
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
        answers = ReadyAnswers()
    }

    /// Answers to deliver_sm and data_sm, completed on the store's thread, written on ours.
    private let answers: ReadyAnswers

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let loop = context.eventLoop
        let handler = NIOLoopBound(self, eventLoop: loop)
        answers.onReady { loop.execute { handler.value.writeAnswers() } }
    }
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
        case .deliverSM, .dataSM:
            // Answered once the gateway has kept what it carries (group commit: every receipt of
            // a read batch shares one transaction), never before: the upstream forgets what it
            // has an answer for.
            let answers = self.answers
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
                if let response { answers.add(response) }
            }
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

    /// Writes the answers that became ready (one commit's worth, usually) with one flush.
    private func writeAnswers() {
        let ready = answers.take()
        guard let context, !ready.isEmpty else { return }
        for response in ready { context.write(wrapOutboundOut(.response(response)), promise: nil) }
        context.flush()
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

/// Answers that became ready off the event loop. The first one of a burst wakes the loop; the
/// rest ride along, so a commit of a thousand receipts costs one hop, not a thousand.
final class ReadyAnswers: Sendable {
    private struct State {
        var answers: [PDU] = []
        var woken = false
        var wake: (@Sendable () -> Void)?
    }

    private let state = NIOLockedValueBox(State())

    /// How to get the event loop to call `take` (set when the handler joins its pipeline).
    func onReady(_ wake: @escaping @Sendable () -> Void) {
        state.withLockedValue { $0.wake = wake }
    }

    func add(_ response: PDU) {
        let wake = state.withLockedValue { state -> (@Sendable () -> Void)? in
            state.answers.append(response)
            if state.woken { return nil }
            state.woken = true
            return state.wake
        }
        wake?()
    }

    func take() -> [PDU] {
        state.withLockedValue { state in
            defer {
                state.answers = []
                state.woken = false
            }
            return state.answers
        }
    }
}
