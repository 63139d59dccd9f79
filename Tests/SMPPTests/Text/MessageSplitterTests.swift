import Testing
@testable import SMPP

@Suite("Splitting long messages")
struct MessageSplitterTests {
    let splitter = MessageSplitter()

    // MARK: single messages

    @Test func gsm160IsOneMessage() throws {
        let split = try splitter.split(String(repeating: "a", count: 160), using: .udh8(reference: 1))
        #expect(split.dataCoding == .mcDefault)
        #expect(split.parts.count == 1)
        #expect(split.parts[0].shortMessage.count == 160)  // unpacked: not capped at 140 octets
        #expect(!split.parts[0].hasUDH)
        #expect(split.parts[0].sar == nil)
        #expect(!split.parts[0].inMessagePayload)
        #expect(split.parts[0].messagePayload == nil)
    }

    @Test func gsm161IsTwoParts() throws {
        let split = try splitter.split(String(repeating: "a", count: 161), using: .udh8(reference: 0x42))
        #expect(split.parts.count == 2)
        #expect(split.parts.map(\.shortMessage.count) == [6 + 153, 6 + 8])  // 159 octets, as clients send
        #expect(split.parts.filter(\.hasUDH).count == 2)
        #expect(Array(split.parts[0].shortMessage.prefix(6)) == [0x05, 0x00, 0x03, 0x42, 0x02, 0x01])
        #expect(Array(split.parts[1].shortMessage.prefix(6)) == [0x05, 0x00, 0x03, 0x42, 0x02, 0x02])
    }

    @Test func euroCountsTwiceTowardsTheLimit() throws {
        #expect(try splitter.split(String(repeating: "€", count: 80), using: .udh8(reference: 1)).parts.count == 1)
        #expect(try splitter.split(String(repeating: "€", count: 80) + "a", using: .udh8(reference: 1)).parts.count == 2)
    }

    @Test func exactMultiplesOfThePartSize() throws {
        let gsm = try splitter.split(String(repeating: "a", count: 153 * 2), using: .udh8(reference: 1))
        #expect(gsm.parts.map(\.shortMessage.count) == [159, 159])
        #expect(try splitter.split(String(repeating: "a", count: 153 * 2 + 1), using: .udh8(reference: 1)).parts.count == 3)
        let gsm16 = try splitter.split(String(repeating: "a", count: 152 * 3), using: .udh16(reference: 1))
        #expect(gsm16.parts.map(\.shortMessage.count) == [159, 159, 159])
        let ucs2 = try splitter.split(String(repeating: "ж", count: 67 * 2), using: .udh8(reference: 1))
        #expect(ucs2.parts.map(\.shortMessage.count) == [140, 140])
        let ucs16 = try splitter.split(String(repeating: "ж", count: 66 * 2), using: .udh16(reference: 1))
        #expect(ucs16.parts.map(\.shortMessage.count) == [139, 139])
    }

    @Test func ucs2At70And71() throws {
        let seventy = try splitter.split(String(repeating: "ж", count: 70), using: .udh8(reference: 1))
        #expect(seventy.dataCoding == .ucs2)
        #expect(seventy.parts.map(\.shortMessage.count) == [140])
        let seventyOne = try splitter.split(String(repeating: "ж", count: 71), using: .udh8(reference: 1))
        #expect(seventyOne.parts.map(\.shortMessage.count) == [6 + 134, 6 + 8])
        let sixteen = try splitter.split(String(repeating: "ж", count: 71), using: .udh16(reference: 0x0102))
        #expect(sixteen.parts.map(\.shortMessage.count) == [7 + 132, 7 + 10])
        #expect(Array(sixteen.parts[1].shortMessage.prefix(7)) == [0x06, 0x08, 0x04, 0x01, 0x02, 0x02, 0x02])
    }

    @Test func binaryLimits() throws {
        #expect(try splitter.split(binary: [UInt8](repeating: 0xAB, count: 140), using: .udh8(reference: 1)).parts.count == 1)
        let udh8 = try splitter.split(binary: [UInt8](repeating: 0xAB, count: 141), using: .udh8(reference: 1))
        #expect(udh8.dataCoding == .binary)
        #expect(udh8.parts.map(\.shortMessage.count) == [6 + 134, 6 + 7])
        let udh16 = try splitter.split(binary: [UInt8](repeating: 0xAB, count: 141), using: .udh16(reference: 1))
        #expect(udh16.parts.map(\.shortMessage.count) == [7 + 133, 7 + 8])
    }

    // MARK: pairs that must not be cut

