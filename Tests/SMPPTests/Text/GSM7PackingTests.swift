import Testing
@testable import SMPP

@Suite("GSM 7-bit packing")
struct GSM7PackingTests {
    @Test func hellohello() throws {
        let septets = try GSM7.encode("hellohello")
        #expect(TextFixtures.hex(GSM7.pack(septets)) == "e8329bfd4697d9ec37")
        #expect(GSM7.unpack(TextFixtures.octets("e8329bfd4697d9ec37")) == septets)
    }

    @Test func fillBitsShiftTheSeptets() throws {
        let septets = try GSM7.encode("hellohello")
        // Cross-checked with an independent bit-string packer.
        #expect(TextFixtures.hex(GSM7.pack(septets, fillBits: 1)) == "d06536fb8d2eb3d96f")
        #expect(TextFixtures.hex(GSM7.pack(septets, fillBits: 6)) == "00bacc66bfd16536fb0d")
        #expect(GSM7.unpack(TextFixtures.octets("d06536fb8d2eb3d96f"), fillBits: 1, septetCount: 10) == septets)
        #expect(GSM7.unpack(TextFixtures.octets("00bacc66bfd16536fb0d"), fillBits: 6, septetCount: 10) == septets)
    }

    @Test func eightSeptetsFillSevenOctets() throws {
        #expect(TextFixtures.hex(GSM7.pack(try GSM7.encode("ABCDEFGH"))) == "41e19058341e91")
        #expect(TextFixtures.hex(GSM7.pack(try GSM7.encode("ABCDEFG"))) == "41e19058341e01")
    }

    @Test func sevenSpareBitsAreAmbiguousWithoutACount() throws {
        let packed = GSM7.pack(try GSM7.encode("ABCDEFG"))
        // Zero padding reads as a trailing '@' unless the count is known (TS 23.038's reason for CR padding).
        #expect(GSM7.decode(GSM7.unpack(packed)) == "ABCDEFG@")
        #expect(GSM7.decode(GSM7.unpack(packed, septetCount: 7)) == "ABCDEFG")
        // With CR in the spare bits, unpacking without a count drops it.
        var padded = packed
        padded[6] |= GSM7.carriageReturn << 1
        #expect(GSM7.decode(GSM7.unpack(padded)) == "ABCDEFG")
        #expect(GSM7.unpack(padded, septetCount: 8).last == GSM7.carriageReturn)
    }

    @Test func fillBitsForHeaderLengths() {
        #expect(GSM7.fillBits(afterHeaderOfLength: 0) == 0)
        #expect(GSM7.fillBits(afterHeaderOfLength: 1) == 6)
        #expect(GSM7.fillBits(afterHeaderOfLength: 5) == 2)
        #expect(GSM7.fillBits(afterHeaderOfLength: 6) == 1)  // 05 00 03 RR TT SS
        #expect(GSM7.fillBits(afterHeaderOfLength: 7) == 0)  // 06 08 04 RR RR TT SS
        #expect(GSM7.fillBits(afterHeaderOfLength: 12) == 2)
        #expect(GSM7.fillBits(afterHeaderOfLength: -3) == 0)
    }

    @Test func fullUDHPartIs140Octets() {
        let packed = GSM7.pack([UInt8](repeating: 0x41, count: 153), fillBits: 1)
        #expect(packed.count == 134)
        #expect(packed.prefix(2) == [0x82, 0xC1])
        #expect(GSM7.unpack(packed, fillBits: 1) == [UInt8](repeating: 0x41, count: 153))
        #expect(GSM7.pack([UInt8](repeating: 0x41, count: 152), fillBits: 0).count == 133)
        #expect(GSM7.pack([UInt8](repeating: 0x41, count: 160)).count == 140)
    }

    @Test func edgeCases() {
        #expect(GSM7.pack([UInt8]()) == [])
        #expect(GSM7.pack([0x7F]) == [0x7F])
        #expect(GSM7.pack([0xFF]) == [0x7F])  // only the low 7 bits are septet
        #expect(GSM7.pack([0x41], fillBits: 9) == [0x00, 0x82])
        #expect(GSM7.unpack([UInt8]()) == [])
        #expect(GSM7.unpack([0x41], fillBits: 2) == [])  // 6 bits: no whole septet
        #expect(GSM7.unpack([0x41], septetCount: 50) == [0x41])  // a count larger than the data is capped
        #expect(GSM7.unpack([0x41], septetCount: -1) == [])
        #expect(GSM7.unpack([0x00, 0x82], fillBits: 9) == [0x41])
    }

    @Test func anyOctetsUnpackWithoutTrapping() {
        for length in 0...9 {
            for fill in 0...7 {
                let octets = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 0xA5) }
                let septets = GSM7.unpack(octets, fillBits: fill)
                #expect(septets.allSatisfy { $0 < 0x80 })
                #expect(septets.count <= max(0, (length * 8 - fill) / 7))
            }
        }
    }
}
