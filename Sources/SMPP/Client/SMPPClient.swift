import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// An ESME connection to an SMSC, for tools, tests and load generators: connect, bind, send
/// requests and await their responses, and read what the SMSC delivers.
///
/// deliver_sm and data_sm from the SMSC are answered by `answer` (ok by default) and then kept
/// (or only counted, for load generators) until the caller takes them.
public final class SMPPClient: Sendable {
    public let channel: any Channel
    private let inbox: Inbox
    /// The channel's session handler, written to directly on the loop (no trip through the
    /// pipeline for each request).
    private let session: NIOLoopBound<SMPPSessionHandler>

    final class Inbox: Sendable {
        let keep: Bool
        let state = NIOLockedValueBox((pdus: [PDU](), count: 0))
        init(keep: Bool) { self.keep = keep }

        func received(_ pdu: PDU) {
            state.withLockedValue { state in
                state.count += 1
                if keep { state.pdus.append(pdu) }
            }
        }
    }

    private init(channel: any Channel, inbox: Inbox, session: NIOLoopBound<SMPPSessionHandler>) {
        self.channel = channel
        self.inbox = inbox
        self.session = session
    }

    /// deliver_sm / data_sm received so far (answered ok), whether kept or not.
    public var deliveryCount: Int { inbox.state.withLockedValue { $0.count } }

    /// Removes and returns what was received and kept so far.
    public func takeDeliveries() -> [PDU] {
        inbox.state.withLockedValue { state in
            defer { state.pdus = [] }
            return state.pdus
        }
    }

    /// Waits until at least `count` deliveries are kept, or `timeout` passes; returns (and
    /// removes) what is there then.
    public func deliveries(count: Int, timeout: Duration) async -> [PDU] {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if inbox.state.withLockedValue({ $0.pdus.count }) >= count { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return takeDeliveries()
    }

    /// Connects over TCP (TLS when `tls` is given).
    public static func connect(
        host: String, port: Int, group: any EventLoopGroup, tls: NIOSSLContext? = nil, serverHostname: String? = nil,
        windowSize: Int = 10, timers: SessionTimers = SessionTimers(), keepDeliveries: Bool = true,
        answer: @escaping @Sendable (PDU) -> CommandStatus = { _ in .ok }
    ) async throws -> SMPPClient {
        let inbox = Inbox(keep: keepDeliveries)
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tls {
                        try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
                    }
                    try sync.addHandler(SMPPSessionHandler(role: .esme, windowSize: windowSize, timers: timers))
                    try sync.addHandler(DeliveryAnswerer(answer: answer, inbox: inbox))
                }
            }
            .connect(host: host, port: port)
            .get()
        let session = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: SMPPSessionHandler.self), eventLoop: channel.eventLoop)
        }.get()
        return SMPPClient(channel: channel, inbox: inbox, session: session)
    }

    /// Sends a request and waits for its response (which may carry an error status).
    public func request(_ body: PDU.Body, tlvs: TLVList = TLVList()) async throws -> PDU {
        try await send(body, tlvs: tlvs).get()
    }

    /// Sends a request without waiting; the future completes with the response. Writes are
    /// flushed by `flush()`, so a load generator can pipeline many requests in one syscall.
    public func send(_ body: PDU.Body, tlvs: TLVList = TLVList(), flush: Bool = true) -> EventLoopFuture<PDU> {
        let promise = channel.eventLoop.makePromise(of: PDU.self)
        send(body, tlvs: tlvs, flush: flush) { promise.completeWith($0.mapError { $0 }) }
        return promise.futureResult
    }

    /// Like `send(_:tlvs:flush:)` without a future: `then` runs once, on the channel's event
    /// loop, with the response or the error that ended the wait. For load generators, where a
    /// future per request cost more than the rest of the client.
    public func send(_ body: PDU.Body, tlvs: TLVList = TLVList(), flush: Bool = true, then: @escaping SMPPResponder.Callback) {
        let channel = self.channel
        guard channel.eventLoop.inEventLoop else {
            channel.eventLoop.execute { self.send(body, tlvs: tlvs, flush: flush, then: then) }
            return
        }
        // On the loop, an active channel still has its session handler, which owns `then` from
        // the write on; a closed one would drop the write before any handler saw it.
        guard channel.isActive else {
            then(.failure(SMPPSessionError(.connectionClosed, commandID: body.commandID)))
            return
        }
        let session = self.session.value
        session.write(.request(body, tlvs: tlvs, responder: .callback(then)))
        if flush { session.flush() }
    }

    public func flush() {
        if channel.eventLoop.inEventLoop { session.value.flush() } else { channel.flush() }
    }

    /// Binds and returns the response; check its `commandStatus`.
    public func bind(_ type: BindType, systemID: String, password: String, interfaceVersion: UInt8 = 0x34, systemType: String = "") async throws -> PDU {
        let bind = Bind(systemID: systemID, password: password, systemType: systemType, interfaceVersion: interfaceVersion)
        switch type {
        case .transmitter: return try await request(.bindTransmitter(bind))
        case .receiver: return try await request(.bindReceiver(bind))
        case .transceiver: return try await request(.bindTransceiver(bind))
        }
    }

    /// Unbinds (waiting at most for the response timer) and closes.
    public func unbind() async {
        _ = try? await send(.unbind).get()
        try? await channel.close()
    }

    public func close() async {
        try? await channel.close()
    }
}

/// Answers the SMSC's deliver_sm and data_sm and passes them on to the inbox.
private final class DeliveryAnswerer: ChannelInboundHandler, SMPPSessionApplication {
    typealias InboundIn = PDU
    typealias OutboundOut = SMPPOutbound

    private let answer: @Sendable (PDU) -> CommandStatus
    private let inbox: SMPPClient.Inbox

    /// The session handler before this one, written to and read from by direct calls.
    private var session: SMPPSessionHandler?
    private var context: ChannelHandlerContext?

    init(answer: @escaping @Sendable (PDU) -> CommandStatus, inbox: SMPPClient.Inbox) {
        self.answer = answer
        self.inbox = inbox
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        session = SMPPSessionHandler.attach(self, in: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        session = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received(unwrapInboundIn(data), context: context)
    }

    func sessionReceived(_ pdu: PDU) {
        guard let context else { return }
        received(pdu, context: context)
    }

    private func received(_ pdu: PDU, context: ChannelHandlerContext) {
        let status = answer(pdu)
        let response: PDU?
        switch pdu.body {
        case .deliverSM:
            response = PDU(.deliverSMResp(DeliverSMResp(messageID: "")), sequenceNumber: pdu.sequenceNumber, status: status)
        case .dataSM:
            response = PDU(.dataSMResp(DataSMResp(messageID: "")), sequenceNumber: pdu.sequenceNumber, status: status)
        default:
            response = PDU.errorResponse(to: pdu.commandID, status: .invalidCommandID, sequenceNumber: pdu.sequenceNumber)
        }
        if let response { context.write(.response(response), session: session) }
        if status == .ok, pdu.commandID == .deliverSM || pdu.commandID == .dataSM { inbox.received(pdu) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

}
