import Foundation
import Gateway
import NIOCore
import SMPP

/// One connection of the sink SMSC, after `SMPPSessionHandler`: binds, answers submits, queues
/// receipts and sends them in batches on a timer, one flush per tick.
///
/// Event-loop confined; other loops reach it through `NIOLoopBound` and `execute`.
final class SinkSMSCHandler: ChannelInboundHandler, SMPPSessionApplication {
    typealias InboundIn = PDU
    typealias OutboundOut = SMPPOutbound

    /// A receipt waiting for its time.
    struct PendingReceipt: Sendable {
        var due: NIODeadline
        var id: String
        var source: Address
        var destination: Address
        var submitted: ReceiptDate
        var text: String
    }

    private let shared: SinkSMSC.Shared
    private let configuration: SinkSMSC.Configuration
    private let receiptDelay: TimeAmount
    private var context: ChannelHandlerContext?
    /// The session handler before this one, written to and read from by direct calls.
    private var sessionHandler: SMPPSessionHandler?
    private var switches: SinkSMSC.Shared.Switches
    /// Counts not yet published to `shared`.
    private var delta = SinkSMSC.Counters()
    private var ids: Range<UInt64> = 0..<0
    private var nextID: UInt64 = 0
    private var throttleCredit = 0.0
    private var systemID: String?
    private var registered = false
    private var queue: [PendingReceipt] = []
    private var head = 0
    /// Receipts for a transmitter session, handed to a receiving session of the same system_id
    /// once per read batch.
    private var foreign: [PendingReceipt] = []
    private var outstanding = 0
    private var tickTask: Scheduled<Void>?
    /// "Now" for one read batch, so a batch of submits costs one clock read.
    private var batchNow: NIODeadline?
    private var inBatch = false
    private var batchDate: ReceiptDate?
    private var dateCache: (second: Int64, date: ReceiptDate) = (-1, ReceiptDate(year: 0, month: 1, day: 1, hour: 0, minute: 0))

    init(shared: SinkSMSC.Shared) {
        self.shared = shared
        configuration = shared.configuration
        receiptDelay = TimeAmount(configuration.receiptDelay)
        switches = shared.sync(SinkSMSC.Counters())
    }

    /// Hears the ESME's answer to each receipt: one closure for the connection instead of one
    /// per receipt. Set while the handler is in the pipeline (it holds the handler).
    private var receiptAnswered: SMPPResponder.Callback?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        sessionHandler = SMPPSessionHandler.attach(self, in: context)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        receiptAnswered = { result in
            let handler = handler.value
            handler.outstanding -= 1
            if case .success(let response) = result, response.commandStatus == .ok { handler.delta.receiptsAcknowledged += 1 }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        sessionHandler = nil
        receiptAnswered = nil
        tickTask?.cancel()
        tickTask = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        tickTask?.cancel()
        tickTask = nil
        if registered, let systemID { shared.unregister(id: ObjectIdentifier(self), systemID: systemID) }
        registered = false
        _ = shared.sync(delta)
        delta = SinkSMSC.Counters()
        context.fireChannelInactive()
    }

