import NIOCore
import Testing
@testable import SMPP

@Suite("Reference vectors: malformed PDUs")
struct MalformedVectorTests {
    /// Vectors whose fault lies in the bytes; the rest depend on the session state.
    static let codecVectors = ReferenceVectors.malformed.filter { !["submit_sm_on_receiver_session", "bind_when_already_bound", "submit_sm_unknown_tlv_is_ignored", "command_length_larger_than_stream"].contains($0.name) }

    @Test("framing or decoding yields the stated reaction", arguments: codecVectors)
    func codecReaction(_ vector: ReferenceVectors.Malformed) throws {
        var stream = ByteBuffer(bytes: vector.bytes)
        let error: SMPPDecodingError
        do {
            guard let frame = try PDUFraming().nextFrame(from: &stream) else {
                Issue.record("\(vector.name): framing waited for more octets")
                return
            }
            _ = try PDU.decode(frame)
            Issue.record("\(vector.name): decoded without error")
            return
        } catch let caught {
            error = caught
        }
        #expect(error.status == vector.status, "\(vector.name): \(error)")
        switch vector.action {
        case "generic_nack":
            #expect(error.reaction == (vector.closeConnection ? .genericNackAndClose : .genericNack), "\(vector.name): \(error)")
        case "response":
            #expect(error.reaction == .response, "\(vector.name): \(error)")
        default:
            Issue.record("unexpected action \(vector.action)")
        }
        #expect(error.closesConnection == vector.closeConnection)
        // Every error must say where it is.
        #expect(error.field != nil && error.offset != nil, "\(vector.name): \(error)")
    }

    @Test("a partial PDU waits for more octets, and never allocates its claimed length")
    func partialPDUWaits() throws {
        let vector = try #require(ReferenceVectors.malformed.first { $0.name == "command_length_larger_than_stream" })
        var stream = ByteBuffer(bytes: vector.bytes)
        #expect(try PDUFraming().nextFrame(from: &stream) == nil)
        #expect(stream.readableBytes == vector.bytes.count)
    }

    @Test("an unknown vendor TLV is kept and the PDU accepted")
    func unknownTLVKept() throws {
        let vector = try #require(ReferenceVectors.malformed.first { $0.name == "submit_sm_unknown_tlv_is_ignored" })
        let pdu = try PDU.decode(ByteBuffer(bytes: vector.bytes))
        #expect(pdu.tlvs.value(TLVTag(rawValue: 0x1500)) == ByteBuffer(bytes: [0xAB, 0xCD]))
        #expect(Array(try pdu.encoded().readableBytesView) == vector.bytes)
    }
}
