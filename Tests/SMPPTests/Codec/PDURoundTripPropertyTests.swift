import NIOCore
import PropertyBased
import Testing
@testable import SMPP

@Suite("PDU round trips (property)")
struct PDURoundTripPropertyTests {
    @Test("encode then decode gives back every random PDU, and its bytes re-encode identically")
    func encodeDecode() async {
        await propertyCheck(count: 2_000, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            var random = RandomPDU(seed: seed)
            let pdu = random.pdu()
            do {
                let bytes = try pdu.encoded()
                let decoded = try PDU.decode(bytes)
                #expect(decoded == pdu, "seed \(seed): \(pdu.json.text)")
                #expect(try decoded.encoded() == bytes, "seed \(seed)")
            } catch {
                Issue.record("seed \(seed): \(error) for \(pdu.json.text)")
            }
        }
    }

    @Test("the JSON form rebuilds the same PDU")
    func jsonRoundTrip() async {
        await propertyCheck(count: 1_000, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            var random = RandomPDU(seed: seed)
            let pdu = random.pdu()
            do {
                let text = pdu.json.text
                let rebuilt = try PDU(json: try JSONValue(parsing: text))
                #expect(rebuilt == pdu, "seed \(seed): \(text)")
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    @Test("a stream of random PDUs cut into random pieces frames back into the same PDUs")
    func framingAnyChunks() async {
        await propertyCheck(count: 200, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            var random = RandomPDU(seed: seed)
            let pdus = (0..<random.int(1...20)).map { _ in random.pdu() }
            var stream = ByteBuffer()
            for pdu in pdus { try? pdu.encode(into: &stream) }
            var inbound = ByteBuffer()
            var decoded: [PDU] = []
            let framing = PDUFraming()
            while stream.readableBytes > 0 {
                let piece = stream.readSlice(length: min(stream.readableBytes, random.int(1...300)))!
                inbound.writeImmutableBuffer(piece)
                do {
                    while let frame = try framing.nextFrame(from: &inbound) { decoded.append(try PDU.decode(frame)) }
                } catch {
                    Issue.record("seed \(seed): \(error)")
                    return
                }
            }
            #expect(decoded == pdus, "seed \(seed)")
        }
    }
}
