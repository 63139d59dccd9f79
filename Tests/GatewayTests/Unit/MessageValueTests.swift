import Foundation
import Gateway
import Testing

@Suite("Message is a value, though its fields share a box")
struct MessageValueTests {
    static func message() -> Message {
        Message(id: MessageID(rawValue: 7), accountID: 1, systemID: "a", source: WireAddress(value: "Tern"),
                destination: WireAddress(ton: 1, npi: 1, value: "447700900123"), shortMessage: [0x41, 0x42],
                receivedAt: Date(timeIntervalSince1970: 1_780_000_000), connector: "smsc-a")
    }

    @Test("a changed copy leaves the original as it was, field by field and in place")
    func copyOnWrite() {
        let original = Self.message()
        var copy = original
        #expect(copy == original)
        copy.state = .submitted
        copy.shortMessage.append(0x43)
        copy.destination.value = "447700900999"
        copy.attempts += 1
        #expect(original.state == .accepted)
        #expect(original.shortMessage == [0x41, 0x42])
        #expect(original.destination.value == "447700900123")
        #expect(original.attempts == 0)
        #expect(copy.state == .submitted)
        #expect(copy.shortMessage == [0x41, 0x42, 0x43])
        #expect(copy.destination.value == "447700900999")
        #expect(copy.attempts == 1)
        #expect(copy != original)
    }

    @Test("equal values are equal and hash alike in separate boxes; a change back makes them equal again")
    func equalityByValue() {
        var first = Self.message()
        let second = Self.message()
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        #expect(Set([first, second]).count == 1)
        first.price = 3
        #expect(first != second)
        first.price = nil
        #expect(first == second)
    }
}
