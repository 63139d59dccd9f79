import Testing
@testable import SMPP

@Suite("Choosing the data_coding")
struct TextEncoderTests {
    @Test func gsmTextGoesAsDataCodingZero() {
        let encoded = TextEncoder().encode("Hello {world} 5€")
        #expect(encoded.dataCoding == .mcDefault)
        #expect(encoded.unitCount == 19)  // { } € count two septets each
        #expect(encoded.octets.count == 19)
        // é, ñ, Ç and Greek capitals are GSM; lower-case ç is not.
        #expect(TextEncoder().dataCoding(for: "Café España Ç ΔΣ") == .mcDefault)
    }

    @Test func otherTextGoesAsUCS2() {
        let encoded = TextEncoder().encode("Привет 😀")
        #expect(encoded.dataCoding == .ucs2)
        #expect(encoded.unitCount == 9)  // 7 + a surrogate pair
        #expect(encoded.octets == UCS2.encode("Привет 😀"))
        #expect(TextEncoder().dataCoding(for: "garçon") == .ucs2)
    }

    @Test func latin1WhenAllowed() {
        let encoder = TextEncoder(prefersLatin1OverUCS2: true)
        #expect(encoder.dataCoding(for: "garçon") == .latin1)
        #expect(encoder.encode("garçon") == EncodedText(dataCoding: .latin1, octets: [0x67, 0x61, 0x72, 0xE7, 0x6F, 0x6E]))
        // GSM still wins when it can, and UCS-2 takes what Latin-1 cannot.
        #expect(encoder.dataCoding(for: "garcon") == .mcDefault)
        #expect(encoder.dataCoding(for: "garçon €") == .ucs2)
    }

    @Test func forcedDataCoding() throws {
        let encoder = TextEncoder()
        #expect(try encoder.encode("hi", as: .ucs2).octets == [0x00, 0x68, 0x00, 0x69])
        #expect(try encoder.encode("hé", as: .latin1).octets == [0x68, 0xE9])
        #expect(try encoder.encode("hi", as: .ia5).octets == [0x68, 0x69])
        // A GSM DCS value keeps its number (here flash SMS, class 0) and uses the GSM alphabet.
        let flash = try encoder.encode("€", as: DataCoding(rawValue: 0xF0))
        #expect(flash == EncodedText(dataCoding: DataCoding(rawValue: 0xF0), octets: [0x1B, 0x65]))
    }

    @Test func forcedDataCodingThatCannotCarryTheText() {
        let encoder = TextEncoder()
        #expect(throws: SMPPTextError.self) { try encoder.encode("Ж", as: .mcDefault) }
        #expect(throws: SMPPTextError.self) { try encoder.encode("€", as: .latin1) }
        #expect {
            try encoder.encode("hi", as: .binary)
        } throws: { ($0 as? SMPPTextError)?.code == .unsupportedDataCoding }
        #expect {
            try encoder.encode("hi", as: .jis)
        } throws: { ($0 as? SMPPTextError)?.code == .unsupportedDataCoding }
    }

    @Test func decoderInvertsTheEncoder() throws {
        let decoder = TextDecoder()
        for text in ["Hello {world} 5€", "Привет 😀", "garçon"] {
            for coding: DataCoding in [.mcDefault, .ucs2, .latin1] {
                guard let encoded = try? TextEncoder().encode(text, as: coding) else { continue }
                #expect(try decoder.decode(encoded.octets, dataCoding: coding) == text)
            }
        }
        let packed = TextDecoder(gsm7Packing: .packed)
        #expect(try packed.decode(TextFixtures.octets("e8329bfd4697d9ec37"), dataCoding: .mcDefault) == "hellohello")
        #expect(try packed.decode(TextFixtures.octets("d06536fb8d2eb3d96f"), dataCoding: .mcDefault, fillBits: 1) == "hellohello")
        #expect(throws: SMPPTextError.self) { try decoder.decode([0x01], dataCoding: .binary) }
        #expect(throws: SMPPTextError.self) { try decoder.decode([0x01], dataCoding: .cyrillic) }
    }
}