    @Test func escapePairIsNotSplitAtTheBoundary() throws {
        // 152 'a' then '€' (ESC 0x65) straddles septets 153/154: the pair moves to part 2.
        let text = String(repeating: "a", count: 152) + "€" + String(repeating: "b", count: 10)
        let split = try splitter.split(text, using: .udh8(reference: 1))
        #expect(split.parts.count == 2)
        #expect(split.parts[0].shortMessage.count == 6 + 152)
        #expect(Array(split.parts[1].shortMessage[6...].prefix(2)) == [0x1B, 0x65])
        // 151 'a' + '€' ends exactly at 153: no move needed.
        let exact = try splitter.split(String(repeating: "a", count: 151) + "€" + String(repeating: "b", count: 10), using: .udh8(reference: 1))
        #expect(exact.parts.map(\.shortMessage.count) == [6 + 153, 6 + 10])
        #expect(exact.parts[0].shortMessage.last == 0x65)
    }

    @Test func escapeRunsFromOtherSourcesPairLeftToRight() throws {
        // Septets not made by GSM7.encode may hold ESC ESC; pairs still form left to right from the part start.
        let a = [UInt8](repeating: 0x41, count: 152)
        let odd = EncodedText(dataCoding: .mcDefault, octets: a + [0x1B, 0x1B, 0x1B, 0x65] + [UInt8](repeating: 0x42, count: 10))
        let oddSplit = try splitter.split(odd, using: .udh8(reference: 1))
        #expect(oddSplit.parts.map(\.shortMessage.count) == [6 + 152, 6 + 14])
        let even = EncodedText(dataCoding: .mcDefault, octets: Array(a.dropLast()) + [0x1B, 0x1B] + [UInt8](repeating: 0x42, count: 10))
        let evenSplit = try splitter.split(even, using: .udh8(reference: 1))
        #expect(evenSplit.parts.map(\.shortMessage.count) == [6 + 153, 6 + 10])
    }

    @Test func surrogatePairIsNotSplitAtTheBoundary() throws {
        // 66 UCS-2 units then an emoji at units 67–68 (octets 132–135): the pair moves to part 2.
        let text = String(repeating: "ж", count: 66) + "😀" + String(repeating: "ж", count: 10)
        let split = try splitter.split(text, using: .udh8(reference: 1))
        #expect(split.parts.map(\.shortMessage.count) == [6 + 132, 6 + 24])
        #expect(Array(split.parts[1].shortMessage[6..<10]) == [0xD8, 0x3D, 0xDE, 0x00])
        let emojis = try splitter.split(String(repeating: "😀", count: 40), using: .udh8(reference: 1))
        #expect(emojis.parts.map(\.shortMessage.count) == [6 + 132, 6 + 28])
    }

    // MARK: byte-exact against the reference vectors

    @Test func deliverSMUDH8Vectors() throws {
        // deliver_sm_udh8_part1of2_gsm7 is a full 153-septet part. (Its sender split 153 + 7 = 160 septets, which
        // Tern would send whole; one more septet forces the same split.)
        let split = try splitter.split(String(repeating: "A", count: 153) + String(repeating: "B", count: 8), using: .udh8(reference: 1))
        let part1 = "050003010201" + String(repeating: "41", count: 153)
        let part2 = "050003010202" + String(repeating: "42", count: 8)
        #expect(split.parts.map { TextFixtures.hex($0.shortMessage) } == [part1, part2])
        let whole = try splitter.split(String(repeating: "A", count: 153) + String(repeating: "B", count: 7), using: .udh8(reference: 1))
        #expect(whole.parts.map(\.shortMessage.count) == [160])
    }

    // MARK: SAR and message_payload

