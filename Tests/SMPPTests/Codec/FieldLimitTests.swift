import NIOCore
import Testing
@testable import SMPP

@Suite("Field limits on encode and decode")
struct FieldLimitTests {
    static func submit(source: String = "Tern", validity: String = "", message: [UInt8] = [0x68, 0x69]) -> PDU {
        PDU(.submitSM(SubmitSM(source: .alphanumeric(source), destination: .international("447700900123"),
                               validityPeriod: validity, shortMessage: ByteBuffer(bytes: message))), sequenceNumber: 1)
    }

    @Test("encoding refuses a C-string over its limit, naming the PDU, the field and the limit")
    func cStringTooLong() {
        #expect(throws: SMPPEncodingError(pdu: "submit_sm", field: "source_addr", reason: "21 octets is over the limit of 20 characters (21 octets with the NUL)")) {
            try Self.submit(source: String(repeating: "1", count: 21)).encoded()
        }
        #expect(throws: Never.self) { try Self.submit(source: String(repeating: "1", count: 20)).encoded() }
    }

    @Test("encoding refuses a short_message over 254 octets and points to message_payload")
    func shortMessageTooLong() throws {
        let error = try #require(throws: SMPPEncodingError.self) { try Self.submit(message: Array(repeating: 0x41, count: 255)).encoded() }
        #expect(error.field == "short_message")
        #expect(error.reason.contains("message_payload"))
    }

    @Test("encoding refuses a time field that is neither empty nor 16 characters")
    func badTime() throws {
        let error = try #require(throws: SMPPEncodingError.self) { try Self.submit(validity: "tomorrow").encoded() }
        #expect(error.field == "validity_period")
        #expect(throws: Never.self) { try Self.submit(validity: "000001000000000R").encoded() }
    }

    @Test("a NUL inside a C-string is refused rather than cutting the field short")
    func embeddedNUL() throws {
        let error = try #require(throws: SMPPEncodingError.self) { try Self.submit(source: "Te\u{0}rn").encoded() }
        #expect(error.reason.contains("NUL"))
    }

    @Test("a failed encode leaves the buffer as it was")
    func failedEncodeLeavesBuffer() {
        var buffer = ByteBuffer(string: "keep")
        #expect(throws: SMPPEncodingError.self) { try Self.submit(source: String(repeating: "x", count: 40)).encode(into: &buffer) }
        #expect(String(buffer: buffer) == "keep")
    }

    @Test("decoding names the offset of a time field that is not a time")
    func decodeBadTimeOffset() throws {
        var bytes = try Self.submit(validity: "000001000000000R").encoded()
        // Replace the 'R' with 'X': same length, wrong form.
        let index = Array(bytes.readableBytesView).lastIndex(of: UInt8(ascii: "R"))!
        bytes.setInteger(UInt8(ascii: "X"), at: index)
        let error = try #require(throws: SMPPDecodingError.self) { try PDU.decode(bytes) }
        #expect(error.status == .invalidExpiry)
        #expect(error.field == "validity_period")
        #expect(error.reaction == .response)
    }

    @Test("a non-UTF-8 C-string is refused with the field's status")
    func invalidText() throws {
        var bytes = try Self.submit(source: "Tern").encoded()
        let index = Array(bytes.readableBytesView).firstIndex(of: UInt8(ascii: "T"))!
        bytes.setInteger(UInt8(0xFF), at: index)
        let error = try #require(throws: SMPPDecodingError.self) { try PDU.decode(bytes) }
        #expect(error.status == .invalidSourceAddress)
    }

    @Test("TLV accessors read the standard tags; vendor tags survive set and remove")
    func tlvAccessors() throws {
        var tlvs = TLVList()
        try tlvs.appendInteger(.sarMsgRefNum, 0xBEEF)
        try tlvs.appendInteger(.sarTotalSegments, 3)
        try tlvs.appendInteger(.sarSegmentSeqnum, 2)
        try tlvs.append(TLVTag(rawValue: 0x1500), ByteBuffer(bytes: [1, 2, 3]))
        try tlvs.appendString(.receiptedMessageID, "abc")
        #expect(tlvs.sar?.reference == 0xBEEF)
        #expect(tlvs.sar?.total == 3)
        #expect(tlvs.receiptedMessageID == "abc")
        tlvs.remove(.sarTotalSegments)
        #expect(tlvs.sar == nil)
        #expect(tlvs.value(TLVTag(rawValue: 0x1500)) == ByteBuffer(bytes: [1, 2, 3]))
        #expect(TLVTag(rawValue: 0x1500).name == "vendor_0x1500")
        #expect(TLVTag(name: "message_payload") == .messagePayload)
    }

    @Test("error responses have the command's own response id and an empty body")
    func errorResponses() throws {
        let response = try #require(PDU.errorResponse(to: .submitSM, status: .throttled, sequenceNumber: 9))
        #expect(Array(try response.encoded().readableBytesView) == [0, 0, 0, 16, 0x80, 0, 0, 4, 0, 0, 0, 0x58, 0, 0, 0, 9])
        #expect(PDU.errorResponse(to: .alertNotification, status: .systemError, sequenceNumber: 1) == nil)
    }
}
