import NIOCore
import Testing
@testable import SMPP

@Suite("Reference vectors: valid PDUs")
struct ValidVectorTests {
    @Test("the vector files are present and complete")
    func vectorsLoad() {
        #expect(ReferenceVectors.valid.count == 62, "expected 62 valid vectors in \(ReferenceVectors.directory)")
        #expect(ReferenceVectors.malformed.count == 25, "expected 25 malformed vectors in \(ReferenceVectors.directory)")
    }

    @Test("decodes to the stated fields", arguments: ReferenceVectors.valid)
    func decodesToStatedFields(_ vector: ReferenceVectors.Valid) throws {
        let pdu = try PDU.decode(ByteBuffer(bytes: vector.bytes))
        #expect(pdu.json == vector.pdu, "\(vector.name):\n got  \(pdu.json.text)\n want \(vector.pdu.text)")
    }

    @Test("re-encodes to the exact bytes", arguments: ReferenceVectors.valid)
    func reencodesExactly(_ vector: ReferenceVectors.Valid) throws {
        let pdu = try PDU.decode(ByteBuffer(bytes: vector.bytes))
        let encoded = try pdu.encoded()
        #expect(Array(encoded.readableBytesView) == vector.bytes)
    }

    @Test("builds the exact bytes from its JSON", arguments: ReferenceVectors.valid)
    func encodesFromJSON(_ vector: ReferenceVectors.Valid) throws {
        let pdu = try PDU(json: vector.pdu)
        let encoded = try pdu.encoded()
        #expect(Array(encoded.readableBytesView) == vector.bytes)
    }

    @Test("frames out of one stream holding every vector, split at every size")
    func framesConcatenatedStream() throws {
        let stream = ReferenceVectors.valid.flatMap(\.bytes)
        for chunkSize in [1, 2, 3, 7, 16, 17, 100, 4096] {
            var inbound = ByteBuffer()
            var decoded: [PDU] = []
            var offset = 0
            let framing = PDUFraming()
            while offset < stream.count {
                let end = min(offset + chunkSize, stream.count)
                inbound.writeBytes(stream[offset..<end])
                offset = end
                while let frame = try framing.nextFrame(from: &inbound) {
                    decoded.append(try PDU.decode(frame))
                }
            }
            #expect(decoded.count == ReferenceVectors.valid.count, "chunk size \(chunkSize)")
            #expect(inbound.readableBytes == 0)
        }
    }
}