    @Test func sarPartsCarryRawText() throws {
        let split = try splitter.split(String(repeating: "a", count: 200), using: .sar(reference: 0xABCD))
        #expect(split.parts.map(\.shortMessage.count) == [153, 47])
        #expect(split.parts.filter { $0.hasUDH || $0.inMessagePayload }.isEmpty)
        #expect(split.parts.map(\.sar) == [
            SARInfo(reference: 0xABCD, total: 2, sequence: 1), SARInfo(reference: 0xABCD, total: 2, sequence: 2),
        ])
        // A text that fits goes alone, without SAR TLVs.
        #expect(try splitter.split("short", using: .sar(reference: 1)).parts == [MessagePart(octets: Array("short".utf8))])
    }

    @Test func messagePayloadIsOnePart() throws {
        let text = String(repeating: "x", count: 600)
        let split = try splitter.split(text, using: .messagePayload)
        #expect(split.parts.count == 1)
        #expect(split.parts[0].inMessagePayload)
        #expect(split.parts[0].shortMessage.isEmpty)
        #expect(split.parts[0].messagePayload == [UInt8](repeating: 0x78, count: 600))  // as submit_sm_message_payload_600_octets
        // Even a short text goes into message_payload when asked (data_sm has nothing else).
        #expect(try splitter.split("hi", using: .messagePayload).parts[0].messagePayload == [0x68, 0x69])
    }

    @Test func messagePayloadLimit() throws {
        #expect(try splitter.split(binary: [UInt8](repeating: 0, count: 0xFFFF), using: .messagePayload).parts.count == 1)
        #expect {
            try splitter.split(binary: [UInt8](repeating: 0, count: 0x10000), using: .messagePayload)
        } throws: { ($0 as? SMPPTextError)?.code == .messageTooLong }
    }

    @Test func atMost255Parts() throws {
        #expect(try splitter.split(String(repeating: "a", count: 153 * 255), using: .udh8(reference: 1)).parts.count == 255)
        #expect {
            try splitter.split(String(repeating: "a", count: 153 * 255 + 1), using: .udh8(reference: 1))
        } throws: { ($0 as? SMPPTextError)?.code == .tooManyParts }
        #expect(throws: SMPPTextError.self) {
            try splitter.split(String(repeating: "a", count: 153 * 255 + 1), using: .sar(reference: 1))
        }
    }

    // MARK: forced codings and packing

    @Test func forcedDataCoding() throws {
        let split = try splitter.split("hello", using: .udh8(reference: 1), dataCoding: .ucs2)
        #expect(split.dataCoding == .ucs2)
        #expect(split.parts[0].shortMessage == UCS2.encode("hello"))
        #expect(throws: SMPPTextError.self) { try splitter.split("Ж", using: .udh8(reference: 1), dataCoding: .latin1) }
        let latin = MessageSplitter(encoder: TextEncoder(prefersLatin1OverUCS2: true))
        #expect(try latin.split("garçon", using: .udh8(reference: 1)).dataCoding == .latin1)
    }

    @Test func nationalCodingsAreNotCutBlindly() throws {
        let encoded = EncodedText(dataCoding: .jis, octets: [UInt8](repeating: 0x30, count: 141))
        #expect {
            try splitter.split(encoded, using: .udh8(reference: 1))
        } throws: { ($0 as? SMPPTextError)?.code == .unsupportedDataCoding }
        // Fitting in one message is fine: nothing is cut.
        #expect(try splitter.split(EncodedText(dataCoding: .jis, octets: [0x30, 0x30]), using: .udh8(reference: 1)).parts.count == 1)
    }

    @Test func packedGSM() throws {
        let packed = MessageSplitter(gsm7Packing: .packed)
        let single = try packed.split(String(repeating: "a", count: 160), using: .udh8(reference: 1))
        #expect(single.parts.map(\.shortMessage.count) == [140])
        let hello = try packed.split("hellohello", using: .udh8(reference: 1))
        #expect(TextFixtures.hex(hello.parts[0].shortMessage) == "e8329bfd4697d9ec37")

        let long = try packed.split(String(repeating: "A", count: 153) + String(repeating: "B", count: 8), using: .udh8(reference: 1))
        #expect(long.parts.map(\.shortMessage.count) == [140, 6 + 8])  // fill bit + 56 bits: 8 octets
        let expected = GSM7.pack([UInt8](repeating: 0x41, count: 153), fillBits: 1)
        #expect(Array(long.parts[0].shortMessage[6...]) == expected)
        // ...whose 7 spare bits carry CR (0x0D << 1) rather than zeros.
        var tail = GSM7.pack([UInt8](repeating: 0x42, count: 8), fillBits: 1)
        tail[7] |= 0x1A
        #expect(Array(long.parts[1].shortMessage[6...]) == tail)
        let one = try packed.split(String(repeating: "A", count: 153) + "B" + String(repeating: "C", count: 153), using: .udh8(reference: 1))
        // A part of one septet after a 6-octet UDH: the fill bit, then 'A' << 1.
        #expect(one.parts.map(\.shortMessage.count) == [140, 140, 6 + 1])
        #expect(Array(one.parts[2].shortMessage[6...]) == [0x43 << 1])

        let sixteen = try packed.split(String(repeating: "A", count: 161), using: .udh16(reference: 1))
        #expect(sixteen.parts.map(\.shortMessage.count) == [140, 7 + 8])
    }

    @Test func packedPadsSevenSpareBitsWithCR() throws {
        let packed = MessageSplitter(gsm7Packing: .packed)
        // 7 septets leave 7 spare bits: they carry CR, not zeros.
        let seven = try packed.split("ABCDEFG", using: .udh8(reference: 1))
        #expect(TextFixtures.hex(seven.parts[0].shortMessage) == "41e19058341e1b")
        #expect(GSM7.decode(GSM7.unpack(seven.parts[0].shortMessage)) == "ABCDEFG")
    }

    @Test func emptyText() throws {
        let split = try splitter.split("", using: .udh8(reference: 1))
        #expect(split.parts == [MessagePart(octets: [])])
        #expect(split.dataCoding == .mcDefault)
    }
}
