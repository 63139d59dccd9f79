import NIOCore
import NIOPosix
import Testing
@testable import SMPP

/// Sends every request it is given and keeps the responses, for the client side of the loopback test.
final class ClientApplication: ChannelInboundHandler {
    typealias InboundIn = PDU
    typealias OutboundOut = SMPPOutbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // An MC's deliver_sm: acknowledge it.
        let pdu = unwrapInboundIn(data)
        if case .deliverSM = pdu.body {
            context.writeAndFlush(wrapOutboundOut(.response(PDU(.deliverSMResp(DeliverSMResp(messageID: "")), sequenceNumber: pdu.sequenceNumber))), promise: nil)
        }
    }
}

@Suite("Client and server session handlers over a real loopback socket")
struct LoopbackSessionTests {
    /// A listener whose connections are MC sessions that accept binds and answer submits.
    static func startMessageCentre(group: MultiThreadedEventLoopGroup) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        SMPPSessionHandler(role: .messageCentre), RecordingApplication(),
                    ])
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    @Test("an ESME binds, submits 200 messages through a window of 10 and unbinds")
    func bindSubmitUnbind() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await Self.startMessageCentre(group: group)
        let port = try #require(server.localAddress?.port)
        let client = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        SMPPSessionHandler(role: .esme, windowSize: 10), ClientApplication(),
                    ])
                }
            }
            .connect(host: "127.0.0.1", port: port).get()

        func request(_ body: PDU.Body) async throws -> PDU {
            let promise = client.eventLoop.makePromise(of: PDU.self)
            client.writeAndFlush(SMPPOutbound.request(body, promise: promise), promise: nil)
            return try await promise.futureResult.get()
        }

        let bound = try await request(.bindTransceiver(Bind(systemID: "tern", password: "secret", interfaceVersion: 0x34)))
        #expect(bound.commandStatus == .ok)
        #expect(bound.body == .bindTransceiverResp(BindResp(systemID: "TernSMSC")))

        let submit = PDU.Body.submitSM(SubmitSM(source: .alphanumeric("Tern"), destination: .international("447700900123"), shortMessage: ByteBuffer(string: "hello")))
        var ids = Set<String>()
        try await withThrowingTaskGroup(of: [String].self) { tasks in
            for batch in 0..<20 {
                tasks.addTask {
                    var got: [String] = []
                    for _ in 0..<10 {
                        var attempts = 0
                        while true {
                            do {
                                let response = try await request(submit)
                                if case .submitSMResp(let resp) = response.body, let id = resp.messageID { got.append(id) }
                                break
                            } catch let error as SMPPSessionError where error.code == .windowFull && attempts < 1_000 {
                                attempts += 1
                                try await Task.sleep(for: .milliseconds(1))
                            }
                        }
                    }
                    _ = batch
                    return got
                }
            }
            for try await got in tasks { ids.formUnion(got) }
        }
        #expect(ids.count == 200, "every submit got its own response, matched by sequence number")

        let unbound = try await request(.unbind)
        #expect(unbound.commandID == .unbindResp)
        try await client.closeFuture.get()
        try await server.close()
        try await group.shutdownGracefully()
    }

    @Test("SMPPClient: a request gets its response, by future and by callback, and one sent after the close fails instead of hanging")
    func clientRequests() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await Self.startMessageCentre(group: group)
        let client = try await SMPPClient.connect(host: "127.0.0.1", port: try #require(server.localAddress?.port), group: group)
        #expect(try await client.bind(.transceiver, systemID: "tern", password: "pw").commandStatus == .ok)
        let submit = PDU.Body.submitSM(SubmitSM(source: .alphanumeric("Tern"), destination: .international("447700900123"),
                                                shortMessage: ByteBuffer(string: "hi")))
        #expect(try await client.request(submit).commandID == .submitSMResp)
        let byCallback = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PDU, any Error>) in
            client.send(submit) { continuation.resume(with: $0.mapError { $0 }) }
        }
        #expect(byCallback.commandID == .submitSMResp)

        await client.close()
        // Bounded: a request nobody answers would otherwise hang the test (a second completion
        // of the promise is ignored).
        let afterClose = client.channel.eventLoop.makePromise(of: PDU.self)
        client.send(submit).cascade(to: afterClose)
        let timeout = client.channel.eventLoop.scheduleTask(in: .seconds(5)) {
            afterClose.fail(SMPPSessionError(.timeout, commandID: .submitSM))
        }
        let outcome: Result<PDU, any Error>
        do { outcome = .success(try await afterClose.futureResult.get()) } catch { outcome = .failure(error) }
        timeout.cancel()
        guard case .failure(let error as SMPPSessionError) = outcome else {
            Issue.record("a request after the close got an answer: \(outcome)")
            return
        }
        #expect(error == SMPPSessionError(.connectionClosed, commandID: .submitSM))
        try await server.close()
        try await group.shutdownGracefully()
    }
}
