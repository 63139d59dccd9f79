import Testing
@testable import SMPP

@Suite("Reassembling concatenated parts")
struct ConcatenationReassemblerTests {
    typealias Reassembler = ConcatenationReassembler<String, TextTestInstant>

    @Test func partsInOrder() {
        var reassembler = Reassembler(timeout: .seconds(60))
        let start = TextTestInstant()
        #expect(reassembler.add(key: "s1", reference: 7, total: 3, sequence: 1, payload: [1], now: start) == .incomplete(received: 1, total: 3))
        #expect(reassembler.add(key: "s1", reference: 7, total: 3, sequence: 2, payload: [2, 2], now: start) == .incomplete(received: 2, total: 3))
        #expect(reassembler.add(key: "s1", reference: 7, total: 3, sequence: 3, payload: [3], now: start) == .complete([1, 2, 2, 3]))
        #expect(reassembler.messagesInProgress == 0)
    }

    @Test func partsOutOfOrder() {
        var reassembler = Reassembler(timeout: .seconds(60))
        let now = TextTestInstant()
        #expect(reassembler.add(key: "s1", reference: 7, total: 3, sequence: 3, payload: [3], now: now) == .incomplete(received: 1, total: 3))
        #expect(reassembler.add(key: "s1", reference: 7, total: 3, sequence: 1, payload: [1], now: now) == .incomplete(received: 2, total: 3))
        #expect(reassembler.add(key: "s1", reference: 7, total: 3, sequence: 2, payload: [2], now: now) == .complete([1, 2, 3]))
    }

    @Test func duplicatesKeepTheFirstCopy() {
        var reassembler = Reassembler(timeout: .seconds(60))
        let now = TextTestInstant()
        _ = reassembler.add(key: "s1", reference: 1, total: 2, sequence: 1, payload: [0xAA], now: now)
        #expect(reassembler.add(key: "s1", reference: 1, total: 2, sequence: 1, payload: [0xBB], now: now) == .duplicate)
        #expect(reassembler.add(key: "s1", reference: 1, total: 2, sequence: 2, payload: [0xCC], now: now) == .complete([0xAA, 0xCC]))
    }

    @Test func invalidParts() {
        var reassembler = Reassembler(timeout: .seconds(60))
        let now = TextTestInstant()
        func isInvalid(_ result: ReassemblyResult) -> Bool {
            if case .invalid(let error) = result { return error.code == .invalidConcatenation }
            return false
        }
        #expect(isInvalid(reassembler.add(key: "k", reference: 1, total: 2, sequence: 0, payload: [], now: now)))
        #expect(isInvalid(reassembler.add(key: "k", reference: 1, total: 2, sequence: 3, payload: [], now: now)))
        #expect(isInvalid(reassembler.add(key: "k", reference: 1, total: 0, sequence: 0, payload: [], now: now)))
        #expect(reassembler.messagesInProgress == 0)
        _ = reassembler.add(key: "k", reference: 1, total: 2, sequence: 1, payload: [1], now: now)
        #expect(isInvalid(reassembler.add(key: "k", reference: 1, total: 3, sequence: 2, payload: [2], now: now)))
        // The set is untouched by the bad part and still completes.
        #expect(reassembler.add(key: "k", reference: 1, total: 2, sequence: 2, payload: [2], now: now) == .complete([1, 2]))
    }

    @Test func singlePartMessageCompletesAtOnce() {
        var reassembler = Reassembler(timeout: .seconds(60))
        #expect(reassembler.add(key: "k", reference: 9, total: 1, sequence: 1, payload: [5], now: TextTestInstant()) == .complete([5]))
        #expect(reassembler.messagesInProgress == 0)
    }

    @Test func keysAndReferencesSeparateMessages() {
        var reassembler = Reassembler(timeout: .seconds(60))
        let now = TextTestInstant()
        _ = reassembler.add(key: "a", reference: 1, total: 2, sequence: 1, payload: [0xA1], now: now)
        _ = reassembler.add(key: "b", reference: 1, total: 2, sequence: 1, payload: [0xB1], now: now)
        _ = reassembler.add(key: "a", reference: 2, total: 2, sequence: 1, payload: [0xA2], now: now)
        #expect(reassembler.messagesInProgress == 3)
        #expect(reassembler.add(key: "b", reference: 1, total: 2, sequence: 2, payload: [0xB2], now: now) == .complete([0xB1, 0xB2]))
        #expect(reassembler.add(key: "a", reference: 1, total: 2, sequence: 2, payload: [0xA3], now: now) == .complete([0xA1, 0xA3]))
    }

