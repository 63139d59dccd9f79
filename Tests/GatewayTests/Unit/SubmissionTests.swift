import Foundation
import Gateway
import NIOCore
import SMPP
import Testing

@Suite("Submission → Message")
struct SubmissionTests {
    let account = Account(id: 7, systemID: "shop", passwordHash: PasswordHash(encoded: ""))
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func submission(_ change: (inout SubmitSM) -> Void = { _ in }, tlvs: TLVList = TLVList()) -> Submission {
        var submit = SubmitSM(source: Address(ton: .alphanumeric, value: "Shop"),
                              destination: Address(ton: .international, npi: .isdn, value: "+447700900123"),
                              registeredDelivery: .receipt, shortMessage: ByteBuffer(string: "hi"))
        change(&submit)
        return Submission(submit, tlvs: tlvs)
    }

    func status(_ submission: Submission) -> CommandStatus? {
        do {
            _ = try submission.message(id: MessageID(rawValue: 1), account: account, now: now, defaultValiditySeconds: 3600)
            return nil
        } catch {
            return error.status
        }
    }

    @Test("a plain submit becomes a message with the default validity")
    func plain() throws {
        let message = try submission().message(id: MessageID(rawValue: 9), account: account, now: now, defaultValiditySeconds: 3600)
        #expect(message.accountID == 7)
        #expect(message.systemID == "shop")
        #expect(message.destination.value == "+447700900123")
        #expect(message.expiresAt == now.addingTimeInterval(3600))
        #expect(message.scheduledAt == nil)
        #expect(message.state == .accepted)
        #expect(message.shortMessage == Array("hi".utf8))
    }

    @Test("relative and absolute validity and schedule resolve to dates")
    func times() throws {
        let relative = try submission { $0.validityPeriod = "000001000000000R"; $0.scheduleDeliveryTime = "000000001000000R" }
            .message(id: MessageID(rawValue: 1), account: account, now: now, defaultValiditySeconds: 60)
        #expect(relative.expiresAt == now.addingTimeInterval(86_400))
        #expect(relative.scheduledAt == now.addingTimeInterval(600))
        // 2027-01-15 10:30:00 at UTC+1 (4 quarter hours) is 09:30 UTC.
        let absolute = try submission { $0.validityPeriod = "270115103000004+" }
            .message(id: MessageID(rawValue: 1), account: account, now: now, defaultValiditySeconds: 60)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        #expect(absolute.expiresAt == calendar.date(from: DateComponents(year: 2027, month: 1, day: 15, hour: 9, minute: 30)))
    }

    @Test("each broken field gets its own status")
    func rejections() throws {
        #expect(status(submission { $0.destination.value = "" }) == .invalidDestinationAddress)
        #expect(status(submission { $0.destination.value = "44 77" }) == .invalidDestinationAddress)
        #expect(status(submission { $0.source.value = "TwelveLetter" }) == .invalidSourceAddress)
        #expect(status(submission { $0.source = Address(ton: .international, value: "44abc") }) == .invalidSourceAddress)
        #expect(status(submission { $0.esmClass = .deliveryReceipt }) == .invalidESMClass)
        #expect(status(submission { $0.shortMessage = ByteBuffer() }) == .invalidMessageLength)
        var payload = TLVList()
        try payload.append(.messagePayload, ByteBuffer(string: "x"))
        #expect(status(submission(tlvs: payload)) == .invalidMessageLength)
        #expect(status(submission { $0.validityPeriod = "200101000000000+" }) == .invalidExpiry)
        #expect(status(submission { $0.scheduleDeliveryTime = "000003000000000R"; $0.validityPeriod = "000001000000000R" }) == .invalidScheduleDeliveryTime)
        #expect(status(submission { $0.esmClass = .udhi; $0.shortMessage = ByteBuffer(bytes: [0x09, 0x00]) }) == .invalidESMClass)
        #expect(status(submission { $0.esmClass = .udhi; $0.shortMessage = ByteBuffer(bytes: [0x05, 0x00, 0x03, 0x01, 0x02, 0x03, 0x41]) }) == .invalidESMClass)
    }

