import Foundation
import NIOCore
import NIOPosix
import SMPP
import Testing
@testable import Connectors

/// Keeps a window of submit_sm outstanding on one session until `total` have been answered.
final class BlastHandler: ChannelInboundHandler {
    typealias InboundIn = PDU
    typealias OutboundOut = SMPPOutbound

    private var context: ChannelHandlerContext?
    private var sent = 0
    private var answered = 0
    private var total = 0
    private var done: EventLoopPromise<Int>?
    private let submit = PDU.Body.submitSM(SubmitSM(source: .alphanumeric("Tern"), destination: .international("447700900123"),
                                                    registeredDelivery: .receipt, shortMessage: ByteBuffer(string: "benchmark message")))

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let pdu = unwrapInboundIn(data)
        if case .deliverSM = pdu.body {
            context.write(wrapOutboundOut(.response(PDU(.deliverSMResp(DeliverSMResp(messageID: "")), sequenceNumber: pdu.sequenceNumber))), promise: nil)
        }
    }

    func run(total: Int, window: Int, promise: EventLoopPromise<Int>) {
        self.total = total
        done = promise
        for _ in 0..<min(window, total) { sendOne() }
        context?.flush()
    }

    private func sendOne() {
        guard let context else { return }
        sent += 1
        let promise = context.eventLoop.makePromise(of: PDU.self)
        promise.futureResult.assumeIsolated().whenComplete { [self] result in
            answered += 1
            if case .success(let pdu) = result, pdu.commandStatus == .ok {} else { done?.fail(SMPPSessionError(.connectionClosed, commandID: .submitSM)) }
            if answered == total {
                done?.succeed(answered)
            } else if sent < total {
                sendOne()
                // Flushed once per read batch: the responses that completed these arrived together.
                if !flushScheduled {
                    flushScheduled = true
                    context.eventLoop.assumeIsolated().execute { [self] in
                        flushScheduled = false
                        self.context?.flush()
                    }
                }
            }
        }
        context.write(wrapOutboundOut(.request(submit, promise: promise)), promise: nil)
    }
    private var flushScheduled = false
}

@Suite("SinkSMSC throughput", .enabled(if: ProcessInfo.processInfo.environment["TERN_BENCH"] != nil), .timeLimit(.minutes(2)))
struct SinkSMSCThroughputTests {
    @Test("submits per second over loopback, 4 sessions with a window of 50 each (TERN_BENCH=1)")
    func throughput() async throws {
        let sink = SinkSMSC(configuration: SinkSMSC.Configuration(receiptDelay: .milliseconds(10), receiptWindow: 2048))
        try await sink.start()
        let sessions = 4
        let perSession = 50_000
        let group = MultiThreadedEventLoopGroup.singleton
        var channels: [any Channel] = []
        for _ in 0..<sessions {
            let channel = try await ClientBootstrap(group: group)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([
                            SMPPSessionHandler(role: .esme, windowSize: 50), BlastHandler(),
                        ])
                    }
                }
                .connect(host: "127.0.0.1", port: sink.port).get()
            let bound = channel.eventLoop.makePromise(of: PDU.self)
            channel.writeAndFlush(SMPPOutbound.request(.bindTransceiver(Bind(systemID: "bench", password: "x")), promise: bound), promise: nil)
            #expect(try await bound.futureResult.get().commandStatus == .ok)
            channels.append(channel)
        }
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Int.self) { tasks in
            for channel in channels {
                tasks.addTask {
                    try await channel.eventLoop.flatSubmit {
                        let promise = channel.eventLoop.makePromise(of: Int.self)
                        let handler = try? channel.pipeline.syncOperations.handler(type: BlastHandler.self)
                        handler?.run(total: perSession, window: 50, promise: promise)
                        return promise.futureResult
                    }.get()
                }
            }
            for try await _ in tasks {}
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Double(sessions * perSession) / seconds
        print("SinkSMSC: \(sessions * perSession) submits in \(String(format: "%.2f", seconds)) s = \(Int(rate)) submits/s")
        #expect(await eventually(within: 30) { sink.counters.receiptsAcknowledged == sessions * perSession })
        let afterReceipts = ContinuousClock.now - started
        print("SinkSMSC: all receipts acknowledged after \(afterReceipts)")
        for channel in channels { try? await channel.close() }
        await sink.stop()
    }
}
