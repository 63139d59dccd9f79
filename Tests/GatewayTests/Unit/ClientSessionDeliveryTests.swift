import NIOConcurrencyHelpers
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
        // Each delivery's answer, by name, as the session reports it (on the channel's loop).
        let answers = NIOLockedValueBox<[String: Result<PDU, SMPPSessionError>]>([:])
        for name in ["in flight", "second", "third"] {
            session.deliver(Self.receipt(name)) { result in
                answers.withLockedValue { $0[name] = result }
            }
        }
        // The window is one: only the first went out (with the flush the session schedules).
        channel.embeddedEventLoop.run()
        guard case .request(_, _, let responder)? = try channel.readOutbound(as: SMPPOutbound.self) else {
            Issue.record("the first delivery was not written")
            return
        }
        #expect(try channel.readOutbound(as: SMPPOutbound.self) == nil)
        #expect(answers.withLockedValue { $0.isEmpty })

        _ = try? channel.close().wait()
        guard case .callback(let answer)? = responder else {
            Issue.record("the delivery was written without a callback: \(String(describing: responder))")
            return
        }
        answer(.failure(SMPPSessionError(.connectionClosed, commandID: .deliverSM)))
        channel.embeddedEventLoop.run()
        for name in ["in flight", "second", "third"] {
            guard case .failure(let error)? = answers.withLockedValue({ $0[name] }) else {
                Issue.record("\(name): \(String(describing: answers.withLockedValue { $0[name] }))")
                continue
            }
            #expect(error.code == .connectionClosed, "\(name)")
        }
        // A delivery after the close fails at once.
        session.deliver(Self.receipt("four")) { result in
            answers.withLockedValue { $0["four"] = result }
        }
        channel.embeddedEventLoop.run()
        guard case .failure? = answers.withLockedValue({ $0["four"] }) else {
            Issue.record("a delivery to a closed session did not fail: \(String(describing: answers.withLockedValue { $0["four"] }))")
            return
        }
    }
}
