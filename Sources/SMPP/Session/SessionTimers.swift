/// The session timers of reference §9 (names from SMPP 5.0); configuration, not state.
///
/// `nil` switches a timer off. The machine never schedules anything itself: the channel handler
/// calls ``SessionStateMachine/tick(now:)`` every ``tickInterval`` (or at
/// ``SessionStateMachine/nextDeadline``), so timer accuracy is one tick.
public struct SessionTimers: Hashable, Sendable {
    /// session_init_timer: how long a new connection may stay unbound (OPEN or OUTBOUND) before it is closed.
    public var sessionInit: Duration
    /// enquire_link_timer: how long a bound session may go without receiving any PDU before we send enquire_link.
    public var enquireLink: Duration?
    /// inactivity_timer: how long a bound session may go without receiving any PDU before we
    /// unbind (and then close). With the enquire_link timer on, a silent peer is normally caught
    /// by its unanswered enquire_link first.
    public var inactivity: Duration?
    /// response_timer: how long a request we sent may wait for its response before it fails
    /// (for enquire_link, bind and unbind the whole session is closed instead).
    public var response: Duration
    /// How often the handler should call `tick(now:)`: the resolution of every timer above.
    public var tickInterval: Duration

    /// Creates the configuration; the defaults are the common ones (30 s, 30 s, 300 s, 10 s, tick 1 s).
    public init(
        sessionInit: Duration = .seconds(30),
        enquireLink: Duration? = .seconds(30),
        inactivity: Duration? = .seconds(300),
        response: Duration = .seconds(10),
        tickInterval: Duration = .seconds(1)
    ) {
        self.sessionInit = sessionInit
        self.enquireLink = enquireLink
        self.inactivity = inactivity
        self.response = response
        self.tickInterval = tickInterval
    }
}
