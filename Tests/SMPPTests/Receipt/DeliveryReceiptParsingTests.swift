import Testing
@testable import SMPP

/// Receipt texts the way real MCs send them.
@Suite("Delivery receipt parsing")
struct DeliveryReceiptParsingTests {
    static let classic = "id:abc123 sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:Hello"

    @Test("the classic form")
    func classic() throws {
        #expect(try DeliveryReceipt.parse(Self.classic) == DeliveryReceipt(
            id: "abc123", submitted: 1, delivered: 1,
            submitDate: ReceiptDate("2501011200"), doneDate: ReceiptDate("2501011201"),
            stat: .delivered, err: "000", text: "Hello"
        ))
    }

    @Test("keys in any case", arguments: [
        "ID:abc123 SUB:001 DLVRD:001 SUBMIT DATE:2501011200 DONE DATE:2501011201 STAT:DELIVRD ERR:000 TEXT:Hello",
        "Id:abc123 Sub:001 Dlvrd:001 Submit Date:2501011200 Done Date:2501011201 Stat:DELIVRD Err:000 Text:Hello",
        "id:abc123 sub:001 dlvrd:001 submit_date:2501011200 done_date:2501011201 stat:DELIVRD err:000 text:Hello",
        "id:abc123 sub:001 dlvrd:001 SUBMIT_DATE:2501011200 Done_Date:2501011201 stat:DELIVRD err:000 text:Hello",
        "id:abc123 sub:001 dlvrd:001 submitdate:2501011200 donedate:2501011201 stat:delivrd err:000 text:Hello",
    ])
    func caseAndSpelling(text: String) throws {
        #expect(try DeliveryReceipt.parse(text) == DeliveryReceipt.parse(Self.classic))
    }

    @Test("extra spaces and tabs between fields and around colons")
    func extraSpaces() throws {
        let text = "  id:abc123   sub: 001\tdlvrd:001  submit date: 2501011200 done  date:2501011201 stat : DELIVRD err:000 text:Hello"
        #expect(try DeliveryReceipt.parse(text) == DeliveryReceipt.parse(Self.classic))
    }

    @Test("fields in another order")
    func reordered() throws {
        let text = "stat:DELIVRD err:000 id:abc123 done date:2501011201 dlvrd:001 submit date:2501011200 sub:001 text:Hello"
        #expect(try DeliveryReceipt.parse(text) == DeliveryReceipt.parse(Self.classic))
    }

    @Test("12-digit dates keep their seconds")
    func twelveDigitDates() throws {
        let receipt = try DeliveryReceipt.parse("id:1 sub:001 dlvrd:001 submit date:250101120005 done date:250101120159 stat:DELIVRD err:000 text:x")
        #expect(receipt.submitDate == ReceiptDate(year: 25, month: 1, day: 1, hour: 12, minute: 0, second: 5))
        #expect(receipt.doneDate?.components?.second == 59)
        #expect(receipt.doneDate?.text == "250101120159")
    }

    @Test("no text: field at all")
    func missingText() throws {
        let receipt = try DeliveryReceipt.parse("id:77 sub:001 dlvrd:000 submit date:2501011200 done date:2501011200 stat:EXPIRED err:000")
        #expect(receipt.text == nil)
        #expect(receipt.stat == .expired)
        #expect(receipt.err == "000")
    }

    @Test("text: takes the rest of the input, spaces and colons included")
    func textTakesTheRest() throws {
        let receipt = try DeliveryReceipt.parse("id:5 stat:DELIVRD err:000 text:Meet at 10:30, id:6 stat:x  ")
        #expect(receipt.text == "Meet at 10:30, id:6 stat:x  ")
        #expect(receipt.id == "5")
        #expect(receipt.extraFields == [])
    }

    @Test("unknown fields are kept, in order, as sent")
    func extraFields() throws {
        let receipt = try DeliveryReceipt.parse("id:9 sub:001 dlvrd:001 submit date:2501011200 done date:2501011200 stat:DELIVRD err:000 IMSI:234150000000001 mcc:234 text:ok")
        #expect(receipt.extraFields == [
            DeliveryReceipt.Field(key: "IMSI", value: "234150000000001"),
            DeliveryReceipt.Field(key: "mcc", value: "234"),
        ])
        #expect(receipt.text == "ok")
    }

    @Test("a repeated field: the first counts, the repeat is kept as an extra")
    func repeatedField() throws {
        let receipt = try DeliveryReceipt.parse("id:1 id:2 stat:DELIVRD stat:UNDELIV")
        #expect(receipt.id == "1")
        #expect(receipt.stat == .delivered)
        #expect(receipt.extraFields == [.init(key: "id", value: "2"), .init(key: "stat", value: "UNDELIV")])
    }

    @Test("an err of any length is kept as sent", arguments: ["0", "000", "1", "0000000012", "ABC", "-1"])
    func errOfAnyLength(err: String) throws {
        #expect(try DeliveryReceipt.parse("id:1 stat:UNDELIV err:\(err) text:").err == err)
    }

    @Test("ids are kept exactly: hex, upper and lower case, long", arguments: [
        "0A1B2C3D4E", "0a1b2c3d4e", "7f3c9b2e-4d1a-4a8e-9b6f-123456789abc", String(repeating: "9", count: 64),
    ])
    func ids(id: String) throws {
        #expect(try DeliveryReceipt.parse("id:\(id) sub:001 dlvrd:001 stat:DELIVRD err:000 text:").id == id)
    }

    @Test("stat words: classic, full names, any case, numbers", arguments: [
        ("DELIVRD", MessageState.delivered), ("DELIVERED", .delivered), ("delivrd", .delivered),
        ("UNDELIV", .undeliverable), ("UNDELIVERABLE", .undeliverable), ("Undeliv", .undeliverable),
        ("EXPIRED", .expired), ("DELETED", .deleted), ("ACCEPTD", .accepted), ("ACCEPTED", .accepted),
        ("UNKNOWN", .unknown), ("REJECTD", .rejected), ("REJECTED", .rejected), ("ENROUTE", .enroute),
        ("SCHEDULED", .scheduled), ("SKIPPED", .skipped), ("2", .delivered), ("8", .rejected),
    ])
    func statWords(word: String, state: MessageState) throws {
        #expect(try DeliveryReceipt.parse("id:1 stat:\(word) err:000").stat == state)
    }

    @Test("sub and dlvrd without padding, or unreadable")
    func counts() throws {
        let receipt = try DeliveryReceipt.parse("id:1 sub:3 dlvrd:02 stat:DELIVRD")
        #expect(receipt.submitted == 3)
        #expect(receipt.delivered == 2)
        let odd = try DeliveryReceipt.parse("id:1 sub:x dlvrd: stat:DELIVRD")
        #expect(odd.submitted == 0)
        #expect(odd.delivered == 0)
    }

    @Test("empty values followed by the next key")
    func emptyValues() throws {
        let receipt = try DeliveryReceipt.parse("id:1 sub:001 dlvrd:001 submit date: done date: stat:DELIVRD err: text:")
        #expect(receipt.submitDate == ReceiptDate(""))
        #expect(receipt.doneDate == ReceiptDate(""))
        #expect(receipt.stat == .delivered)
        #expect(receipt.err == "")
        #expect(receipt.text == "")
    }

    @Test("dates that are not YYMMDDhhmm[ss] keep their text, without parts", arguments: [
        "2501011", "25010112000", "2513011200", "2501321200", "2501012400", "2501011260", "20250101120000", "25-01-01",
    ])
    func oddDates(date: String) throws {
        let receipt = try DeliveryReceipt.parse("id:1 submit date:\(date) stat:DELIVRD")
        #expect(receipt.submitDate?.text == date)
        #expect(receipt.submitDate?.components == nil)
    }

    @Test("missing dates are nil")
    func missingDates() throws {
        let receipt = try DeliveryReceipt.parse("id:1 stat:DELIVRD")
        #expect(receipt.submitDate == nil)
        #expect(receipt.doneDate == nil)
        #expect(receipt.err == "")
    }

    @Test("trailing NULs, CR and LF")
    func trailingBytes() throws {
        #expect(try DeliveryReceipt.parse(utf8: Array("id:1 stat:DELIVRD err:000 text:hi".utf8) + [0, 0]).text == "hi")
        #expect(try DeliveryReceipt.parse("id:1\r\nstat:DELIVRD\r\nerr:000").err == "000")
    }

    @Test("junk before a key is skipped")
    func junkBeforeKey() throws {
        let receipt = try DeliveryReceipt.parse("id:1 some junk stat:DELIVRD junk submit date:2501011200")
        #expect(receipt.stat == .delivered)
        #expect(receipt.submitDate?.text == "2501011200")
    }

    // MARK: Not receipts

    @Test("texts that are not receipts name the missing field", arguments: [
        ("Hello, how are you?", "id"),
        ("", "id"),
        ("   ", "id"),
        ("id: stat:DELIVRD", "id"),
        ("stat:DELIVRD err:000 text:no id here", "id"),
        ("id:12345 sub:001 dlvrd:001", "stat"),
        ("id:1 text:stat:DELIVRD", "stat"),
        ("Meeting: 10:30", "id"),
    ])
    func notReceipts(text: String, field: String) {
        #expect(throws: ReceiptParseError.missingField(field)) {
            try DeliveryReceipt.parse(text)
        }
    }

    @Test("an unreadable stat is an invalid value, with the value")
    func unreadableStat() {
        #expect(throws: ReceiptParseError.invalidValue(field: "stat", value: "BOGUS")) {
            try DeliveryReceipt.parse("id:1 stat:BOGUS err:000")
        }
        #expect(throws: ReceiptParseError.invalidValue(field: "stat", value: "999")) {
            try DeliveryReceipt.parse("id:1 stat:999")
        }
    }

    @Test("errors say which field, in words")
    func errorDescriptions() {
        #expect(ReceiptParseError.missingField("stat").description == "not a delivery receipt: the required field stat: is missing")
        #expect(ReceiptParseError.invalidValue(field: "stat", value: "X").description == "delivery receipt has an unreadable stat: value \"X\"")
        #expect(ReceiptParseError.missingField("id").code == .missingField)
    }

    @Test("arbitrary bytes never trap")
    func fuzz() {
        var generator = SplitMix64(seed: 0x5EED)
        let alphabet = Array("id:sub:dlvrd:submit date:done date:stat:err:text: _\t\r\n0123456789DELIVRDx\u{0}:".utf8)
        let base = Array(Self.classic.utf8)
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int(generator.next() % 120)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            } else {
                bytes = base
                for _ in 0..<Int(generator.next() % 6) {
                    let index = Int(generator.next() % UInt64(bytes.count))
                    switch generator.next() % 3 {
                    case 0: bytes[index] = UInt8(truncatingIfNeeded: generator.next())
                    case 1: bytes.remove(at: index)
                    default: bytes.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: index)
                    }
                    if bytes.isEmpty { break }
                }
            }
            _ = try? DeliveryReceipt.parse(utf8: bytes)
            _ = try? DeliveryReceipt.resolve(text: String(decoding: bytes, as: UTF8.self), receiptedMessageID: nil, messageState: nil, networkErrorCode: nil)
        }
    }
}
