/// A monotonic instant counted in nanoseconds: the cheap `Instant` for ``SessionStateMachine``
/// in production.
///
/// Feed it from NIO's clock, `SessionInstant(uptimeNanoseconds: NIODeadline.now().uptimeNanoseconds)`,
/// so the machine and the event loop's scheduled tasks agree on time. `ContinuousClock.Instant`
/// works as well, but it is a resilient standard-library type that every copy handles through
/// value witnesses; on the request/response path it measured about three times slower.
public struct SessionInstant: InstantProtocol, CustomStringConvertible {
    /// Nanoseconds since an arbitrary, fixed origin (for NIO: system boot).
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// Takes `NIODeadline.uptimeNanoseconds` (or any monotonic nanosecond count); clamps above `Int64.max`.
    @inlinable public init(uptimeNanoseconds: UInt64) {
        self.nanoseconds = Int64(clamping: uptimeNanoseconds)
    }

    /// Saturates instead of overflowing: a timer set absurdly far ahead simply never fires.
    @inlinable public func advanced(by duration: Duration) -> SessionInstant {
        SessionInstant(nanoseconds: Self.add(nanoseconds, Self.nanoseconds(of: duration)))
    }

    @inlinable public func duration(to other: SessionInstant) -> Duration {
        let (difference, overflow) = other.nanoseconds.subtractingReportingOverflow(nanoseconds)
        guard !overflow else { return other.nanoseconds > nanoseconds ? .nanoseconds(Int64.max) : .nanoseconds(Int64.min) }
        return .nanoseconds(difference)
    }

    @inlinable public static func < (lhs: SessionInstant, rhs: SessionInstant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    public var description: String { "SessionInstant(\(nanoseconds) ns)" }

    /// A duration in whole nanoseconds, saturating at the Int64 range.
    @inlinable static func nanoseconds(of duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? Int64.min : Int64.max }
        return add(whole, attoseconds / 1_000_000_000)
    }

    @inlinable static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { return b < 0 ? Int64.min : Int64.max }
        return sum
    }
}