    @Test("concatenation comes from the UDH or from SAR TLVs")
    func concatenation() throws {
        let udh = try submission { $0.esmClass = .udhi; $0.shortMessage = ByteBuffer(bytes: [0x06, 0x08, 0x04, 0x01, 0x00, 0x02, 0x01, 0x41]) }
            .message(id: MessageID(rawValue: 1), account: account, now: now, defaultValiditySeconds: 60)
        #expect(udh.concatenation == Concatenation(reference: 256, total: 2, sequence: 1))
        var sar = TLVList()
        try sar.appendInteger(.sarMsgRefNum, 77, width: 2)
        try sar.appendInteger(.sarTotalSegments, 3, width: 1)
        try sar.appendInteger(.sarSegmentSeqnum, 2, width: 1)
        let withSAR = try submission(tlvs: sar).message(id: MessageID(rawValue: 1), account: account, now: now, defaultValiditySeconds: 60)
        #expect(withSAR.concatenation == Concatenation(reference: 77, total: 3, sequence: 2))
        // The SAR TLVs travel on to the upstream.
        #expect(try TLVList(encoded: withSAR.tlvs).sar?.total == 3)
    }

    @Test("an absolute validity period with a zone is kept as the UTC moment it names")
    func zonedValidity() throws {
        // 12:00 at UTC+2 (8 quarter hours) is 10:00 UTC; 12:00 at UTC-1:15 is 13:15 UTC.
        let ahead = try submission({ $0.validityPeriod = "280315120000008+" })
            .message(id: MessageID(rawValue: 1), account: account, now: now, defaultValiditySeconds: 60)
        #expect(ahead.expiresAt.map { SMPPTime(utc: $0).text } == "280315100000000+")
        let behind = try submission({ $0.validityPeriod = "280315120000005-" })
            .message(id: MessageID(rawValue: 2), account: account, now: now, defaultValiditySeconds: 60)
        #expect(behind.expiresAt.map { SMPPTime(utc: $0).text } == "280315131500000+")
    }

    @Test("a stored message becomes the same submit_sm toward the upstream, asking for a receipt")
    func upstreamSubmit() throws {
        var tlvs = TLVList()
        try tlvs.appendInteger(.userMessageReference, 5, width: 2)
        let message = try submission({ $0.registeredDelivery = .none }, tlvs: tlvs)
            .message(id: MessageID(rawValue: 1), account: account, now: now, defaultValiditySeconds: 60)
        let (body, forwarded) = message.submitSM()
        #expect(body.destination.value == "+447700900123")
        #expect(body.source.ton == .alphanumeric)
        #expect(body.registeredDelivery == .receipt)
        #expect(forwarded.integer(.userMessageReference) == 5)
        // The validity (60 s after `now`) goes along as an absolute UTC time.
        #expect(body.validityPeriod == SMPPTime(utc: now.addingTimeInterval(60)).text)
        #expect(body.validityPeriod.hasSuffix("000+"))
    }
}

@Suite("ReceiptBuilder")
struct ReceiptBuilderTests {
    @Test("the receipt to a client has our id, the classic text and goes from the handset to the sender")
    func receipt() throws {
        let submitted = Date(timeIntervalSince1970: 1_800_000_000)
        let (body, tlvs) = try ReceiptBuilder.deliverSM(
            messageID: MessageID(rawValue: 4242), state: .undeliverable, errorCode: 1,
            source: WireAddress(ton: 5, value: "Shop"), destination: WireAddress(ton: 1, npi: 1, value: "447700900123"),
            dataCoding: 8, esmClass: 0, shortMessage: [0x00, 0x48, 0x00, 0xE9, 0x00, 0x6C, 0x00, 0x6C, 0x00, 0x6F],
            submittedAt: submitted, doneAt: submitted.addingTimeInterval(90))
        guard case .deliverSM(let deliver) = body else {
            Issue.record("deliver_sm expected")
            return
        }
        let text = String(decoding: deliver.shortMessage.readableBytesView, as: UTF8.self)
        #expect(text == "id:4242 sub:001 dlvrd:000 submit date:2701150800 done date:2701150801 stat:UNDELIV err:001 text:H?llo")
        #expect(tlvs.receiptedMessageID == "4242")
        #expect(tlvs.messageState == MessageState.undeliverable.rawValue)
        #expect(deliver.source.value == "447700900123")
        #expect(deliver.destination.value == "Shop")
    }
}

