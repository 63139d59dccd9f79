import NIOCore
import Testing
@testable import SMPP

@Suite("Delivery receipt formatting")
struct DeliveryReceiptFormattingTests {
    static let submitted = ReceiptDate(year: 25, month: 1, day: 1, hour: 12, minute: 0)
    static let done = ReceiptDate(year: 25, month: 1, day: 1, hour: 12, minute: 1, second: 30)

    @Test("the classic form, byte for byte")
    func classic() {
        let receipt = DeliveryReceipt(
            id: "abc123", submitDate: Self.submitted, doneDate: Self.done,
            stat: .delivered, text: "Hello world, this is a long message"
        )
        #expect(receipt.format()
            == "id:abc123 sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:Hello world, this is")
    }

    @Test("dlvrd is 000 for anything but DELIVRD unless given", arguments: [
        (MessageState.undeliverable, "UNDELIV"), (.expired, "EXPIRED"), (.rejected, "REJECTD"), (.deleted, "DELETED"),
        (.accepted, "ACCEPTD"), (.unknown, "UNKNOWN"), (.enroute, "ENROUTE"),
    ])
    func failureStates(state: MessageState, word: String) {
        let receipt = DeliveryReceipt(id: "m1", submitDate: Self.submitted, doneDate: Self.submitted, stat: state, err: "34", text: "hi")
        #expect(receipt.format() == "id:m1 sub:001 dlvrd:000 submit date:2501011200 done date:2501011200 stat:\(word) err:034 text:hi")
    }

    @Test("12-digit dates on request; seconds 00 when unknown")
    func twelveDigits() {
        let receipt = DeliveryReceipt(id: "1", submitDate: Self.submitted, doneDate: Self.done, stat: .delivered, text: "")
        #expect(receipt.format(dateStyle: .twelveDigits)
            == "id:1 sub:001 dlvrd:001 submit date:250101120000 done date:250101120130 stat:DELIVRD err:000 text:")
    }

    @Test("sub and dlvrd are three digits, clamped")
    func counts() {
        var receipt = DeliveryReceipt(id: "1", submitted: 7, delivered: 12, submitDate: Self.submitted, doneDate: Self.submitted, stat: .delivered)
        #expect(receipt.format().contains(" sub:007 dlvrd:012 "))
        receipt.submitted = 1234
        receipt.delivered = -5
        #expect(receipt.format().contains(" sub:999 dlvrd:000 "))
    }

    @Test("err: short numbers are padded, anything else is written as is", arguments: [
        ("", "000"), ("0", "000"), ("1", "001"), ("11", "011"), ("000", "000"), ("1234", "1234"), ("X1", "X1"),
    ])
    func err(err: String, written: String) {
        let receipt = DeliveryReceipt(id: "1", submitDate: Self.submitted, doneDate: Self.submitted, stat: .undeliverable, err: err)
        #expect(receipt.format().contains(" err:\(written) text:"))
    }

    @Test("text: is always written and never longer than 20 characters")
    func text() {
        var receipt = DeliveryReceipt(id: "1", submitDate: Self.submitted, doneDate: Self.submitted, stat: .delivered, text: nil)
        #expect(receipt.format().hasSuffix(" err:000 text:"))
        receipt.text = "12345678901234567890EXTRA"
        #expect(receipt.format().hasSuffix(" text:12345678901234567890"))
        receipt.text = "Grüße aus Köln, schön dich zu sehen"
        #expect(receipt.format().hasSuffix(" text:Grüße aus Köln, schö"))
    }

    @Test("extra fields only when asked, before text:")
    func extraFields() {
        let receipt = DeliveryReceipt(
            id: "1", submitDate: Self.submitted, doneDate: Self.submitted, stat: .delivered, text: "x",
            extraFields: [.init(key: "imsi", value: "234150000000001")]
        )
        #expect(!receipt.format().contains("imsi"))
        #expect(receipt.format(includingExtraFields: true).hasSuffix(" err:000 imsi:234150000000001 text:x"))
    }

    @Test("an unparseable date is written as it was received")
    func unparseableDate() {
        let receipt = DeliveryReceipt(id: "1", submitDate: ReceiptDate("20250101"), doneDate: nil, stat: .delivered)
        #expect(receipt.format().contains(" submit date:20250101 done date: stat:"))
    }

    static let roundTripReceipts: [DeliveryReceipt] = [
        DeliveryReceipt(id: "7781", submitDate: submitted, doneDate: ReceiptDate(year: 25, month: 1, day: 2, hour: 12, minute: 0), stat: .undeliverable, err: "001", text: "hi"),
        DeliveryReceipt(id: "0A1B2C3D4E", submitted: 3, delivered: 2, submitDate: submitted, doneDate: submitted, stat: .delivered, text: "Meet at 10:30 today!"),
        DeliveryReceipt(id: "x", submitDate: submitted, doneDate: submitted, stat: .rejected, err: "011", text: ""),
        DeliveryReceipt(id: "x y", submitDate: submitted, doneDate: submitted, stat: .expired, text: "  spaced  "),
    ] + (0...9).map { raw in
        DeliveryReceipt(id: "id\(raw)", submitDate: submitted, doneDate: submitted, stat: MessageState(rawValue: UInt8(raw)), text: "state \(raw)")
    }

    @Test("format then parse gives the receipt back", arguments: roundTripReceipts)
    func roundTrip(receipt: DeliveryReceipt) throws {
        guard receipt.id != "x y" else {
            // An id with a space cannot survive the text form; the parser keeps what precedes it.
            #expect(try DeliveryReceipt.parse(receipt.format()).id == "x")
            return
        }
        #expect(try DeliveryReceipt.parse(receipt.format()) == receipt)
    }

    @Test("into a buffer: the same bytes as the text, after what the buffer held, with every option",
          arguments: roundTripReceipts + [
              DeliveryReceipt(id: "42", submitDate: ReceiptDate(year: 25, month: 12, day: 31, hour: 23, minute: 59, second: 1),
                              doneDate: ReceiptDate("20250101"), stat: .delivered, err: "7",
                              text: "a text well over twenty characters, é and all",
                              extraFields: [.init(key: "imsi", value: "1"), .init(key: "MCC", value: "234")]),
          ])
    func intoBuffer(receipt: DeliveryReceipt) {
        for dateStyle in [DeliveryReceipt.DateStyle.tenDigits, .twelveDigits] {
            for extra in [false, true] {
                let text = receipt.format(dateStyle: dateStyle, includingExtraFields: extra)
                var buffer = ByteBuffer(string: "before")
                let written = receipt.format(into: &buffer, dateStyle: dateStyle, includingExtraFields: extra)
                #expect(written == text.utf8.count)
                #expect(buffer.readString(length: 6) == "before")
                #expect(Array(buffer.readableBytesView) == Array(text.utf8))
            }
        }
    }

    @Test("format then parse with 12-digit dates and extra fields")
    func roundTripTwelveDigits() throws {
        let receipt = DeliveryReceipt(
            id: "42", submitDate: ReceiptDate(year: 25, month: 12, day: 31, hour: 23, minute: 59, second: 1),
            doneDate: ReceiptDate(year: 26, month: 1, day: 1, hour: 0, minute: 0, second: 0),
            stat: .delivered, text: "happy new year",
            extraFields: [.init(key: "imsi", value: "1"), .init(key: "MCC", value: "234")]
        )
        #expect(try DeliveryReceipt.parse(receipt.format(dateStyle: .twelveDigits, includingExtraFields: true)) == receipt)
    }

    @Test("parse then format is the identity on the classic form", arguments: [
        "id:abc sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:Hello",
        "id:99 sub:001 dlvrd:000 submit date:2501011200 done date:2501011200 stat:REJECTD err:011 text:",
        "id:1 sub:010 dlvrd:009 submit date:9912312359 done date:0001010000 stat:ACCEPTD err:000 text:a:b c",
    ])
    func identity(text: String) throws {
        #expect(try DeliveryReceipt.parse(text).format() == text)
    }
}
