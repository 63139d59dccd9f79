import NIOCore

extension TimeAmount {
    /// The same span as a Swift `Duration`, to the nanosecond.
    init(_ duration: Duration) {
        self = .nanoseconds(SessionInstant.nanoseconds(of: duration))
    }
}

extension EventLoop {
    /// The loop's clock as the session state machine reads it (virtual on `EmbeddedEventLoop`).
    var sessionNow: SessionInstant { SessionInstant(uptimeNanoseconds: now.uptimeNanoseconds) }
}