@Suite("Receipt dates")
struct ReceiptDateTests {
    @Test("the epoch arithmetic agrees with the calendar over two centuries")
    func matchesCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: -2_000_000_000...5_000_000_000, using: &generator)))
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
            let expected = ReceiptDate(year: (c.year ?? 0) % 100, month: c.month ?? 0, day: c.day ?? 0, hour: c.hour ?? 0, minute: c.minute ?? 0)
            #expect(ReceiptBuilder.receiptDate(date) == expected)
        }
    }

    @Test("fields back to a moment agree with the calendar, and absolute SMPP times print them")
    func fieldsBackToDates() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: -2_000_000_000...5_000_000_000, using: &generator)))
            let time = SMPPTime(utc: date)
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            #expect([time.year, time.month, time.day, time.hour, time.minute, time.second] == [(c.year ?? 0) % 100, c.month, c.day, c.hour, c.minute, c.second])
            let (year, month, day) = UTCCalendar.civilDate(daysSince1970: UTCCalendar.split(date).days)
            #expect(year == c.year)
            #expect(UTCCalendar.date(year: year, month: month, day: day, hour: time.hour, minute: time.minute, second: time.second) == date)
        }
        // A leap day, the day after, and a day past a month's end (rolls over, as Calendar does).
        let leap = try #require(UTCCalendar.date(year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59))
        #expect(SMPPTime(utc: leap).text == "240229235959000+")
        #expect(SMPPTime(utc: leap.addingTimeInterval(1)).text == "240301000000000+")
        #expect(UTCCalendar.date(year: 2023, month: 2, day: 29, hour: 0, minute: 0, second: 0) == UTCCalendar.date(year: 2023, month: 3, day: 1, hour: 0, minute: 0, second: 0))
        #expect(UTCCalendar.date(year: 2023, month: 13, day: 1, hour: 0, minute: 0, second: 0) == nil)
        #expect(UTCCalendar.date(year: 2023, month: 1, day: 1, hour: 24, minute: 0, second: 0) == nil)
    }

    @Test("receipt text: the first 20 characters on one line, ASCII only")
    func receiptTextStart() {
        #expect(ReceiptBuilder.printableStart("Your code is 123456. It expires soon.") == "Your code is 123456.")
        #expect(ReceiptBuilder.printableStart("line one\nline two\r\nthree and more") == "line one line two th")
        #expect(ReceiptBuilder.printableStart("a\r\nb") == "a b")
        #expect(ReceiptBuilder.printableStart("Grüße aus Köln, wie geht es?") == "Gr??e aus K?ln, wie ")
        #expect(ReceiptBuilder.printableStart("") == "")
    }
}

@Suite("Upstream message ids")
struct UpstreamMessageIDTests {
    @Test("ids are compared without case, spaces, NULs or leading zeros, hex as decimal")
    func canonicalForms() {
        #expect(UpstreamMessageID.canonical(" 00ABCDEF\0") == String(0xABCDEF))
        #expect(UpstreamMessageID.canonical("000123") == "123")
        #expect(UpstreamMessageID.canonical("msg-XYZ 1") == "msg-xyz1")
        #expect(UpstreamMessageID.canonical("\u{00A0}42\u{2003}") == "42")
        #expect(UpstreamMessageID.canonical("ÄBC") == "äbc")
        #expect(UpstreamMessageID.candidates("0000ff") == ["255"])
        #expect(UpstreamMessageID.candidates("255") == ["255", "597", "ff"])
    }
}
