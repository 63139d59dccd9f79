import Foundation
import NIOCore
import SMPP

/// Our handle on one bound client session, usable from any thread: it delivers deliver_sm
/// (receipts and MO) within the session's window, and can detach the session.
///
/// Deliveries beyond the window wait in a backlog on the session's event loop and go out as
/// responses come back, so a burst of receipts never overruns a client.
public final class ClientSession: Sendable {
    public let id: UInt64
    public let accountID: Int64
    public let systemID: String
    public let bindType: BindType
    public let remoteAddress: String
    /// The interface_version the client bound with (0x34, 0x50, …).
    public let interfaceVersion: UInt8
    public let boundAt: ContinuousClock.Instant
    /// The wall-clock time of the bind, for people.
    public let boundSince: Date
    public let tls: Bool
    /// Last PDU, submits waiting for an answer, rate.
    public let activity: SessionActivity
    let channel: any Channel
    /// The channel's session handler, written to directly (no trip through the pipeline); nil
    /// for a channel without one.
    private let sessionHandler: NIOLoopBound<SMPPSessionHandler>?
    private let flow: NIOLoopBound<Flow>

    private final class Flow {
        var outstanding = 0
        var backlog = CircularBuffer<Delivery>()
        var flushScheduled = false
    }

    private struct Delivery {
        let body: PDU.Body
        let tlvs: TLVList
        let then: SMPPResponder.Callback
    }

    init(id: UInt64, accountID: Int64, systemID: String, bindType: BindType, interfaceVersion: UInt8,
         remoteAddress: String, tls: Bool = false, activity: SessionActivity = SessionActivity(), channel: any Channel,
         sessionHandler: SMPPSessionHandler? = nil, window: Int) {
        self.tls = tls
        self.activity = activity
        boundSince = Date()
        self.id = id
        self.accountID = accountID
        self.systemID = systemID
        self.bindType = bindType
        self.interfaceVersion = interfaceVersion
        self.remoteAddress = remoteAddress
        self.boundAt = .now
        self.channel = channel
        self.sessionHandler = sessionHandler.map { NIOLoopBound($0, eventLoop: channel.eventLoop) }
        self.window = max(1, window)
        flow = NIOLoopBound(Flow(), eventLoop: channel.eventLoop)
        incoming = LoopMailbox(loop: channel.eventLoop) { jobs in
            for job in jobs { job() }
        }
    }

    /// Deliveries handed over from other threads (the receipt task), brought to the loop in bursts.
    private let incoming: LoopMailbox

    private let window: Int

    public var canReceive: Bool { bindType != .transmitter }

    /// Sends a deliver_sm (or data_sm) to the client; `then` runs once, on the session's event
    /// loop, with the client's response or the error that ended the wait (the session closed).
    public func deliver(_ body: PDU.Body, tlvs: TLVList = TLVList(), then: @escaping SMPPResponder.Callback) {
        let delivery = Delivery(body: body, tlvs: tlvs, then: then)
        if channel.eventLoop.inEventLoop {
            enqueue(delivery)
        } else {
            incoming.post { self.enqueue(delivery) }
        }
    }

    /// Unbinds the session (the close follows the unbind_resp, or the response timer).
    public func detach() {
        channel.eventLoop.execute {
            self.channel.writeAndFlush(SMPPOutbound.unbind, promise: nil)
        }
    }

    /// Unbinds the session, and closes the connection if the client has not let go after
    /// `grace` (a client that ignores unbind must not keep its session).
    public func detach(grace: TimeAmount) {
        detach()
        let channel = self.channel
        channel.eventLoop.scheduleTask(in: grace) {
            if channel.isActive { channel.close(promise: nil) }
        }
    }

    /// The window in use: deliveries sent to the client and not yet answered.
    public func deliveriesInFlight() async -> Int {
        (try? await channel.eventLoop.submit { self.flow.value.outstanding }.get()) ?? 0
    }

    private func enqueue(_ delivery: Delivery) {
        let flow = flow.value
        if flow.outstanding < window {
            send(delivery, flow: flow)
        } else {
            flow.backlog.append(delivery)
        }
    }

    private func send(_ delivery: Delivery, flow: Flow) {
        // On a closed channel the write would fail before any session handler saw the request,
        // so the request fails here. On an open one the session handler owns the answer from
        // the write on: it gives it the response, or the error if the connection drops.
        guard channel.isActive else {
            delivery.then(.failure(SMPPSessionError(.connectionClosed, commandID: delivery.body.commandID)))
            // Nothing waiting behind it can go out either.
            closed()
            return
        }
        flow.outstanding += 1
        let then = delivery.then
        let responder = SMPPResponder.callback { [self] result in
            let flow = self.flow.value
            flow.outstanding -= 1
            if let next = flow.backlog.popFirst() {
                send(next, flow: flow)
            }
            then(result)
        }
        let request = SMPPOutbound.request(delivery.body, tlvs: delivery.tlvs, responder: responder)
        if let handler = sessionHandler?.value {
            handler.write(request)
        } else {
            channel.write(request, promise: nil)
        }
        // One flush for every delivery queued in this turn of the event loop.
        if !flow.flushScheduled {
            flow.flushScheduled = true
            channel.eventLoop.assumeIsolated().execute {
                flow.flushScheduled = false
                if let handler = self.sessionHandler?.value { handler.flush() } else { self.channel.flush() }
            }
        }
    }

    /// Fails what waits in the backlog; called when the channel closes.
    func closed() {
        let flow = flow.value
        while let delivery = flow.backlog.popFirst() {
            delivery.then(.failure(SMPPSessionError(.connectionClosed, commandID: delivery.body.commandID)))
        }
    }
}