    @Test func timeoutExpiresIncompleteMessages() {
        var reassembler = Reassembler(timeout: .seconds(30))
        let start = TextTestInstant()
        _ = reassembler.add(key: "a", reference: 1, total: 3, sequence: 2, payload: [2], now: start)
        _ = reassembler.add(key: "a", reference: 1, total: 3, sequence: 1, payload: [1], now: start.advanced(by: .seconds(20)))
        _ = reassembler.add(key: "b", reference: 5, total: 2, sequence: 1, payload: [9], now: start.advanced(by: .seconds(10)))

        #expect(reassembler.expire(now: start.advanced(by: .seconds(29))).isEmpty)
        let first = reassembler.expire(now: start.advanced(by: .seconds(30)))
        // Age counts from the first part, not the latest.
        #expect(first == [Reassembler.ExpiredSet(
            key: "a", reference: 1, total: 3, receivedCount: 2, parts: [[1], [2], nil], firstPartAt: start)])
        #expect(reassembler.messagesInProgress == 1)

        let second = reassembler.expire(now: start.advanced(by: .seconds(100)))
        #expect(second.map(\.key) == ["b"])
        #expect(second.first?.receivedCount == 1)
        #expect(reassembler.messagesInProgress == 0)
        // A late part after expiry starts over rather than completing a dropped message.
        #expect(reassembler.add(key: "a", reference: 1, total: 3, sequence: 3, payload: [3], now: start.advanced(by: .seconds(101)))
            == .incomplete(received: 1, total: 3))
    }

    @Test func expiredSetsComeOldestFirst() {
        var reassembler = Reassembler(timeout: .seconds(1))
        let start = TextTestInstant()
        for reference in (0..<20).reversed() {
            _ = reassembler.add(key: "k", reference: UInt16(reference), total: 2, sequence: 1, payload: [],
                                now: start.advanced(by: .milliseconds(reference)))
        }
        let expired = reassembler.expire(now: start.advanced(by: .seconds(5)))
        #expect(expired.map(\.reference) == (0..<20).map(UInt16.init))
    }

    @Test func capacityRefusesNewMessagesButKeepsOldOnes() {
        var reassembler = Reassembler(timeout: .seconds(30), maxMessagesInProgress: 2)
        let start = TextTestInstant()
        _ = reassembler.add(key: "k", reference: 1, total: 2, sequence: 1, payload: [1], now: start)
        _ = reassembler.add(key: "k", reference: 2, total: 2, sequence: 1, payload: [1], now: start)
        let refused = reassembler.add(key: "k", reference: 3, total: 2, sequence: 1, payload: [1], now: start)
        guard case .refused(let error) = refused else {
            Issue.record("expected .refused, got \(refused)")
            return
        }
        #expect(error.code == .reassemblyCapacityReached)
        // Parts of messages already in progress are still accepted.
        #expect(reassembler.add(key: "k", reference: 1, total: 2, sequence: 2, payload: [2], now: start) == .complete([1, 2]))
        #expect(reassembler.add(key: "k", reference: 3, total: 2, sequence: 1, payload: [1], now: start) == .incomplete(received: 1, total: 2))
        // Expiry frees room.
        #expect(reassembler.expire(now: start.advanced(by: .seconds(30))).count == 2)
        #expect(reassembler.add(key: "k", reference: 4, total: 2, sequence: 1, payload: [1], now: start) == .incomplete(received: 1, total: 2))
    }

    @Test func worksWithTheContinuousClock() {
        var reassembler = ConcatenationReassembler<Int, ContinuousClock.Instant>(timeout: .seconds(60))
        let now = ContinuousClock.now
        let info = ConcatenationInfo(reference: 0xBEEF, total: 2, sequence: 2, is16BitReference: true)
        _ = reassembler.add(key: 1, concatenation: info, payload: [2], now: now)
        var first = info
        first.sequence = 1
        #expect(reassembler.add(key: 1, concatenation: first, payload: [1], now: now) == .complete([1, 2]))
    }
}
