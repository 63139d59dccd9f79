import NIOCore
import NIOEmbedded
import SMPP
import Testing
@testable import Gateway

@Suite("ClientSession deliveries")
struct ClientSessionDeliveryTests {
    static func receipt(_ text: String) -> PDU.Body {
        .deliverSM(DeliverSM(source: .international("447700900123"), destination: .alphanumeric("Tern"),
                             esmClass: ESMClass(rawValue: 0x04), shortMessage: ByteBuffer(string: text)))
    }

    @Test("when the connection drops with a delivery in flight, it and every delivery waiting behind it fail, none left hanging")
    func closedWithBacklog() throws {
        // No session handler: the request the ClientSession writes stays readable here, and the
        // test plays the handler's part when the connection closes.
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 2775)).wait()
        let session = ClientSession(id: 1, accountID: 1, systemID: "acme", bindType: .receiver, interfaceVersion: 0x34,
                                    remoteAddress: "127.0.0.1", channel: channel, window: 1)
        let inFlight = session.deliver(Self.receipt("one"))
        let second = session.deliver(Self.receipt("two"))
        let third = session.deliver(Self.receipt("three"))
        // The window is one: only the first went out (with the flush the session schedules).
        channel.embeddedEventLoop.run()
        guard case .request(_, _, let promise)? = try channel.readOutbound(as: SMPPOutbound.self) else {
            Issue.record("the first delivery was not written")
            return
        }
        #expect(try channel.readOutbound(as: SMPPOutbound.self) == nil)

        _ = try? channel.close().wait()
        promise?.fail(SMPPSessionError(.connectionClosed, commandID: .deliverSM))
        for (name, future) in [("in flight", inFlight), ("second", second), ("third", third)] {
            var outcome: Result<PDU, any Error>?
            future.assumeIsolated().whenComplete { outcome = $0 }
            channel.embeddedEventLoop.run()
            guard case .failure(let error as SMPPSessionError)? = outcome else {
                Issue.record("\(name): \(String(describing: outcome))")
                continue
            }
            #expect(error.code == .connectionClosed, "\(name)")
        }
        // A delivery after the close fails at once.
        var late: Result<PDU, any Error>?
        session.deliver(Self.receipt("four")).assumeIsolated().whenComplete { late = $0 }
        channel.embeddedEventLoop.run()
        guard case .failure? = late else {
            Issue.record("a delivery to a closed session did not fail: \(String(describing: late))")
            return
        }
    }
}
