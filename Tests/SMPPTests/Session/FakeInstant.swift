@testable import SMPP

/// A point on a make-believe timeline, so session timers are tested without clocks or sleeping.
struct FakeInstant: InstantProtocol, CustomStringConvertible {
    var offset: Duration

    init(_ offset: Duration) { self.offset = offset }

    /// `seconds` after the start of the test.
    static func at(_ seconds: Int) -> FakeInstant { FakeInstant(.seconds(seconds)) }

    func advanced(by duration: Duration) -> FakeInstant { FakeInstant(offset + duration) }
    func duration(to other: FakeInstant) -> Duration { other.offset - offset }
    static func < (lhs: FakeInstant, rhs: FakeInstant) -> Bool { lhs.offset < rhs.offset }

    var description: String { "t+\(offset)" }
}
