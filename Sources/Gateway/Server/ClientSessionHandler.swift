import Foundation
import Logging
import NIOCore
import SMPP

/// The gateway's side of one client session, after `SMPPSessionHandler`: binds, submits
/// (submit_sm, data_sm, submit_multi), query_sm, cancel_sm, replace_sm and broadcast_sm.
///
/// Protocol rules (states, windows, timers, malformed PDUs) are the session handler's; this
/// handler decides as the gateway, on the session's event loop, and answers once the gateway has
/// decided: a submit is answered only after its message is durable.
final class ClientSessionHandler: ChannelInboundHandler, SMPPSessionApplication {
    typealias InboundIn = PDU
    typealias OutboundOut = SMPPOutbound

    private let gateway: TernGateway
    private let settings: ServerSettings
    private let isTLS: Bool
    private let activity: SessionActivity
    private var session: ClientSession?
    private var account: Account?
    /// The client's IP address, for hooks (`msg.client_ip`).
    private var clientIP: String?
    private var binding = false
    private var logger: Logger
    /// Answers that became ready on the store's thread; run on this loop in bursts.
    private var answers: LoopMailbox?
    /// While a burst of answers runs: responses are written, and flushed once at its end.
    private var answering = false
    /// The session handler before this one, which hands over requests and takes responses by
    /// direct calls; nil only in a pipeline without one.
    private var sessionHandler: SMPPSessionHandler?
    private var context: ChannelHandlerContext?

