import NIOCore
import Testing
@testable import SMPP

@Suite("Delivery receipts in PDUs")
struct DeliveryReceiptPDUTests {
    @Test("the receipt vectors read back id, state and error from their PDUs")
    func vectors() throws {
        let undeliv = try #require(ReferenceVectors.valid.first { $0.name == "deliver_sm_receipt_undeliv_network_error" })
        let received = try #require(try PDU.decode(ByteBuffer(bytes: undeliv.bytes)).deliveryReceipt())
        #expect(received.messageID == "7781")
        #expect(received.state == .undeliverable)
        #expect(received.error == .network(type: 3, code: 1))
        let rejected = try #require(ReferenceVectors.valid.first { $0.name == "deliver_sm_rejectd_receipt" })
        let second = try #require(try PDU.decode(ByteBuffer(bytes: rejected.bytes)).deliveryReceipt())
        #expect(second.messageID == "99")
        #expect(second.state == .rejected)
    }

    @Test("an MO message is not a receipt")
    func moIsNotReceipt() throws {
        let mo = try #require(ReferenceVectors.valid.first { $0.name == "deliver_sm_mo_gsm7" })
        #expect(try PDU.decode(ByteBuffer(bytes: mo.bytes)).deliveryReceipt() == nil)
    }

    @Test("a built receipt carries the same id in text and TLV, the state TLV, and goes back to the sender")
    func builtReceipt() throws {
        let receipt = DeliveryReceipt(id: "0b7f3c2e9a41d5f8", submitted: 1, delivered: 1,
                                      submitDate: ReceiptDate("2611221200"), doneDate: ReceiptDate("2611221201"),
                                      stat: .delivered, err: "000", text: "Your code is 482913 and more")
        let (body, tlvs) = try DeliverSM.receipt(receipt, originalSource: .alphanumeric("TernBank"), originalDestination: .international("447700900123"))
        let pdu = PDU(.deliverSM(body), sequenceNumber: 3, tlvs: tlvs)
        let decoded = try PDU.decode(try pdu.encoded())
        #expect(String(buffer: body.shortMessage) == "id:0b7f3c2e9a41d5f8 sub:001 dlvrd:001 submit date:2611221200 done date:2611221201 stat:DELIVRD err:000 text:Your code is 482913 ")
        #expect(body.source == .international("447700900123"))
        #expect(body.destination == .alphanumeric("TernBank"))
        #expect(decoded.tlvs.receiptedMessageID == "0b7f3c2e9a41d5f8")
        #expect(decoded.tlvs.messageState == MessageState.delivered.rawValue)
        let read = try #require(try decoded.deliveryReceipt())
        #expect(read.messageID == "0b7f3c2e9a41d5f8")
        #expect(read.state == .delivered)
    }
}
