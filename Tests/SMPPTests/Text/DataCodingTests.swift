import Testing
@testable import SMPP

@Suite("DataCoding")
struct DataCodingTests {
    @Test func namedValuesHaveTheirSMPPNumbers() {
        let expected: [(DataCoding, UInt8)] = [
            (.mcDefault, 0x00), (.ia5, 0x01), (.octetUnspecified, 0x02), (.latin1, 0x03), (.binary, 0x04),
            (.jis, 0x05), (.cyrillic, 0x06), (.hebrew, 0x07), (.ucs2, 0x08), (.pictogram, 0x09),
            (.musicCodes, 0x0A), (.extendedKanji, 0x0D), (.korean, 0x0E),
        ]
        for (coding, raw) in expected {
            #expect(coding.rawValue == raw)
            #expect(DataCoding(rawValue: raw) == coding)
        }
    }

    @Test func alphabetOfTheSMPPTable() {
        #expect(DataCoding.mcDefault.alphabet == .gsm7)
        #expect(DataCoding.ia5.alphabet == .ascii)
        #expect(DataCoding.octetUnspecified.alphabet == .binary)
        #expect(DataCoding.latin1.alphabet == .latin1)
        #expect(DataCoding.binary.alphabet == .binary)
        #expect(DataCoding.ucs2.alphabet == .ucs2)
        for raw: UInt8 in [0x05, 0x06, 0x07, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x7F, 0xBF] {
            #expect(DataCoding(rawValue: raw).alphabet == .other, "0x\(String(raw, radix: 16))")
        }
    }

    @Test func alphabetOfTheGSMDCSGroups() {
        for raw: UInt8 in 0xC0...0xDF {
            #expect(DataCoding(rawValue: raw).alphabet == .gsm7)
        }
        for raw: UInt8 in 0xE0...0xEF {
            #expect(DataCoding(rawValue: raw).alphabet == .ucs2)
        }
        for raw: UInt8 in 0xF0...0xFF {
            // Bit 2 chooses 7-bit default (0) or 8-bit data (1).
            #expect(DataCoding(rawValue: raw).alphabet == (raw & 0x04 == 0 ? .gsm7 : .binary))
            #expect(DataCoding(rawValue: raw).messageClass == raw & 0x03)
        }
        #expect(DataCoding(rawValue: 0xF0).alphabet == .gsm7)
        #expect(DataCoding(rawValue: 0xF4).alphabet == .binary)
        #expect(DataCoding(rawValue: 0xF5).messageClass == 1)
        #expect(DataCoding.ucs2.messageClass == nil)
    }

    @Test func everyValueHasANameAndNothingTraps() {
        for raw in UInt8.min...UInt8.max {
            let coding = DataCoding(rawValue: raw)
            #expect(!coding.name.isEmpty)
            _ = coding.alphabet
        }
        #expect(DataCoding.ucs2.description == "0x08 (UCS-2)")
        #expect(DataCoding(rawValue: 0xF1).name == "GSM 7-bit, class 1")
        #expect(DataCoding(rawValue: 0x0B).name == "reserved")
    }
}
