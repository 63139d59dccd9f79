import Testing
@testable import SMPP

@Suite("RequestWindow")
struct RequestWindowTests {
    typealias Window = RequestWindow<FakeInstant>

    static func entry(_ commandID: CommandID, at seconds: Int, session: Bool = false) -> Window.Entry {
        Window.Entry(commandID: commandID, sentAt: .at(seconds), ownedBySession: session)
    }

    @Test("a sequence number already outstanding is not overwritten")
    func noDuplicates() {
        var window = Window(capacity: 2)
        #expect(window.insertIfAbsent(7, Self.entry(.submitSM, at: 1)) == true)
        #expect(window.insertIfAbsent(7, Self.entry(.querySM, at: 2)) == false)
        #expect(window.count == 1)
        #expect(window.remove(7)?.commandID == .submitSM)
        #expect(window.remove(7) == nil)
    }

    @Test("session PDUs do not take window slots")
    func slots() {
        var window = Window(capacity: 1)
        #expect(window.insertIfAbsent(1, Self.entry(.enquireLink, at: 0, session: true)) == true)
        #expect(window.insertIfAbsent(2, Self.entry(.bindTransceiver, at: 0)) == true)
        #expect(!window.isFull)
        #expect(window.insertIfAbsent(3, Self.entry(.submitSM, at: 0)) == true)
        #expect(window.isFull)
        #expect(window.insertIfAbsent(4, Self.entry(.unbind, at: 0, session: true)) == true)
        _ = window.remove(3)
        #expect(!window.isFull)
        #expect(window.count == 3)
    }

    @Test("expire returns what is due, oldest first, and keeps the rest")
    func expire() {
        var window = Window(capacity: 10)
        for (sequenceNumber, sent) in [(1, 5), (2, 1), (3, 9), (4, 3)] {
            _ = window.insertIfAbsent(UInt32(sequenceNumber), Self.entry(.submitSM, at: sent))
        }
        #expect(window.earliestDeadline(timeout: .seconds(10)) == .at(11))
        #expect(window.expire(now: .at(10), timeout: .seconds(10)).count == 0)
        #expect(window.expire(now: .at(15), timeout: .seconds(10)).map(\.sequenceNumber) == [2, 4, 1])
        #expect(window.earliestDeadline(timeout: .seconds(10)) == .at(19))
        #expect(window.count == 1)
        #expect(window.removeAll().map(\.sequenceNumber) == [3])
        #expect(window.earliestDeadline(timeout: .seconds(10)) == nil)
    }

    @Test("the earliest deadline may be early after a removal, never late")
    func lowerBound() {
        var window = Window(capacity: 10)
        _ = window.insertIfAbsent(1, Self.entry(.submitSM, at: 0))
        _ = window.insertIfAbsent(2, Self.entry(.submitSM, at: 5))
        _ = window.remove(1)
        #expect(window.earliestDeadline(timeout: .seconds(10)) == .at(10))
        #expect(window.expire(now: .at(10), timeout: .seconds(10)).count == 0)
        #expect(window.earliestDeadline(timeout: .seconds(10)) == .at(15))
    }

    @Test("a capacity below 1 means 1")
    func minimumCapacity() {
        #expect(Window(capacity: 0).capacity == 1)
        #expect(TestSession(role: .esme, windowSize: -5).windowSize == 1)
    }
}
