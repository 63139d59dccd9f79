import Testing
@testable import SMPP

@Suite("MessageState")
struct MessageStateTests {
    @Test("values, names, stat words and finality match reference §6")
    func table() {
        let rows: [(MessageState, UInt8, String, String, Bool)] = [
            (.scheduled, 0, "SCHEDULED", "SCHEDULED", false),
            (.enroute, 1, "ENROUTE", "ENROUTE", false),
            (.delivered, 2, "DELIVERED", "DELIVRD", true),
            (.expired, 3, "EXPIRED", "EXPIRED", true),
            (.deleted, 4, "DELETED", "DELETED", true),
            (.undeliverable, 5, "UNDELIVERABLE", "UNDELIV", true),
            (.accepted, 6, "ACCEPTED", "ACCEPTD", true),
            (.unknown, 7, "UNKNOWN", "UNKNOWN", false),
            (.rejected, 8, "REJECTED", "REJECTD", true),
            (.skipped, 9, "SKIPPED", "SKIPPED", true),
        ]
        for (state, raw, name, stat, final) in rows {
            #expect(state.rawValue == raw)
            #expect(state.name == name)
            #expect(state.receiptStat == stat)
            #expect(state.isFinal == final, "\(name)")
            #expect(MessageState(receiptStat: stat) == state)
            #expect(MessageState(receiptStat: name) == state)
            #expect(MessageState(receiptStat: stat.lowercased()) == state)
        }
    }

    @Test("values outside the table survive and read as UNKNOWN in a receipt")
    func outsideTable() {
        let odd = MessageState(rawValue: 42)
        #expect(odd.rawValue == 42)
        #expect(!odd.isFinal)
        #expect(odd.receiptStat == "UNKNOWN")
        #expect(odd.name == "message_state(42)")
        #expect(MessageState(receiptStat: "42") == odd)
    }

    @Test("words that are no state", arguments: ["", "DELIV", "DELIVRDX", "OK", "256", "1000", "UNDELIVERABLEXYZ", " DELIVRD"])
    func notStates(word: String) {
        #expect(MessageState(receiptStat: word) == nil)
    }
}
