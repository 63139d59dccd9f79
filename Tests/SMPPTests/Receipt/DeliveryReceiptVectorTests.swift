import Testing
@testable import SMPP

/// The two receipts of `shared/reference/vectors/valid.jsonl`, short_message and TLVs copied
/// from the vectors.
@Suite("Delivery receipt vectors")
struct DeliveryReceiptVectorTests {
    /// deliver_sm_receipt_undeliv_network_error: short_message.
    static let undelivHex = "69643a37373831207375623a30303120646c7672643a303030207375626d697420646174653a3235303130313132303020646f6e6520646174653a3235303130323132303020737461743a554e44454c4956206572723a30303120746578743a6869"
    /// deliver_sm_rejectd_receipt: short_message.
    static let rejectdHex = "69643a3939207375623a30303120646c7672643a303030207375626d697420646174653a3235303130313132303020646f6e6520646174653a3235303130313132303020737461743a52454a45435444206572723a30313120746578743a"

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            func nibble(_ c: UInt8) -> UInt8 { c <= UInt8(ascii: "9") ? c - UInt8(ascii: "0") : c - UInt8(ascii: "a") + 10 }
            out.append(nibble(high) << 4 | nibble(low))
        }
        return out
    }

    @Test("undeliv vector: the text is what the vector says")
    func undelivText() {
        #expect(String(decoding: Self.bytes(hex: Self.undelivHex), as: UTF8.self)
            == "id:7781 sub:001 dlvrd:000 submit date:2501011200 done date:2501021200 stat:UNDELIV err:001 text:hi")
    }

    @Test("undeliv vector: every field parses from the short_message bytes")
    func undelivParse() throws {
        let receipt = try DeliveryReceipt.parse(utf8: Self.bytes(hex: Self.undelivHex))
        #expect(receipt == DeliveryReceipt(
            id: "7781", submitted: 1, delivered: 0,
            submitDate: ReceiptDate(year: 25, month: 1, day: 1, hour: 12, minute: 0),
            doneDate: ReceiptDate(year: 25, month: 1, day: 2, hour: 12, minute: 0),
            stat: .undeliverable, err: "001", text: "hi"
        ))
    }

    @Test("undeliv vector: the TLVs and the text resolve together")
    func undelivResolve() throws {
        let text = String(decoding: Self.bytes(hex: Self.undelivHex), as: UTF8.self)
        let resolved = try DeliveryReceipt.resolve(
            text: text, receiptedMessageID: "7781", messageState: MessageState(rawValue: 5), networkErrorCode: (type: 3, code: 1)
        )
        #expect(resolved.messageID == "7781")
        #expect(resolved.state == .undeliverable)
        #expect(resolved.error == .network(type: 3, code: 1))
        #expect(resolved.parsedText?.err == "001")
    }

    @Test("undeliv vector: formatting the parsed receipt gives the same bytes")
    func undelivFormat() throws {
        let bytes = Self.bytes(hex: Self.undelivHex)
        #expect(Array(try DeliveryReceipt.parse(utf8: bytes).format().utf8) == bytes)
    }

    @Test("rejectd vector: empty text, error 011")
    func rejectdParse() throws {
        let receipt = try DeliveryReceipt.parse(utf8: Self.bytes(hex: Self.rejectdHex))
        #expect(receipt == DeliveryReceipt(
            id: "99", submitted: 1, delivered: 0,
            submitDate: ReceiptDate("2501011200"), doneDate: ReceiptDate("2501011200"),
            stat: .rejected, err: "011", text: ""
        ))
    }

    @Test("rejectd vector: TLVs without network_error_code fall back on err:")
    func rejectdResolve() throws {
        let text = String(decoding: Self.bytes(hex: Self.rejectdHex), as: UTF8.self)
        let resolved = try DeliveryReceipt.resolve(text: text, receiptedMessageID: "99", messageState: MessageState(rawValue: 8), networkErrorCode: nil)
        #expect(resolved == ReceivedReceipt(messageID: "99", state: .rejected, error: .text("011"), parsedText: try DeliveryReceipt.parse(text)))
    }

    @Test("rejectd vector: formatting gives the same bytes")
    func rejectdFormat() throws {
        let bytes = Self.bytes(hex: Self.rejectdHex)
        #expect(Array(try DeliveryReceipt.parse(utf8: bytes).format().utf8) == bytes)
    }
}
