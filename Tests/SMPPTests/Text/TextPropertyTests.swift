import PropertyBased
import Testing
@testable import SMPP

@Suite("Text properties")
struct TextPropertyTests {
    // MARK: codecs

    @Test func gsmTextRoundTripsUnpacked() async {
        await propertyCheck(count: 300, input: TextGenerators.gsmText(length: 0...400)) { text in
            let septets = try GSM7.encode(text)
            #expect(GSM7.septetCount(text) == septets.count)
            #expect(septets.allSatisfy { $0 < 0x80 })
            #expect(Array(GSM7.decode(septets).unicodeScalars) == Array(text.unicodeScalars))
        }
    }

    @Test func gsmTextRoundTripsPackedWithFillBits() async {
        await propertyCheck(count: 300, input: TextGenerators.gsmText(length: 0...400), Gen.int(in: 0...6)) { text, fill in
            let septets = try GSM7.encode(text)
            let packed = GSM7.pack(septets, fillBits: fill)
            #expect(packed.count == (septets.isEmpty ? 0 : (fill + 7 * septets.count + 7) / 8))
            #expect(GSM7.unpack(packed, fillBits: fill, septetCount: septets.count) == septets)
            // Without a count: exact, or one extra '@' when the zero padding filled 7 spare bits.
            let guessed = GSM7.unpack(packed, fillBits: fill)
            let spare = packed.count * 8 - fill - 7 * septets.count
            #expect(guessed == septets || (spare == 7 && guessed == septets + [0]) || (guessed + [0x0D] == septets && spare == 0))
        }
    }

    @Test func unicodeRoundTripsThroughUCS2() async {
        await propertyCheck(count: 300, input: TextGenerators.scalar.array(of: 0...300)) { scalars in
            let text = TextGenerators.string(scalars)
            let octets = UCS2.encode(text)
            #expect(octets.count == 2 * UCS2.unitCount(text))
            #expect(Array(UCS2.decode(octets).unicodeScalars) == scalars)
            #expect(TextEncoder().encode(text).dataCoding == (GSM7.canEncode(text) ? .mcDefault : .ucs2))
        }
    }

    @Test func latin1RoundTrips() async {
        await propertyCheck(input: TextGenerators.latin1Scalar.array(of: 0...300)) { scalars in
            let text = TextGenerators.string(scalars)
            #expect(Latin1.canEncode(text))
            let octets = try Latin1.encode(text)
            #expect(Array(Latin1.decode(octets).unicodeScalars) == scalars)
        }
    }

    @Test func decodersAcceptAnyOctets() async {
        await propertyCheck(count: 500, input: Gen.uint8().array(of: 0...300), Gen.int(in: 0...7)) { octets, fill in
            _ = GSM7.decode(octets)
            _ = GSM7.decode(GSM7.unpack(octets, fillBits: fill))
            _ = UCS2.decode(octets)
            _ = Latin1.decode(octets)
            _ = IA5.decode(octets)
            if let (header, userData) = try? UserDataHeader.parse(octets) {
                #expect(header.encodedLength + userData.count == octets.count)
                #expect((try? header.encoded()) == Array(octets.prefix(header.encodedLength)))
            }
        }
    }

    // MARK: split, then reassemble

    static let methods: [ConcatenationMethod] = [.udh8(reference: 0xA7), .udh16(reference: 0xBEEF), .sar(reference: 0x1234), .messagePayload]

    @Test(arguments: methods)
    func gsmSplitReassembles(method: ConcatenationMethod) async {
        await propertyCheck(count: 60, input: TextGenerators.gsmText(length: 0...1200), Gen.uint64()) { text, seed in
            try TextSplitChecker(splitter: MessageSplitter(), method: method, seed: seed).check(text, expect: .mcDefault)
        }
    }

    @Test(arguments: methods)
    func packedGSMSplitReassembles(method: ConcatenationMethod) async {
        await propertyCheck(count: 60, input: TextGenerators.gsmTextWithoutCR(length: 0...1200), Gen.uint64()) { text, seed in
            try TextSplitChecker(splitter: MessageSplitter(gsm7Packing: .packed), method: method, seed: seed)
                .check(text, expect: .mcDefault)
        }
    }

    @Test(arguments: methods)
    func ucs2SplitReassembles(method: ConcatenationMethod) async {
        await propertyCheck(count: 60, input: TextGenerators.scalar.array(of: 0...600), Gen.uint64()) { scalars, seed in
            // A leading Cyrillic letter makes sure the text is not GSM.
            let text = "Ж" + TextGenerators.string(scalars)
            try TextSplitChecker(splitter: MessageSplitter(), method: method, seed: seed).check(text, expect: .ucs2)
        }
    }

    @Test(arguments: methods)
    func latin1SplitReassembles(method: ConcatenationMethod) async {
        let splitter = MessageSplitter(encoder: TextEncoder(prefersLatin1OverUCS2: true))
        await propertyCheck(count: 60, input: TextGenerators.latin1Scalar.array(of: 0...600), Gen.uint64()) { scalars, seed in
            let text = "ç" + TextGenerators.string(scalars)
            try TextSplitChecker(splitter: splitter, method: method, seed: seed).check(text, expect: .latin1)
        }
    }

    @Test(arguments: methods)
    func binarySplitReassembles(method: ConcatenationMethod) async {
        await propertyCheck(count: 60, input: Gen.uint8().array(of: 0...1500), Gen.uint64()) { octets, seed in
            let split = try MessageSplitter().split(binary: octets, using: method)
            let checker = TextSplitChecker(splitter: MessageSplitter(), method: method, seed: seed)
            #expect(try checker.reassembledUserData(split) == octets)
        }
    }
}
