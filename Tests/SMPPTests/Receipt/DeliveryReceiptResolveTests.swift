import Testing
@testable import SMPP

/// Receipt TLVs first, text second (reference §7).
@Suite("Delivery receipt TLVs and text")
struct DeliveryReceiptResolveTests {
    static let text = "id:abc sub:001 dlvrd:000 submit date:2501011200 done date:2501011300 stat:UNDELIV err:005 text:hello"

    @Test("TLVs alone, no text at all")
    func tlvsOnly() throws {
        #expect(try DeliveryReceipt.resolve(text: nil, receiptedMessageID: "m-1", messageState: .delivered, networkErrorCode: nil)
            == ReceivedReceipt(messageID: "m-1", state: .delivered, error: nil, parsedText: nil))
        #expect(try DeliveryReceipt.resolve(text: "", receiptedMessageID: "m-1", messageState: .expired, networkErrorCode: (3, 27))
            == ReceivedReceipt(messageID: "m-1", state: .expired, error: .network(type: 3, code: 27), parsedText: nil))
    }

    @Test("text alone")
    func textOnly() throws {
        #expect(try DeliveryReceipt.resolve(text: Self.text, receiptedMessageID: nil, messageState: nil, networkErrorCode: nil)
            == ReceivedReceipt(messageID: "abc", state: .undeliverable, error: .text("005"), parsedText: try DeliveryReceipt.parse(Self.text)))
    }

    @Test("the TLVs win over the text, field by field")
    func tlvsWin() throws {
        let resolved = try DeliveryReceipt.resolve(text: Self.text, receiptedMessageID: "ABC", messageState: .delivered, networkErrorCode: (1, 2))
        #expect(resolved.messageID == "ABC")
        #expect(resolved.state == .delivered)
        #expect(resolved.error == .network(type: 1, code: 2))
        #expect(resolved.parsedText?.id == "abc")
        #expect(resolved.parsedText?.stat == .undeliverable)
    }

    @Test("each field falls back on the text separately")
    func mixed() throws {
        let stateOnly = try DeliveryReceipt.resolve(text: Self.text, receiptedMessageID: nil, messageState: .expired, networkErrorCode: nil)
        #expect(stateOnly == ReceivedReceipt(messageID: "abc", state: .expired, error: .text("005"), parsedText: try DeliveryReceipt.parse(Self.text)))
        let idOnly = try DeliveryReceipt.resolve(text: Self.text, receiptedMessageID: "T", messageState: nil, networkErrorCode: nil)
        #expect(idOnly.messageID == "T")
        #expect(idOnly.state == .undeliverable)
    }

    @Test("a text that is not a full receipt still lends what it has")
    func partialText() throws {
        let resolved = try DeliveryReceipt.resolve(text: "id:77 err:012", receiptedMessageID: nil, messageState: .undeliverable, networkErrorCode: nil)
        #expect(resolved == ReceivedReceipt(messageID: "77", state: .undeliverable, error: .text("012"), parsedText: nil))
        let garbage = try DeliveryReceipt.resolve(text: "not a receipt", receiptedMessageID: "9", messageState: .delivered, networkErrorCode: nil)
        #expect(garbage == ReceivedReceipt(messageID: "9", state: .delivered, error: nil, parsedText: nil))
    }

    @Test("an empty receipted_message_id counts as absent")
    func emptyTLVID() throws {
        #expect(try DeliveryReceipt.resolve(text: Self.text, receiptedMessageID: "", messageState: nil, networkErrorCode: nil).messageID == "abc")
    }

    @Test("no id and no state anywhere is an error naming the field")
    func nothingToGoOn() {
        #expect(throws: ReceiptParseError.missingField("id")) {
            try DeliveryReceipt.resolve(text: nil, receiptedMessageID: nil, messageState: .delivered, networkErrorCode: nil)
        }
        #expect(throws: ReceiptParseError.missingField("stat")) {
            try DeliveryReceipt.resolve(text: "id:1 err:000", receiptedMessageID: nil, messageState: nil, networkErrorCode: nil)
        }
        #expect(throws: ReceiptParseError.invalidValue(field: "stat", value: "WEIRD")) {
            try DeliveryReceipt.resolve(text: "id:1 stat:WEIRD", receiptedMessageID: "1", messageState: nil, networkErrorCode: nil)
        }
    }
}
