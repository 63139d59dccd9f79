import Testing
@testable import SMPP

@Suite("Latin-1 and IA5")
struct Latin1Tests {
    @Test func latin1KnownAnswers() throws {
        #expect(try Latin1.encode("café ÿ") == [0x63, 0x61, 0x66, 0xE9, 0x20, 0xFF])
        #expect(Latin1.decode([0x63, 0x61, 0x66, 0xE9, 0x20, 0xFF]) == "café ÿ")
        #expect(Latin1.canEncode("¡Hola, señor!"))
        #expect(!Latin1.canEncode("€"))
        #expect(!Latin1.canEncode("Ā"))  // U+0100, the first scalar past Latin-1
    }

    @Test func latin1RejectsWideCharacters() {
        #expect {
            try Latin1.encode("5 €")
        } throws: { error in
            (error as? SMPPTextError)?.code == .unencodableCharacter
                && (error as? SMPPTextError)?.reason.contains("U+20AC") == true
        }
    }

    @Test func latin1DecodesEveryOctetAndRoundTrips() throws {
        let all = [UInt8](UInt8.min...UInt8.max)
        let text = Latin1.decode(all)
        #expect(text.unicodeScalars.map(\.value) == all.map(UInt32.init))
        #expect(try Latin1.encode(text) == all)
    }

    @Test func ia5() throws {
        #expect(try IA5.encode("Hi!") == [0x48, 0x69, 0x21])
        #expect(IA5.decode([0x48, 0x69, 0xE9]) == "Hi\u{FFFD}")
        #expect(IA5.canEncode("plain"))
        #expect(!IA5.canEncode("é"))
        #expect(throws: SMPPTextError.self) { try IA5.encode("é") }
    }
}
