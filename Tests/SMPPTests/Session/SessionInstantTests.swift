import Testing
@testable import SMPP

@Suite("SessionInstant")
struct SessionInstantTests {
    @Test("arithmetic in nanoseconds")
    func arithmetic() {
        let start = SessionInstant(uptimeNanoseconds: 5_000_000_000)
        #expect(start.advanced(by: .milliseconds(1500)).nanoseconds == 6_500_000_000)
        #expect(start.duration(to: start.advanced(by: .seconds(30))) == .seconds(30))
        #expect(start.advanced(by: .seconds(-5)).nanoseconds == 0)
        #expect(start < start.advanced(by: .nanoseconds(1)))
    }

    @Test("saturates instead of trapping")
    func saturation() {
        let late = SessionInstant(uptimeNanoseconds: UInt64.max)
        #expect(late.nanoseconds == Int64.max)
        #expect(late.advanced(by: .seconds(10)).nanoseconds == Int64.max)
        #expect(SessionInstant(nanoseconds: 0).advanced(by: .seconds(Int64.max)).nanoseconds == Int64.max)
        #expect(SessionInstant(nanoseconds: Int64.min).duration(to: late) == .nanoseconds(Int64.max))
    }

    @Test("drives the session timers")
    func drivesTheMachine() {
        let origin = SessionInstant(uptimeNanoseconds: 1_000)
        var session = SessionStateMachine<SessionInstant>(role: .messageCentre)
        session.connectionOpened(now: origin)
        #expect(session.nextDeadline == origin.advanced(by: .seconds(30)))
        #expect(session.tick(now: origin.advanced(by: .seconds(30))) == [.close(.sessionInitTimeout, failing: [])])
    }
}