    init(gateway: TernGateway, settings: ServerSettings, isTLS: Bool, activity: SessionActivity = SessionActivity()) {
        self.gateway = gateway
        self.settings = settings
        self.isTLS = isTLS
        self.activity = activity
        logger = gateway.logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        sessionHandler = SMPPSessionHandler.attach(self, in: context)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let contextBox = NIOLoopBound(context, eventLoop: context.eventLoop)
        answers = LoopMailbox(loop: context.eventLoop) { jobs in
            handler.value.answerBurst(jobs, context: contextBox.value)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        sessionHandler = nil
    }

    private func answerBurst(_ jobs: [LoopMailbox.Job], context: ChannelHandlerContext) {
        answering = true
        for job in jobs { job() }
        answering = false
        if context.channel.isActive { context.flush() }
    }

    /// Runs a completion's answer on the session's loop: in a burst of `answers` (which exists
    /// from `handlerAdded` on, before any request can arrive), or alone.
    private static func answerLater(_ answer: @escaping LoopMailbox.Job, in answers: LoopMailbox?, loop: any EventLoop) {
        if let answers { answers.post(answer) } else { loop.execute(answer) }
    }

    /// Writes a response; flushed now, or at the end of the burst of answers in progress.
    private func send(_ response: PDU, context: ChannelHandlerContext) {
        context.write(.response(response), session: sessionHandler)
        if !answering { context.flush() }
    }

    func channelActive(context: ChannelHandlerContext) {
        logger[metadataKey: "remote"] = "\(context.remoteAddress?.description ?? "?")"
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        endSession(reason: "connection closed")
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? SMPPSessionEvent {
            switch event {
            case .stateChanged(.unbound), .stateChanged(.closed):
                endSession(reason: "unbound")
            case .malformedPDU(let error):
                logger.notice("malformed PDU answered", metadata: ["error": "\(error)"])
            default:
                break
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.info("session error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
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
        case .bindTransmitter(let bind): self.bind(bind, type: .transmitter, pdu: pdu, context: context)
        case .bindReceiver(let bind): self.bind(bind, type: .receiver, pdu: pdu, context: context)
        case .bindTransceiver(let bind): self.bind(bind, type: .transceiver, pdu: pdu, context: context)
        case .submitSM(let submit): self.submit([Submission(submit, tlvs: pdu.tlvs)], pdu: pdu, context: context)
        case .dataSM(let data): self.submit([Submission(data, tlvs: pdu.tlvs)], pdu: pdu, context: context)
        case .submitMulti(let multi): self.submitMulti(multi, pdu: pdu, context: context)
        case .querySM(let query): self.query(query, pdu: pdu, context: context)
        case .cancelSM(let cancel): self.cancel(cancel, pdu: pdu, context: context)
        case .replaceSM(let replace): self.replace(replace, pdu: pdu, context: context)
        case .broadcastSM, .queryBroadcastSM, .cancelBroadcastSM:
            // No connector of Tern carries cell broadcast yet; say so precisely.
            let status: CommandStatus = pdu.commandID == .broadcastSM ? .broadcastFailed
                : pdu.commandID == .queryBroadcastSM ? .broadcastQueryFailed : .broadcastCancelFailed
            respondError(to: pdu, status: status, context: context)
        default:
            respondError(to: pdu, status: .invalidCommandID, context: context)
        }
    }

    // MARK: Bind

    private func bind(_ bind: Bind, type: BindType, pdu: PDU, context: ChannelHandlerContext) {
        guard !binding, session == nil else {
            respondError(to: pdu, status: .alreadyBound, context: context)
            return
        }
        binding = true
        let remote = context.remoteAddress
        clientIP = remote?.ipAddress
        let remoteKey = remote?.ipAddress ?? "unknown"
        let remoteBytes = remote?.ipAddress.flatMap(IPAddressBytes.init)
        let loop = context.eventLoop
        let gateway = self.gateway
        let tls = isTLS
        let bindType: String = switch type {
        case .transmitter: "transmitter"
        case .receiver: "receiver"
        case .transceiver: "transceiver"
        }
        let promise = loop.makePromise(of: Result<Account, TernGateway.BindRefusal>.self)
        promise.completeWithTask {
            let result = await gateway.authenticate(bind, remote: remoteBytes, remoteKey: remoteKey, bindType: bindType, tls: tls)
            if case .failure(.status(_, _, let delay)) = result, delay > 0 {
                try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            }
            return result
        }
        promise.futureResult.assumeIsolated().whenSuccess { result in
            self.binding = false
            self.finishBind(result, bind: bind, type: type, pdu: pdu, context: context)
        }
    }

    private func finishBind(_ result: Result<Account, TernGateway.BindRefusal>, bind: Bind, type: BindType, pdu: PDU, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let remote = context.remoteAddress?.description ?? "?"
        switch result {
        case .failure(.status(let status, let reason, _)):
            logger.notice("bind refused", metadata: ["system_id": "\(bind.systemID)", "status": "\(status)", "reason": "\(reason)"])
            respondError(to: pdu, status: status, context: context)
        case .success(let account):
            guard let accountID = account.id else { return }
            let session = ClientSession(
                id: gateway.registry.nextSessionID(), accountID: accountID, systemID: account.systemID, bindType: type,
                interfaceVersion: bind.interfaceVersion, remoteAddress: remote, tls: isTLS, activity: activity,
                channel: context.channel, sessionHandler: sessionHandler, window: settings.window)
            do {
                let bound = try gateway.registry.register(session, maxBinds: account.maxBinds)
                // The hour's peak of bound sessions, for the consumption figures.
                gateway.committer.enqueue(.sessionsBound(accountID: accountID, at: Date(), count: bound))
            } catch {
                logger.notice("bind refused", metadata: ["system_id": "\(bind.systemID)", "reason": "already \(account.maxBinds) sessions bound"])
                respondError(to: pdu, status: .alreadyBound, context: context)
                return
            }
            self.session = session
            self.account = account
            logger[metadataKey: "system_id"] = "\(account.systemID)"
            var tlvs = TLVList()
            // SMPP 3.3 and older clients get no TLVs (reference §6).
            if bind.interfaceVersion >= 0x34 {
                try? tlvs.appendInteger(.scInterfaceVersion, UInt32(bind.interfaceVersion >= 0x50 ? 0x50 : 0x34), width: 1)
            }
            let body: PDU.Body
            let resp = BindResp(systemID: "Tern")
            switch type {
            case .transmitter: body = .bindTransmitterResp(resp)
            case .receiver: body = .bindReceiverResp(resp)
            case .transceiver: body = .bindTransceiverResp(resp)
            }
            send(PDU(body, sequenceNumber: pdu.sequenceNumber, tlvs: tlvs), context: context)
            logger.info("bound", metadata: ["bind": "\(type)", "version": "0x\(String(bind.interfaceVersion, radix: 16))", "tls": "\(isTLS)"])
            if type != .transmitter {
                let delivery = gateway.delivery
                Task { await delivery.flush(accountID: accountID) }
            }
        }
    }

    private func endSession(reason: String) {
        guard let session else { return }
        self.session = nil
        gateway.registry.unregister(session)
        session.closed()
        logger.info("session ended", metadata: ["reason": "\(reason)"])
    }

    // MARK: Submit

    private func submit(_ submissions: [Submission], pdu: PDU, context: ChannelHandlerContext) {
        guard let boundAccount = account, let session else {
            respondError(to: pdu, status: .invalidBindStatus, context: context)
            return
        }
        // The API may have changed the account since the bind (prices, senders, limits).
        let account = gateway.cachedAccount(session.accountID) ?? boundAccount
        // Submits received and not yet answered (kept in `activity`, which the admin API shows as
        // the window in use); beyond the window the client is throttled.
        if activity.inFlight >= settings.window {
            refuse(pdu, SubmissionRejection(.throttled, "more than \(settings.window) submits unanswered on this session"), context: context)
            return
        }
        guard gateway.limiter.admit(accountID: session.accountID, rate: account.throughput) else {
            refuse(pdu, SubmissionRejection(.throttled, "over the account's \(account.throughput ?? 0) messages per second"), context: context)
            return
        }
        let now = Date()
        var items: [DispatchItem] = []
        items.reserveCapacity(submissions.count)
        var failures: [(Address, SubmissionRejection)] = []
        // One generation of config and scripts decides the whole PDU, even across a reload.
        let rules = gateway.rules
        for submission in submissions {
            do throws(SubmissionRejection) {
                var message = try submission.message(id: gateway.ids.next(now: now), account: account, now: now,
                                                     defaultValiditySeconds: settings.defaultValiditySeconds)
                message.campaign = rules.config.accounts.campaignSource.campaign(serviceType: submission.serviceType, tlvs: submission.tlvs)
                switch gateway.decide(&message, account: account, clientIP: clientIP, rules: rules) {
                case .success(let connectors): items.append(DispatchItem(message: message, connectors: connectors))
                case .failure(let rejection): failures.append((submission.destination, rejection))
                }
            } catch {
                failures.append((submission.destination, error))
            }
        }
        let isMulti = pdu.commandID == .submitMulti
        if items.isEmpty, let first = failures.first {
            // Nothing to accept: answer with the (first) reason, as a single submit would.
            if isMulti {
                respondMulti(to: Request(pdu), messageID: nil, failures: failures, status: first.1.status, context: context)
                gateway.countRefusedSubmit()
            } else {
                refuse(pdu, first.1, context: context)
            }
            return
        }
        guard gateway.dispatcher.reserve(items.count) else {
            refuse(pdu, SubmissionRejection(.messageQueueFull, "\(gateway.dispatcher.outstandingCount) messages queued; the gateway is full"), context: context)
            return
        }
        activity.submitted(items.count, at: now)
        if settings.logMessageText {
            // Only when the operator asked for it (`log_message_text`): message text is personal data.
            for item in items {
                let text = (try? TextDecoder().decode(item.message.shortMessage, dataCoding: DataCoding(rawValue: item.message.dataCoding))) ?? "<binary>"
                logger.info("accepted", metadata: ["id": "\(item.message.id)", "to": "\(item.message.destination.value)", "text": "\(text)"])
            }
        }
        let loop = context.eventLoop
        let firstID = items[0].message.id
        let handler = NIOLoopBound(self, eventLoop: loop)
        let contextBox = NIOLoopBound(context, eventLoop: loop)
        let failuresCopy = failures.map { (address: $0.0, status: $0.1.status) }
        // submit_multi names each destination refused for credit; a single submit needs only its id.
        let destinations: [(id: MessageID, address: Address)] = !isMulti ? [] : items.map { item in
            let destination = item.message.destination
            return (id: item.message.id, address: Address(ton: TypeOfNumber(rawValue: destination.ton),
                                                          npi: NumberingPlanIndicator(rawValue: destination.npi), value: destination.value))
        }
        let answers = self.answers
        let request = Request(pdu)
        gateway.accept(consume items) { result in
            let answer: LoopMailbox.Job = {
                let handler = handler.value
                let context = contextBox.value
                handler.activity.answered()
                switch result {
                case .success(let outcome):
                    let refused = outcome.refusedForCredit
                    // The store kept each refused message as rejected, with the reason, for tracking.
                    if isMulti {
                        var failures = failuresCopy.map { ($0.address, SubmissionRejection($0.status, "")) }
                        failures += destinations.filter { refused[$0.id] != nil }.map { ($0.address, SubmissionRejection(.submitFailed, "")) }
                        if let first = destinations.first(where: { refused[$0.id] == nil }) {
                            handler.respondMulti(to: request, messageID: first.id, failures: failures, status: .ok, context: context)
                        } else {
                            handler.respondMulti(to: request, messageID: nil, failures: failures, status: .submitFailed, context: context)
                        }
                    } else if let reason = refused[firstID] {
                        handler.refuse(request, SubmissionRejection(.submitFailed, reason), context: context)
                    } else {
                        handler.respondAccepted(to: request, messageID: firstID, context: context)
                    }
                case .failure:
                    handler.gateway.metrics.submitAnswered(.systemError)
                    handler.respondError(to: request, status: .systemError, context: context)
                }
            }
            Self.answerLater(answer, in: answers, loop: loop)
        }
    }

    private func submitMulti(_ multi: SubmitMulti, pdu: PDU, context: ChannelHandlerContext) {
        var submissions: [Submission] = []
        var listFailures: [(Address, SubmissionRejection)] = []
        for destination in multi.destinations {
            switch destination {
            case .sme(let address): submissions.append(Submission(multi, destination: address, tlvs: pdu.tlvs))
            case .distributionList(let name):
                listFailures.append((Address(value: name), SubmissionRejection(.invalidDistributionListName, "Tern keeps no distribution lists")))
            }
        }
        if submissions.isEmpty {
            respondMulti(to: Request(pdu), messageID: nil, failures: listFailures, status: .invalidDistributionListName, context: context)
            return
        }
        submit(submissions, pdu: pdu, context: context)
    }

    /// What an answer needs of the request it answers. A completion that holds this instead of
    /// the request's PDU does not copy the PDU's body (text, TLVs, buffers) in, retaining each
    /// part, nor keep it alive until the store has committed.
    struct Request: Sendable {
        let commandID: CommandID
        let sequenceNumber: UInt32

        init(_ pdu: PDU) {
            commandID = pdu.commandID
            sequenceNumber = pdu.sequenceNumber
        }
    }

    private func respondAccepted(to request: Request, messageID: MessageID, context: ChannelHandlerContext) {
        gateway.metrics.submitAnswered(.ok)
        guard context.channel.isActive else { return }
        let resp = SubmitSMResp(messageID: messageID.description)
        let body: PDU.Body = request.commandID == .dataSM ? .dataSMResp(resp) : .submitSMResp(resp)
        send(PDU(body, sequenceNumber: request.sequenceNumber, tlvs: congestionTLVs()), context: context)
    }

    private func respondMulti(to request: Request, messageID: MessageID?, failures: [(Address, SubmissionRejection)], status: CommandStatus, context: ChannelHandlerContext) {
        gateway.metrics.submitAnswered(status)
        guard context.channel.isActive else { return }
        let unsuccessful = failures.map { UnsuccessfulSME(address: $0.0, errorStatusCode: $0.1.status) }
        let resp = SubmitMultiResp(messageID: messageID?.description ?? "", unsuccessful: unsuccessful)
        send(PDU(.submitMultiResp(resp), sequenceNumber: request.sequenceNumber, status: status, tlvs: congestionTLVs()), context: context)
    }

    /// SMPP 5.0 clients learn our load from every response (congestion_state, 0–100).
    private func congestionTLVs() -> TLVList {
        guard let session, session.interfaceVersion >= 0x50 else { return TLVList() }
        var tlvs = TLVList()
        try? tlvs.appendInteger(.congestionState, UInt32(gateway.dispatcher.congestion), width: 1)
        return tlvs
    }

    private func refuse(_ pdu: PDU, _ rejection: SubmissionRejection, context: ChannelHandlerContext) {
        refuse(Request(pdu), rejection, context: context)
    }

    private func refuse(_ request: Request, _ rejection: SubmissionRejection, context: ChannelHandlerContext) {
        gateway.countRefusedSubmit()
        gateway.metrics.submitAnswered(rejection.status)
        logger.info("submit refused", metadata: ["status": "\(rejection.status)", "reason": "\(rejection.reason)", "sequence": "\(request.sequenceNumber)"])
        respondError(to: request, status: rejection.status, context: context)
    }

    private func respondError(to pdu: PDU, status: CommandStatus, context: ChannelHandlerContext) {
        respondError(to: Request(pdu), status: status, context: context)
    }

    private func respondError(to request: Request, status: CommandStatus, context: ChannelHandlerContext) {
        guard context.channel.isActive,
              let response = PDU.errorResponse(to: request.commandID, status: status, sequenceNumber: request.sequenceNumber) else { return }
        send(response, context: context)
    }

    // MARK: query, cancel, replace

    /// Looks up one of this account's messages (off the event loop) and continues on it.
    private func withMessage(_ text: String, pdu: PDU, notFound: CommandStatus, context: ChannelHandlerContext,
                             _ body: @escaping (ClientSessionHandler, ChannelHandlerContext, Message) -> Void) {
        guard let session else {
            respondError(to: pdu, status: .invalidBindStatus, context: context)
            return
        }
        guard let id = MessageID(text) else {
            respondError(to: pdu, status: notFound, context: context)
            return
        }
        let store = gateway.store
        let promise = context.eventLoop.makePromise(of: Message?.self)
        promise.completeWithTask { try await store.message(id) }
        promise.futureResult.assumeIsolated().whenComplete { result in
            let handler = self
            switch result {
            case .success(let message?) where message.accountID == session.accountID:
                body(handler, context, message)
            case .success:
                handler.respondError(to: pdu, status: notFound, context: context)
            case .failure:
                handler.respondError(to: pdu, status: .systemError, context: context)
            }
        }
    }

    private func query(_ query: QuerySM, pdu: PDU, context: ChannelHandlerContext) {
        withMessage(query.messageID, pdu: pdu, notFound: .invalidMessageID, context: context) { handler, context, message in
            let state = ReceiptBuilder.smppState(message.state)
            var finalDate = ""
            if message.state.isFinal {
                // query_sm_resp final_date is an absolute SMPP time in UTC.
                finalDate = SMPPTime(utc: Date()).text
            }
            let resp = QuerySMResp(messageID: query.messageID, finalDate: finalDate, messageState: state,
                                   errorCode: UInt8(truncatingIfNeeded: min(255, max(0, message.errorCode ?? 0))))
            handler.send(PDU(.querySMResp(resp), sequenceNumber: pdu.sequenceNumber), context: context)
        }
    }

    private func cancel(_ cancel: CancelSM, pdu: PDU, context: ChannelHandlerContext) {
        guard !cancel.messageID.isEmpty else {
            // Cancelling every message to a destination is not offered: say so precisely.
            respondError(to: pdu, status: .cancelFailed, context: context)
            return
        }
        withMessage(cancel.messageID, pdu: pdu, notFound: .invalidMessageID, context: context) { handler, context, message in
            guard message.state.isInsideTern, handler.gateway.dispatcher.cancel(message.id) != nil else {
                handler.respondError(to: pdu, status: .cancelFailed, context: context)
                return
            }
            // Answered once the cancellation is durable, so a restart cannot resurrect the message.
            handler.commitThenRespond(.transition(MessageTransition(messageID: message.id, state: .cancelled, detail: "cancel_sm")),
                                      response: PDU(.cancelSMResp, sequenceNumber: pdu.sequenceNumber), request: Request(pdu), context: context)
        }
    }

    private func replace(_ replace: ReplaceSM, pdu: PDU, context: ChannelHandlerContext) {
        withMessage(replace.messageID, pdu: pdu, notFound: .invalidMessageID, context: context) { handler, context, message in
            let now = Date()
            var expiresAt = message.expiresAt
            var scheduledAt = message.scheduledAt
            switch Submission.resolve(replace.validityPeriod, now: now) {
            case .some(.success(let date)): expiresAt = date
            case .some(.failure): return handler.respondError(to: pdu, status: .invalidExpiry, context: context)
            case .none: break
            }
            switch Submission.resolve(replace.scheduleDeliveryTime, now: now) {
            case .some(.success(let date)): scheduledAt = date > now ? date : nil
            case .some(.failure): return handler.respondError(to: pdu, status: .invalidScheduleDeliveryTime, context: context)
            case .none: break
            }
            let text = Array(replace.shortMessage.readableBytesView)
            let registered = replace.registeredDelivery.rawValue
            let changed = message.state.isInsideTern && handler.gateway.dispatcher.replace(message.id) { queued in
                queued.shortMessage = text
                queued.expiresAt = expiresAt
                queued.scheduledAt = scheduledAt
                queued.registeredDelivery = registered
            }
            guard changed else { return handler.respondError(to: pdu, status: .replaceFailed, context: context) }
            let write = StoreWrite.replace(message.id, shortMessage: text, expiresAt: expiresAt, scheduledAt: scheduledAt, registeredDelivery: registered)
            handler.commitThenRespond(write, response: PDU(.replaceSMResp, sequenceNumber: pdu.sequenceNumber), request: Request(pdu), context: context)
        }
    }

    /// Makes `write` durable, then answers `request` with `response` (or ESME_RSYSERR when the
    /// store failed).
    private func commitThenRespond(_ write: StoreWrite, response: PDU, request: Request, context: ChannelHandlerContext) {
        let loop = context.eventLoop
        let handlerBox = NIOLoopBound(self, eventLoop: loop)
        let contextBox = NIOLoopBound(context, eventLoop: loop)
        let answers = self.answers
        gateway.committer.enqueue(write) { result in
            let answer: LoopMailbox.Job = {
                let handler = handlerBox.value
                let context = contextBox.value
                guard context.channel.isActive else { return }
                switch result {
                case .success:
                    handler.send(response, context: context)
                case .failure:
                    handler.respondError(to: request, status: .systemError, context: context)
                }
            }
            Self.answerLater(answer, in: answers, loop: loop)
        }
    }
}
