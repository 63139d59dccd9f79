import NIOCore
import NIOTestUtils
import Testing
@testable import SMPP

@Suite("SMPPFrameDecoder under NIO's ByteToMessageDecoderVerifier")
struct FrameDecoderVerifierTests {
    @Test("every valid vector decodes the same however the bytes are cut into reads")
    func verifierOnValidVectors() throws {
        let pairs: [(ByteBuffer, [SMPPFrameDecoder.InboundOut])] = try ReferenceVectors.valid.map { vector in
            (ByteBuffer(bytes: vector.bytes), [.success(try PDU.decode(ByteBuffer(bytes: vector.bytes)))])
        }
        #expect(!pairs.isEmpty)
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { SMPPFrameDecoder() }
    }

    @Test("a malformed body is passed on as a failure and framing goes on")
    func malformedBodyKeepsFraming() throws {
        let bad = try #require(ReferenceVectors.malformed.first { $0.name == "submit_sm_source_addr_too_long" })
        let good = try #require(ReferenceVectors.valid.first { $0.name == "enquire_link" })
        let expectedError: SMPPDecodingError
        do {
            _ = try PDU.decode(ByteBuffer(bytes: bad.bytes))
            Issue.record("the vector should not decode")
            return
        } catch {
            expectedError = error
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(ByteBuffer(bytes: bad.bytes + good.bytes), [.failure(expectedError), .success(try PDU.decode(ByteBuffer(bytes: good.bytes)))])]
        ) { SMPPFrameDecoder() }
    }

    @Test("a 4 GiB command_length is refused at once, without buffering toward it")
    func hugeLengthRefused() throws {
        var decoder = SMPPFrameDecoder()
        var buffer = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 1, 0xF5])
        #expect(throws: SMPPDecodingError.self) { try decoder.decode(buffer: &buffer) }
        var tiny = SMPPFrameDecoder(framing: PDUFraming(maximumCommandLength: 100))
        var justOver = ByteBuffer(bytes: [0, 0, 0, 101, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 1])
        #expect(throws: SMPPDecodingError.self) { try tiny.decode(buffer: &justOver) }
    }
}
