import Testing
@testable import SMPP

@Suite("GSM 03.38 alphabet")
struct GSM7Tests {
    @Test func defaultAlphabetEncodesToItsPosition() throws {
        #expect(TextFixtures.defaultAlphabet.count == 128)
        for (septet, character) in TextFixtures.defaultAlphabet.enumerated() {
            guard let character else { continue }
            let text = String(character)
            #expect(try GSM7.encode(text) == [UInt8(septet)], "\(text.debugDescription)")
            #expect(GSM7.septetCount(text) == 1)
        }
    }

    @Test func defaultAlphabetDecodesFromItsPosition() {
        for (septet, character) in TextFixtures.defaultAlphabet.enumerated() {
            guard let character else { continue }
            #expect(GSM7.decode([UInt8(septet)]) == String(character), "septet 0x\(String(septet, radix: 16))")
        }
    }

    @Test func referencePositionsThatOthersGetWrong() throws {
        #expect(try GSM7.encode("§") == [0x5F])  // not a back-tick (smpplib)
        #expect(try GSM7.encode("@") == [0x00])
        #expect(try GSM7.encode("$") == [0x02])
        #expect(try GSM7.encode("_") == [0x11])
        #expect(try GSM7.encode("¤") == [0x24])
        #expect(GSM7.decode([0x5F]) == "§")
        #expect(!GSM7.canEncode("`"))
    }

    @Test func everyExtensionCharacterIsAnEscapePair() throws {
        for (character, code) in TextFixtures.extensionTable {
            let text = String(character)
            #expect(try GSM7.encode(text) == [0x1B, code])
            #expect(GSM7.septetCount(text) == 2)
            #expect(GSM7.canEncode(text))
            #expect(GSM7.decode([0x1B, code]) == text)
        }
    }

    @Test func euroCountsTwoSeptets() throws {
        #expect(GSM7.septetCount("€") == 2)
        #expect(GSM7.septetCount("Price: 5€") == 10)
        #expect(try GSM7.encode("5€") == [0x35, 0x1B, 0x65])
        #expect(GSM7.septetCount(String(repeating: "€", count: 80)) == 160)
    }

    @Test func knownAnswerFromTheVectors() throws {
        // submit_sm_gsm7_plain short_message.
        let septets = TextFixtures.octets("48656c6c6f2066726f6d205465726e21")
        #expect(GSM7.decode(septets) == "Hello from Tern!")
        #expect(try GSM7.encode("Hello from Tern!") == septets)
    }

    @Test func charactersOutsideTheAlphabet() {
        for text in ["Ж", "`", "😀", "ç", "e\u{301}", "\u{0}", "\t", "Ё"] {
            #expect(!GSM7.canEncode(text), "\(text.debugDescription)")
            #expect(GSM7.septetCount(text) == nil)
        }
        #expect(GSM7.canEncode(""))
        #expect(GSM7.septetCount("") == 0)
    }

    @Test func unencodableCharacterErrorSaysWhichAndWhere() {
        #expect {
            try GSM7.encode("Hi Жанна")
        } throws: { error in
            guard let error = error as? SMPPTextError else { return false }
            return error.code == .unencodableCharacter && error.reason.contains("U+0416")
                && error.reason.contains("offset 3")
        }
    }

    @Test func crlfStaysTwoSeptets() throws {
        #expect(try GSM7.encode("a\r\nb") == [0x61, 0x0D, 0x0A, 0x62])
        #expect(GSM7.septetCount("a\r\nb") == 4)
    }

    @Test func peerGarbageDecodesWithoutTrapping() {
        #expect(GSM7.decode([0x80]) == "\u{FFFD}")
        #expect(GSM7.decode([0x41, 0xFF, 0x42]) == "A\u{FFFD}B")
        #expect(GSM7.decode([0x1B]) == " ")  // dangling ESC
        #expect(GSM7.decode([0x41, 0x1B]) == "A ")
        #expect(GSM7.decode([0x1B, 0x41]) == "A")  // unknown extension: the base character
        #expect(GSM7.decode([0x1B, 0x1B]) == " ")  // ESC ESC: a further table nobody defines
        #expect(GSM7.decode([0x1B, 0x1B, 0x65]) == " e")
        #expect(GSM7.decode([0x1B, 0x90]) == "\u{FFFD}")
        #expect(GSM7.decode([0x1B, 0x00]) == "@")
        #expect(GSM7.decode([UInt8]()) == "")
    }

    @Test func everyPairOfOctetsDecodes() {
        for first in UInt8.min...UInt8.max {
            for second in UInt8.min...UInt8.max {
                #expect(!GSM7.decode([first, second]).isEmpty)
            }
        }
    }

    @Test func decodeAcceptsSlicesAndNonContiguousCollections() {
        let septets: [UInt8] = [0x00, 0x48, 0x69, 0x1B, 0x65]
        #expect(GSM7.decode(septets[1...]) == "Hi€")
        #expect(GSM7.decode(septets.reversed().reversed()) == "@Hi€")
        #expect(GSM7.decode(Set([0x41])) == "A")
    }

    @Test func wholeAlphabetRoundTrips() throws {
        let text = String(TextFixtures.gsmCharacters)
        let septets = try GSM7.encode(text)
        #expect(septets.count == 127 + 2 * 10)
        #expect(GSM7.septetCount(text) == septets.count)
        #expect(GSM7.decode(septets) == text)
    }
}
