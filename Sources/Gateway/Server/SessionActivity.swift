import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SMPP

/// What the admin side shows of a session's traffic: when the client last sent anything (any
/// PDU, enquire_link included, so a silent client shows as dead), how many of its submits wait
/// for an answer, and its submit rate. Written on the session's event loop, read by the API.
public final class SessionActivity: Sendable {
    private struct State {
        var lastInbound: Date
        var inFlight = 0
    }

    private let state: NIOLockedValueBox<State>
    private let submits = RateMeter()

    public init(now: Date = Date()) {
        state = NIOLockedValueBox(State(lastInbound: now))
    }

    public var lastInbound: Date { state.withLockedValue { $0.lastInbound } }
    /// Submits the client sent that wait for their response: the window it has in use.
    public var inFlight: Int { state.withLockedValue { $0.inFlight } }

    func received(at now: Date) {
        state.withLockedValue { $0.lastInbound = now }
    }

    func submitted(_ count: Int, at now: Date) {
        state.withLockedValue { $0.inFlight += 1 }
        submits.count(count, now: now)
    }

    func answered() {
        state.withLockedValue { $0.inFlight = max(0, $0.inFlight - 1) }
    }

    /// Messages per second over the last ten whole seconds.
    public func rate(now: Date = Date()) -> Double { submits.perSecond(now: now) }
}

/// Notes when the client last sent anything. It sits in front of the session handler, on the
/// byte stream, so it sees each socket read once (a read holds many PDUs under load) instead of
/// every PDU: any octet from the client is a sign of life, enquire_link included.
public final class SessionActivityTap: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer

    let activity: SessionActivity

    public init(activity: SessionActivity) { self.activity = activity }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        activity.received(at: Date())
        context.fireChannelRead(data)
    }
}
