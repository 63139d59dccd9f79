import NIOCore

/// Runs one SMPP session on a channel, for either end (`SessionRole`): answers what the protocol
/// answers by itself (enquire_link, wrong-state requests, malformed PDUs), correlates responses
/// with our requests by sequence number, enforces the window, and drives the session timers.
///
/// Pipeline: this handler on the byte stream (after TLS, if any), then the application, which
/// receives the peer's requests as `PDU`s and writes `SMPPOutbound` values. The handler frames
/// and decodes the stream itself: a `ByteToMessageHandler` in front would hand every PDU on
/// boxed in a `NIOAny` and cast back, one allocation and a dynamic cast per PDU on the busiest
/// path. It encodes what it writes itself too, so a PDU that breaks a field limit is refused
/// before it takes a window slot or a sequence number. The protocol rules live in
/// `SessionStateMachine`; this type only translates between NIO and the machine.
///
/// The application after it may take the PDUs by a direct call instead (`attach(_:in:)`, `write(_:promise:)`):
/// the same order and the same answers, without a `NIOAny` box and a cast per PDU each way.
public final class SMPPSessionHandler: ChannelDuplexHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = PDU
    public typealias OutboundIn = SMPPOutbound
    public typealias OutboundOut = ByteBuffer

    private var machine: SessionStateMachine<SessionInstant>
    /// Who waits for the responses to our outstanding requests, by sequence number.
    private var pending: [UInt32: PendingResponse] = [:]

    private struct PendingResponse {
        let commandID: CommandID
        let responder: SMPPResponder
    }
    private var tickTask: Scheduled<Void>?
    private var needsFlush = false
    private var lastState: SessionState
    private let framing: PDUFraming
    /// The start of a PDU whose end has not arrived yet, in a buffer of its own.
    private var partial: ByteBuffer?
    /// Set once a `command_length` could not be trusted: the stream cannot be framed any more,
    /// and what else arrives before the close is dropped.
    private var framingLost = false
    /// PDUs written since the last flush, encoded back to back: a burst of answers or requests
    /// costs one buffer and one pending write instead of one of each per PDU.
    private var unflushed: ByteBuffer?
    /// Past this many octets the gathered PDUs are handed on without waiting for the flush.
    static let gatherLimit = 64 * 1024
    /// This handler's place in the pipeline while it is in one, for `write(_:promise:)`.
    private var context: ChannelHandlerContext?
    /// The handler after this one, when it takes the peer's PDUs by a direct call.
    private var application: (any SMPPSessionApplication)?

    public init(role: SessionRole, windowSize: Int = 10, timers: SessionTimers = SessionTimers(), framing: PDUFraming = PDUFraming()) {
        self.framing = framing
        machine = SessionStateMachine(role: role, windowSize: windowSize, timers: timers)
        lastState = machine.state
        pending.reserveCapacity(windowSize)
    }

    /// The session's state, for the application and for tests.
    public var state: SessionState { machine.state }

    // MARK: Channel lifecycle

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        tickTask?.cancel()
        tickTask = nil
        run(machine.closed(), context: context)
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        application = nil
        tickTask?.cancel()
        partial = nil
        unflushed = nil
        failAll(.connectionClosed)
    }

    private func start(context: ChannelHandlerContext) {
        guard tickTask == nil else { return }
        machine.connectionOpened(now: context.eventLoop.sessionNow)
        scheduleTick(context: context)
    }

    private func scheduleTick(context: ChannelHandlerContext) {
        let interval = TimeAmount(machine.timers.tickInterval)
        tickTask = context.eventLoop.assumeIsolated().scheduleTask(in: interval) { [self] in
            tickTask = nil
            guard context.channel.isActive else { return }
            for action in machine.tick(now: context.eventLoop.sessionNow) { run(action, context: context) }
            flushIfNeeded(context: context)
            if machine.state != .closed { scheduleTick(context: context) }
        }
    }

    // MARK: Inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !framingLost else { return }
        var incoming = unwrapInboundIn(data)
        // One reading of the clock for every PDU of the read: they arrived together.
        let now = context.eventLoop.sessionNow
        do throws(SMPPDecodingError) {
            try completePartial(from: &incoming, now: now, context: context)
            // Whole PDUs are cut out of the read in place (slices, no copy).
            while partial == nil, let frame = try framing.nextFrame(from: &incoming) {
                received(frame, now: now, context: context)
            }
            if partial == nil, incoming.readableBytes > 0 { hold(&incoming, context: context) }
        } catch {
            // Framing is lost: answer once, then close (reference §9).
            framingLost = true
            partial = nil
            answer(error, context: context)
            reportStateChange(context: context)
        }
    }

    /// Finishes the PDU a previous read began, with the octets it still needs from the front of
    /// this read; the rest of the read is then framed in place.
    private func completePartial(from incoming: inout ByteBuffer, now: SessionInstant, context: ChannelHandlerContext) throws(SMPPDecodingError) {
        while var held = partial, incoming.readableBytes > 0 {
            // Released first, so `held` is the buffer's only owner and grows in place.
            partial = nil
            // The header first, so `nextFrame` checks its command_length before any body octet
            // is kept for it; then the body up to that length.
            let wanted = held.readableBytes < PDUHeader.size
                ? PDUHeader.size - held.readableBytes
                : Int(clamping: held.getInteger(at: held.readerIndex, as: UInt32.self) ?? 0) - held.readableBytes
            guard wanted > 0, var piece = incoming.readSlice(length: min(wanted, incoming.readableBytes)) else {
                partial = held
                return
            }
            held.writeBuffer(&piece)
            if let frame = try framing.nextFrame(from: &held) {
                received(frame, now: now, context: context)
            } else {
                partial = held
            }
        }
    }

    /// Keeps the start of a PDU until the rest arrives, copied out of the read buffer so that the
    /// read's memory is not held for it.
    private func hold(_ incoming: inout ByteBuffer, context: ChannelHandlerContext) {
        var length = PDUHeader.size
        if incoming.readableBytes >= 4, let announced = incoming.getInteger(at: incoming.readerIndex, as: UInt32.self) {
            length = min(Int(clamping: announced), framing.maximumCommandLength)
        }
        var held = context.channel.allocator.buffer(capacity: max(length, incoming.readableBytes))
        held.writeBuffer(&incoming)
        partial = held
    }

    /// One whole PDU from the peer.
    private func received(_ frame: ByteBuffer, now: SessionInstant, context: ChannelHandlerContext) {
        // Each PDU can move the session (a bind, an unbind): the application hears of every step.
        defer { reportStateChange(context: context) }
        let pdu: PDU
        do {
            pdu = try PDU.decode(frame)
        } catch {
            answer(error, context: context)
            return
        }
        let action = machine.pduReceived(pdu.commandID, sequenceNumber: pdu.sequenceNumber, status: pdu.commandStatus, now: now)
        switch action {
        case .forward:
            if let application {
                application.sessionReceived(pdu)
            } else {
                context.fireChannelRead(wrapInboundOut(pdu))
            }
        case .completeRequest(let sequence, _, _):
            pending.removeValue(forKey: sequence)?.responder.succeed(pdu)
        default:
            // The answer to our bind or unbind may also change the session (unbind_resp closes it):
            // the request still gets its response before anything else happens.
            if pdu.commandID.isResponse { pending.removeValue(forKey: pdu.sequenceNumber)?.responder.succeed(pdu) }
            run(action, context: context)
        }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded(context: context)
        context.fireChannelReadComplete()
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.fireErrorCaught(error)
        run(machine.errorHappened(), context: context)
    }

    /// Answers a malformed PDU as the decoder prescribes.
    private func answer(_ error: SMPPDecodingError, context: ChannelHandlerContext) {
        context.fireUserInboundEventTriggered(SMPPSessionEvent.malformedPDU(error))
        let sequence = error.header?.sequenceNumber ?? 0
        switch error.reaction {
        case .ignore:
            return
        case .genericNack:
            write(.genericNack(error.status, sequenceNumber: sequence), context: context)
        case .response:
            let id = error.header?.commandID ?? .genericNack
            write(PDU.errorResponse(to: id, status: error.status, sequenceNumber: sequence) ?? .genericNack(error.status, sequenceNumber: sequence), context: context)
        case .genericNackAndClose:
            write(.genericNack(error.status, sequenceNumber: sequence), context: context)
            flushIfNeeded(context: context)
            run(machine.errorHappened(), context: context)
        }
    }

    // MARK: The application's direct path

    /// From now on the peer's PDUs go to `application` (on the channel's event loop) instead of
    /// `fireChannelRead`; events still travel the pipeline. `application` must be the handler
    /// right after this one, so that nothing between them misses a PDU. Kept until this handler
    /// leaves the pipeline. Applications call `attach(_:in:)`, which finds this handler.
    private func attach(_ application: any SMPPSessionApplication) {
        self.application = application
    }

    /// Writes `outbound` as a write through the pipeline from the next handler would (no flush),
    /// on the channel's event loop. After this handler has left the pipeline, a request fails as
    /// on a closed connection.
    public func write(_ outbound: consuming SMPPOutbound, promise: EventLoopPromise<Void>? = nil) {
        guard let context else {
            if case .request(let body, _, let responder) = outbound {
                responder?.fail(SMPPSessionError(.connectionClosed, commandID: body.commandID))
            }
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        context.eventLoop.assertInEventLoop()
        send(outbound, context: context, promise: promise)
    }

    /// Flushes what was written, as `flush` through the pipeline would.
    public func flush() {
        context.map(flush(context:))
    }

    // MARK: Outbound

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        send(unwrapOutboundIn(data), context: context, promise: promise)
    }

    private func send(_ outbound: consuming SMPPOutbound, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        switch consume outbound {
        case .request(let body, let tlvs, let responder):
            // Encoded before the machine numbers it: a PDU that breaks a field limit is refused
            // here and never holds a window slot. The sequence number is patched in afterwards.
            // The body is not used after it goes into the PDU, so it moves there instead of being
            // copied (a submit_sm's every string retained and released once more).
            let commandID = body.commandID
            var request = PDU(body, sequenceNumber: 0, tlvs: tlvs)
            var buffer: ByteBuffer
            let start: Int
            do {
                (buffer, start) = try encodeGathered(request, context: context)
            } catch {
                let failure = SMPPSessionError(.encoding(error), commandID: commandID)
                responder?.fail(failure)
                promise?.fail(failure)
                return
            }
            let action = machine.requestWillBeSent(commandID, now: context.eventLoop.sessionNow)
            guard case .sendRequest(let id, let sequence) = action else {
                // Not sent after all: the octets just encoded go again.
                buffer.moveWriterIndex(to: start)
                unflushed = buffer
                refused(action, commandID: commandID, responder: responder, promise: promise, context: context)
                return
            }
            buffer.setInteger(sequence, at: start + 12)
            request.sequenceNumber = sequence
            if id.expectsResponse {
                if let responder { pending[sequence] = PendingResponse(commandID: id, responder: responder) }
            } else {
                // outbind and alert_notification have no response: the responder gets the PDU sent.
                responder?.succeed(request)
            }
            keep(buffer, context: context, promise: promise)
            reportStateChange(context: context)
        case .response(let pdu):
            if BindType(commandID: pdu.commandID.requestID) != nil {
                machine.bindResponseSent(status: pdu.commandStatus)
            }
            write(pdu, context: context, promise: promise)
            reportStateChange(context: context)
        case .unbind:
            run(machine.unbindRequested(now: context.eventLoop.sessionNow), context: context)
            promise?.succeed()
        }
    }

    /// A request of the application that the session does not send as it is.
    private func refused(_ action: SessionAction, commandID: CommandID, responder: SMPPResponder?,
                         promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) {
        switch action {
        case .sendUnbind(let sequence):
            if let responder { pending[sequence] = PendingResponse(commandID: .unbind, responder: responder) }
            write(PDU(.unbind, sequenceNumber: sequence), context: context, promise: promise)
        case .rejectRequest(let id, let rejection):
            let error: SMPPSessionError
            switch rejection {
            case .windowFull: error = SMPPSessionError(.windowFull, commandID: id)
            case .notAllowedInState(let state): error = SMPPSessionError(.notAllowedInState(state), commandID: id)
            case .notAllowedForRole(let role): error = SMPPSessionError(.notAllowedForRole(role), commandID: id)
            }
            responder?.fail(error)
            promise?.fail(error)
        default:
            run(action, context: context)
            responder?.fail(SMPPSessionError(.connectionClosed, commandID: commandID))
            promise?.succeed()
        }
        reportStateChange(context: context)
    }

    public func flush(context: ChannelHandlerContext) {
        needsFlush = false
        writeUnflushed(context: context)
        context.flush()
    }

    // MARK: Running actions

    private func run(_ action: SessionAction, context: ChannelHandlerContext) {
        switch action {
        case .wait, .forward:
            return
        case .respond(let id, let status, let sequence):
            if let response = PDU.errorResponse(to: id.requestID, status: status, sequenceNumber: sequence) {
                write(response, context: context)
            }
        case .sendGenericNack(let status, let sequence):
            write(.genericNack(status, sequenceNumber: sequence), context: context)
        case .sendUnbindResponseAndClose(let sequence, let failing):
            fail(failing, .connectionClosed)
            write(PDU(.unbindResp, sequenceNumber: sequence), context: context)
            closeAfterFlush(context: context)
        case .sendRequest, .rejectRequest:
            // Answers to the application's own writes; handled where it wrote.
            return
        case .sendEnquireLink(let sequence):
            write(PDU(.enquireLink, sequenceNumber: sequence), context: context)
        case .sendUnbind(let sequence):
            write(PDU(.unbind, sequenceNumber: sequence), context: context)
            flushIfNeeded(context: context)
        case .completeRequest:
            // channelRead completes requests itself: it holds the response PDU.
            return
        case .failRequest(let sequence, let id, let reason):
            pending.removeValue(forKey: sequence)?.responder.fail(SMPPSessionError(Self.code(for: reason), commandID: id))
        case .failRequests(let requests, let reason):
            fail(requests, reason)
        case .unexpectedResponse(let id, let sequence, _):
            context.fireUserInboundEventTriggered(SMPPSessionEvent.unexpectedResponse(id, sequenceNumber: sequence))
        case .close(let reason, let failing):
            fail(failing, .connectionClosed)
            context.fireUserInboundEventTriggered(SMPPSessionEvent.closing(reason))
            closeAfterFlush(context: context)
        }
        reportStateChange(context: context)
    }

    /// Room for a PDU before its TLVs in a new outbound buffer. The encoder reserves the body's
    /// size bound at once (a submit_sm_resp's is 81 octets, a submit_sm with a 160-octet text
    /// about 300), and a buffer that must grow for it costs a second allocation and a copy.
    static let bufferCapacity = 320

    /// Encodes and writes a PDU; one that breaks a field limit fails `promise` and is not sent.
    private func write(_ pdu: PDU, context: ChannelHandlerContext, promise: EventLoopPromise<Void>? = nil) {
        let buffer: ByteBuffer
        do {
            (buffer, _) = try encodeGathered(pdu, context: context)
        } catch {
            promise?.fail(error)
            return
        }
        keep(buffer, context: context, promise: promise)
        needsFlush = true
    }

    /// Encodes `pdu` after the PDUs gathered since the last flush (taken out of `unflushed`, so
    /// the buffer grows in place), and says where it starts. On a throw the gathered PDUs are
    /// back in `unflushed` as they were: the encoder leaves a buffer untouched when it throws.
    private func encodeGathered(_ pdu: PDU, context: ChannelHandlerContext) throws(SMPPEncodingError) -> (buffer: ByteBuffer, start: Int) {
        var buffer: ByteBuffer
        if let gathered = unflushed {
            unflushed = nil
            buffer = gathered
        } else {
            buffer = context.channel.allocator.buffer(capacity: Self.bufferCapacity + pdu.tlvs.encodedLength)
        }
        let start = buffer.writerIndex
        do {
            try pdu.encode(into: &buffer)
        } catch {
            unflushed = buffer
            throw error
        }
        return (buffer, start)
    }

    /// Keeps the gathered PDUs for the flush; a write that wants to hear how it went, or a
    /// burst past the limit, is handed on at once (with the PDUs before it, in order).
    private func keep(_ buffer: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        if promise != nil || buffer.readableBytes >= Self.gatherLimit {
            context.write(wrapOutboundOut(buffer), promise: promise)
        } else {
            unflushed = buffer
        }
    }

    private func writeUnflushed(context: ChannelHandlerContext) {
        guard let gathered = unflushed else { return }
        unflushed = nil
        context.write(wrapOutboundOut(gathered), promise: nil)
    }

    private func flushIfNeeded(context: ChannelHandlerContext) {
        guard needsFlush else { return }
        needsFlush = false
        writeUnflushed(context: context)
        context.flush()
    }

    private func closeAfterFlush(context: ChannelHandlerContext) {
        needsFlush = false
        writeUnflushed(context: context)
        context.flush()
        context.close(promise: nil)
    }

    private func fail(_ requests: [SessionAction.PendingRequest], _ reason: SessionAction.FailureReason) {
        for request in requests {
            pending.removeValue(forKey: request.sequenceNumber)?.responder.fail(
                SMPPSessionError(Self.code(for: reason), commandID: request.commandID))
        }
    }

    private static func code(for reason: SessionAction.FailureReason) -> SMPPSessionError.Code {
        reason == .timeout ? .timeout : .connectionClosed
    }

    private func failAll(_ code: SMPPSessionError.Code) {
        let all = pending
        pending.removeAll()
        for (_, request) in all { request.responder.fail(SMPPSessionError(code, commandID: request.commandID)) }
    }

    private func reportStateChange(context: ChannelHandlerContext) {
        guard machine.state != lastState else { return }
        lastState = machine.state
        context.fireUserInboundEventTriggered(SMPPSessionEvent.stateChanged(lastState))
    }
}

