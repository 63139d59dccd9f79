import Testing
@testable import SMPP

@Suite("ReceiptDate")
struct ReceiptDateTests {
    @Test("10 digits: minutes, no seconds")
    func tenDigits() {
        let date = ReceiptDate("2512312359")
        #expect(date.text == "2512312359")
        #expect(date.components == ReceiptDate.Components(year: 25, month: 12, day: 31, hour: 23, minute: 59))
        #expect(date.formatted(includingSeconds: false) == "2512312359")
        #expect(date.formatted(includingSeconds: true) == "251231235900")
    }

    @Test("12 digits: seconds kept, dropped for the 10-digit form")
    func twelveDigits() {
        let date = ReceiptDate("250101000059")
        #expect(date.components?.second == 59)
        #expect(date.formatted(includingSeconds: false) == "2501010000")
        #expect(date.formatted(includingSeconds: true) == "250101000059")
    }

    @Test("built from parts")
    func fromParts() {
        #expect(ReceiptDate(year: 5, month: 3, day: 9, hour: 7, minute: 4).text == "0503090704")
        #expect(ReceiptDate(year: 5, month: 3, day: 9, hour: 7, minute: 4, second: 2).text == "050309070402")
        #expect(ReceiptDate(year: 5, month: 3, day: 9, hour: 7, minute: 4) == ReceiptDate("0503090704"))
    }

    @Test("anything else keeps its text and has no parts", arguments: ["", "abc", "25010112", "2500011200", "2501001200", "250101120061", "２５０１０１１２００"])
    func unparseable(text: String) {
        let date = ReceiptDate(text)
        #expect(date.text == text)
        #expect(date.components == nil)
        #expect(date.formatted(includingSeconds: false) == text)
    }
}
