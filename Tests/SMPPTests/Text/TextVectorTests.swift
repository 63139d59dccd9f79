import Testing
@testable import SMPP

/// The concatenated short_message fields of shared/reference/vectors/valid.jsonl, parsed and reassembled.
@Suite("Text layer against the reference vectors")
struct TextVectorTests {
    /// Parses each part's UDH, feeds the reassembler in the given order and decodes the result.
    private func reassemble(_ hexParts: [String], dataCoding: DataCoding, order: [Int]) throws -> (String, [ConcatenationInfo]) {
        var reassembler = ConcatenationReassembler<String, TextTestInstant>(timeout: .seconds(60))
        var infos: [ConcatenationInfo] = []
        var completed: [UInt8]?
        for index in order {
            let (header, userData) = try UserDataHeader.parse(TextFixtures.octets(hexParts[index]))
            guard let info = header.concatenation else {
                Issue.record("part \(index) has no concatenation element")
                continue
            }
            infos.append(info)
            if case .complete(let octets) = reassembler.add(key: "esme", concatenation: info, payload: Array(userData), now: TextTestInstant()) {
                completed = octets
            }
        }
        let text = try TextDecoder().decode(completed ?? [], dataCoding: dataCoding)
        return (text, infos)
    }

    @Test func submitSMUCS2UDH16() throws {
        let parts = [
            "060804beef02010043006f006e0063006100740065006e0061007400650064002000550043005300320020006d006500730073006100670065002c0020007000610072",
            "060804beef0202007000610072007400200042",
        ]
        for order in [[0, 1], [1, 0]] {
            let (text, infos) = try reassemble(parts, dataCoding: .ucs2, order: order)
            // The vector's sender cut after "par" and part 2 starts with "part": the joined text really is "parpart".
            #expect(text == "Concatenated UCS2 message, parpart B")
            #expect(infos.allSatisfy { $0.reference == 0xBEEF && $0.total == 2 && $0.is16BitReference })
        }
    }

    @Test func deliverSMUDH8GSM7() throws {
        let parts = [
            "050003010201" + String(repeating: "41", count: 153),
            "050003010202" + String(repeating: "42", count: 7),
        ]
        let (text, infos) = try reassemble(parts, dataCoding: .mcDefault, order: [1, 0])
        #expect(text == String(repeating: "A", count: 153) + String(repeating: "B", count: 7))
        #expect(infos.map(\.sequence) == [2, 1])
        #expect(infos.allSatisfy { $0.reference == 1 && !$0.is16BitReference })
    }

    @Test func submitSMBinaryUDH8() throws {
        let parts = [
            "0500037a0201202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f4041424344454647",
            "0500037a020220212223242526272829",
        ]
        var reassembler = ConcatenationReassembler<String, TextTestInstant>(timeout: .seconds(60))
        var result: ReassemblyResult = .duplicate
        for hex in parts {
            let (header, userData) = try UserDataHeader.parse(TextFixtures.octets(hex))
            let info = try #require(header.concatenation)
            #expect(info.reference == 0x7A)
            result = reassembler.add(key: "esme", concatenation: info, payload: Array(userData), now: TextTestInstant())
        }
        #expect(result == .complete(Array(0x20...0x47) + Array(0x20...0x29)))
    }

    @Test func singleMessages() throws {
        #expect(GSM7.decode(TextFixtures.octets("53544f50")) == "STOP")  // deliver_sm_mo_gsm7
        // submit_sm_gsm7_160_chars: "0123456789" × 16 fits one message.
        let digits = String(repeating: "0123456789", count: 16)
        let split = try MessageSplitter().split(digits, using: .udh8(reference: 1))
        #expect(TextFixtures.hex(split.parts[0].shortMessage) == String(repeating: "30313233343536373839", count: 16))
        // data_sm_message_payload: GSM 0x11 is '_'.
        #expect(GSM7.decode(TextFixtures.octets("6461746111736d207061796c6f61642074657874")) == "data_sm payload text")
    }
}