/// The application end of a session that takes the peer's PDUs from `SMPPSessionHandler` by a
/// direct call (`SMPPSessionHandler.attach(_:in:)`) rather than through `channelRead`. At tens of
/// thousands of PDUs a second, the `NIOAny` box a PDU travels in through the pipeline and the
/// dynamic cast out of it were an allocation and a cast per PDU.
public protocol SMPPSessionApplication: AnyObject {
    /// A PDU the session passes on, as `channelRead` would have received it; on the channel's
    /// event loop.
    func sessionReceived(_ pdu: PDU)
}

extension SMPPSessionHandler {
    /// Attaches `application` to the session handler in `context`'s pipeline and returns that
    /// handler; nil when the pipeline has none (the application then reads and writes through
    /// the pipeline). Call from the application's `handlerAdded`, on the channel's event loop.
    public static func attach(_ application: any SMPPSessionApplication, in context: ChannelHandlerContext) -> SMPPSessionHandler? {
        guard let handler = try? context.pipeline.syncOperations.handler(type: SMPPSessionHandler.self) else { return nil }
        handler.attach(application)
        return handler
    }
}

extension ChannelHandlerContext {
    /// Writes `outbound` straight into `session` when the application is attached to one, else
    /// to the next handler through the pipeline.
    public func write(_ outbound: SMPPOutbound, session: SMPPSessionHandler?, promise: EventLoopPromise<Void>? = nil) {
        if let session {
            session.write(outbound, promise: promise)
        } else {
            write(NIOAny(outbound), promise: promise)
        }
    }
}
