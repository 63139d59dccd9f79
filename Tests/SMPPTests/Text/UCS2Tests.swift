import Testing
@testable import SMPP

@Suite("UCS-2 / UTF-16BE")
struct UCS2Tests {
    @Test func bmpTextIsBigEndian() {
        #expect(UCS2.encode("A€") == [0x00, 0x41, 0x20, 0xAC])
        #expect(UCS2.decode([0x00, 0x41, 0x20, 0xAC]) == "A€")
        #expect(UCS2.unitCount("A€") == 2)
    }

    @Test func knownAnswerFromTheVectors() {
        // deliver_sm_mo_ucs2 short_message.
        let octets = TextFixtures.octets("041e0442043204350442003a00200434043000202713")
        #expect(UCS2.decode(octets) == "Ответ: да ✓")
        #expect(UCS2.encode("Ответ: да ✓") == octets)
    }

    @Test func astralCharactersAreSurrogatePairs() {
        #expect(TextFixtures.hex(UCS2.encode("😀")) == "d83dde00")
        #expect(UCS2.unitCount("😀") == 2)
        #expect(UCS2.decode(TextFixtures.octets("d83dde00")) == "😀")
        #expect(TextFixtures.hex(UCS2.encode("a\u{10FFFF}")) == "0061dbffdfff")
        #expect(UCS2.decode(TextFixtures.octets("0061dbffdfff")) == "a\u{10FFFF}")
        // A flag is two regional indicators: four units, one Character.
        #expect(UCS2.unitCount("🇫🇷") == 4)
    }

    @Test func brokenInputBecomesReplacementCharacters() {
        #expect(UCS2.decode(TextFixtures.octets("d800")) == "\u{FFFD}")  // lone high surrogate at the end
        #expect(UCS2.decode(TextFixtures.octets("d8000041")) == "\u{FFFD}A")  // high surrogate, no low after it
        #expect(UCS2.decode(TextFixtures.octets("dc000041")) == "\u{FFFD}A")  // lone low surrogate
        #expect(UCS2.decode(TextFixtures.octets("d800d800de00")) == "\u{FFFD}\u{10200}")  // the second high surrogate pairs
        #expect(UCS2.decode([0x00, 0x41, 0x00]) == "A\u{FFFD}")  // odd trailing octet
        #expect(UCS2.decode([0x41]) == "\u{FFFD}")
        #expect(UCS2.decode([UInt8]()) == "")
    }

    @Test func everySingleUnitDecodes() {
        for unit in UInt16.min...UInt16.max {
            #expect(!UCS2.decode([UInt8(unit >> 8), UInt8(truncatingIfNeeded: unit)]).isEmpty)
        }
    }

    @Test func emptyText() {
        #expect(UCS2.encode("") == [])
        #expect(UCS2.unitCount("") == 0)
    }
}