    // MARK: Requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received(unwrapInboundIn(data), context: context)
    }

    func sessionReceived(_ pdu: PDU) {
        guard let context else { return }
        received(pdu, context: context)
    }

    private func received(_ pdu: PDU, context: ChannelHandlerContext) {
        if !inBatch {
            // Switches as of the start of this read batch: a test that throttles and then
            // submits sees its submit throttled.
            inBatch = true
            switches = shared.sync(delta)
            delta = SinkSMSC.Counters()
        }
        switch pdu.body {
        case .bindTransmitter(let bind): self.bind(bind, type: .transmitter, pdu, context: context)
        case .bindReceiver(let bind): self.bind(bind, type: .receiver, pdu, context: context)
        case .bindTransceiver(let bind): self.bind(bind, type: .transceiver, pdu, context: context)
        case .submitSM(let submit):
            delta.submitsReceived += 1
            if shouldThrottle() {
                delta.submitsThrottled += 1
                respond(PDU(.submitSMResp(SubmitSMResp(messageID: nil)), sequenceNumber: pdu.sequenceNumber, status: .throttled), context: context)
                return
            }
            let id = makeMessageID()
            respond(PDU(.submitSMResp(SubmitSMResp(messageID: id)), sequenceNumber: pdu.sequenceNumber), context: context)
            if submit.registeredDelivery.wantsReceipt(delivered: configuration.outcome == .delivered) {
                queueReceipt(id: id, source: submit.source, destination: submit.destination,
                             text: Self.receiptText(submit.shortMessage, dataCoding: submit.dataCoding, esmClass: submit.esmClass))
            }
        case .dataSM(let data):
            delta.submitsReceived += 1
            if shouldThrottle() {
                delta.submitsThrottled += 1
                respond(PDU(.dataSMResp(DataSMResp(messageID: nil)), sequenceNumber: pdu.sequenceNumber, status: .throttled), context: context)
                return
            }
            let id = makeMessageID()
            respond(PDU(.dataSMResp(DataSMResp(messageID: id)), sequenceNumber: pdu.sequenceNumber), context: context)
            if data.registeredDelivery.wantsReceipt(delivered: configuration.outcome == .delivered) {
                queueReceipt(id: id, source: data.source, destination: data.destination, text: "")
            }
        case .alertNotification, .outbind:
            return
        default:
            if pdu.commandID.expectsResponse,
               let answer = PDU.errorResponse(to: pdu.commandID, status: .invalidCommandID, sequenceNumber: pdu.sequenceNumber) {
                respond(answer, context: context)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inBatch = false
        batchNow = nil
        batchDate = nil
        switches = shared.sync(delta)
        delta = SinkSMSC.Counters()
        handOverForeignReceipts()
        context.fireChannelReadComplete()
    }

    /// Written without a flush: the session handler flushes once per read batch.
    private func respond(_ pdu: PDU, context: ChannelHandlerContext) {
        context.write(.response(pdu), session: sessionHandler)
    }

    private func bind(_ bind: Bind, type: BindType, _ pdu: PDU, context: ChannelHandlerContext) {
        switches = shared.sync(delta)
        delta = SinkSMSC.Counters()
        var status = CommandStatus.ok
        if switches.refuseBinds {
            status = .bindFailed
        } else if !configuration.credentials.isEmpty {
            if let password = configuration.credentials[bind.systemID] {
                if password != bind.password { status = .invalidPassword }
            } else {
                status = .invalidSystemID
            }
        }
        let resp = BindResp(systemID: status == .ok ? "TernSink" : nil)
        let body: PDU.Body
        switch type {
        case .transmitter: body = .bindTransmitterResp(resp)
        case .receiver: body = .bindReceiverResp(resp)
        case .transceiver: body = .bindTransceiverResp(resp)
        }
        respond(PDU(body, sequenceNumber: pdu.sequenceNumber, status: status), context: context)
        guard status == .ok else {
            delta.bindsRefused += 1
            return
        }
        delta.binds += 1
        systemID = bind.systemID
        if type != .transmitter && !registered {
            registered = true
            shared.register(receiver: NIOLoopBound(self, eventLoop: context.eventLoop), id: ObjectIdentifier(self), systemID: bind.systemID)
            scheduleTick()
        }
    }

    private func shouldThrottle() -> Bool {
        if let until = switches.throttledUntil, NIODeadline.now() < until { return true }
        guard switches.throttledShare > 0 else { return false }
        // Spread evenly rather than at random, so a test asking for 50% gets every other one.
        throttleCredit += switches.throttledShare
        guard throttleCredit >= 1 else { return false }
        throttleCredit -= 1
        return true
    }

    private func makeMessageID() -> String {
        if nextID >= ids.upperBound {
            ids = shared.allocateIDs()
            nextID = ids.lowerBound
        }
        let value = nextID
        nextID += 1
        switch configuration.messageIDFormat {
        case .decimal:
            return String(value)
        case .hexUppercase:
            return String(value, radix: 16, uppercase: true)
        case .hexLeadingZeros:
            return Self.sixteenHexDigits(value)
        case .scattered:
            return Self.sixteenHexDigits(Self.scatter(value))
        }
    }

    private static func sixteenHexDigits(_ value: UInt64) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }

    /// SplitMix64's finalizer: each step (xor with a shift, multiply by an odd constant) can be
    /// undone, so distinct counters give distinct ids.
    static func scatter(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    // MARK: Receipts

    private func queueReceipt(id: String, source: Address, destination: Address, text: String) {
        let now = batchNow ?? NIODeadline.now()
        batchNow = now
        let date = batchDate ?? receiptDate(now: Date())
        batchDate = date
        let entry = PendingReceipt(due: now + receiptDelay, id: id, source: source, destination: destination, submitted: date, text: text)
        if registered {
            queue.append(entry)
        } else {
            foreign.append(entry)
        }
    }

    private func handOverForeignReceipts() {
        guard !foreign.isEmpty else { return }
        let batch = foreign
        foreign.removeAll(keepingCapacity: true)
        guard let systemID, let receiver = shared.receiver(for: systemID) else {
            // No receiving session: the receipts are lost, as with a real SMSC that has
            // nowhere to deliver them.
            return
        }
        receiver.eventLoop.execute { receiver.value.enqueue(batch) }
    }

    /// Receipts from a transmitter session of the same system_id.
    func enqueue(_ receipts: [PendingReceipt]) {
        queue.append(contentsOf: receipts)
    }

    private func scheduleTick() {
        guard let context else { return }
        tickTask = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(configuration.receiptTick)) { [self] in
            tickTask = nil
            drain()
            if self.context?.channel.isActive == true { scheduleTick() }
        }
    }

    /// Sends every due receipt the window allows, with one flush, and publishes the counts.
    private func drain() {
        guard let context else { return }
        let now = NIODeadline.now()
        let window = max(1, configuration.receiptWindow)
        var sent = 0
        if head < queue.count, queue[head].due <= now {
            let doneDate = receiptDate(now: Date())
            while head < queue.count, outstanding < window, queue[head].due <= now {
                send(queue[head], doneDate: doneDate, context: context)
                head += 1
                sent += 1
            }
        }
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 4096 {
            queue.removeFirst(head)
            head = 0
        }
        if sent > 0 { context.flush() }
        switches = shared.sync(delta)
        delta = SinkSMSC.Counters()
    }

    private func send(_ entry: PendingReceipt, doneDate: ReceiptDate, context: ChannelHandlerContext) {
        let outcome = configuration.outcome
        let receipt = DeliveryReceipt(id: entry.id, submitDate: entry.submitted, doneDate: doneDate, stat: outcome,
                                      err: outcome == .delivered ? "000" : "001", text: entry.text)
        guard let (body, tlvs) = try? DeliverSM.receipt(receipt, originalSource: entry.source, originalDestination: entry.destination) else {
            return
        }
        outstanding += 1
        delta.receiptsSent += 1
        context.write(.request(.deliverSM(body), tlvs: tlvs, responder: receiptAnswered.map(SMPPResponder.callback)),
                      session: sessionHandler)
    }

    /// Sends any request now (MO injection, hand-made receipts) and returns the ESME's response.
    func sendRequest(_ body: PDU.Body, tlvs: TLVList, on eventLoop: any EventLoop) -> EventLoopFuture<PDU> {
        guard let context else {
            return eventLoop.makeFailedFuture(SMPPSessionError(.connectionClosed, commandID: body.commandID))
        }
        let promise = context.eventLoop.makePromise(of: PDU.self)
        context.write(.request(body, tlvs: tlvs, promise: promise), session: sessionHandler)
        context.flush()
        return promise.futureResult
    }

    /// The first 20 characters of a single-byte text message, printable ASCII only, for `text:`.
    static func receiptText(_ shortMessage: ByteBuffer, dataCoding: DataCoding, esmClass: ESMClass) -> String {
        guard !esmClass.hasUDH else { return "" }
        switch dataCoding.alphabet {
        case .gsm7, .ascii, .latin1:
            var bytes: [UInt8] = []
            bytes.reserveCapacity(20)
            for byte in shortMessage.readableBytesView.prefix(20) where byte >= 0x20 && byte < 0x7F { bytes.append(byte) }
            return String(decoding: bytes, as: UTF8.self)
        default:
            return ""
        }
    }

    /// A receipt date for `now` in UTC, computed once per second.
    private func receiptDate(now: Date) -> ReceiptDate {
        let seconds = Int64(now.timeIntervalSince1970)
        if seconds == dateCache.second { return dateCache.date }
        let date = ReceiptBuilder.receiptDate(Date(timeIntervalSince1970: Double(seconds)))
        dateCache = (seconds, date)
        return date
    }
}
