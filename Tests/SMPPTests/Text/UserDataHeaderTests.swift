import Testing
@testable import SMPP

@Suite("User data header")
struct UserDataHeaderTests {
    @Test func concatenationWith8BitReference() throws {
        let (header, userData) = try UserDataHeader.parse(TextFixtures.octets("0500037a0302") + [0x41, 0x42])
        #expect(header.concatenation == ConcatenationInfo(reference: 0x7A, total: 3, sequence: 2, is16BitReference: false))
        #expect(Array(userData) == [0x41, 0x42])
        #expect(header.encodedLength == 6)
        #expect(try header.encoded() == TextFixtures.octets("0500037a0302"))
    }

    @Test func concatenationWith16BitReference() throws {
        let (header, userData) = try UserDataHeader.parse(TextFixtures.octets("060804beef0201"))
        #expect(header.concatenation == ConcatenationInfo(reference: 0xBEEF, total: 2, sequence: 1, is16BitReference: true))
        #expect(userData.isEmpty)
        #expect(try header.encoded() == TextFixtures.octets("060804beef0201"))
    }

    @Test func buildingFromConcatenationInfo() throws {
        let eight = UserDataHeader(concatenation: ConcatenationInfo(reference: 0x12, total: 4, sequence: 1, is16BitReference: false))
        #expect(TextFixtures.hex(try eight.encoded()) == "050003120401")
        let sixteen = UserDataHeader(concatenation: ConcatenationInfo(reference: 0x1234, total: 4, sequence: 4, is16BitReference: true))
        #expect(TextFixtures.hex(try sixteen.encoded()) == "06080412340404")
    }

    @Test func otherElementsArePreserved() throws {
        // Application ports (0x05: dest 0x0B84, orig 0x23F0, WAP push) before the concatenation element.
        let wire = TextFixtures.octets("0b05040b8423f0000301020100")
        let (header, userData) = try UserDataHeader.parse(wire + [0xFF])
        #expect(header.elements.map(\.identifier) == [0x05, 0x00])
        #expect(header.elements[0].data == [0x0B, 0x84, 0x23, 0xF0])
        #expect(header.elements[0].concatenationInfo == nil)
        #expect(header.concatenation == ConcatenationInfo(reference: 1, total: 2, sequence: 1, is16BitReference: false))
        #expect(Array(userData) == [0x00, 0xFF])
        #expect(try header.encoded() == Array(wire.prefix(12)))
    }

    @Test func lastConcatenationElementWins() throws {
        let (header, _) = try UserDataHeader.parse(TextFixtures.octets("0b000301020108040102020201"))
        #expect(header.concatenation == ConcatenationInfo(reference: 0x0102, total: 2, sequence: 2, is16BitReference: true))
    }

    @Test func emptyHeader() throws {
        let (header, userData) = try UserDataHeader.parse([0x00, 0x41])
        #expect(header.elements.isEmpty)
        #expect(header.concatenation == nil)
        #expect(Array(userData) == [0x41])
        #expect(try header.encoded() == [0x00])
    }

    @Test(arguments: [
        ("", "empty"),
        ("05000301", "only 3 octets follow"),
        ("ff", "only 0 octets follow"),
        ("0300050102", "claims 5 octets"),
        ("0100", "has no length octet"),
        ("0400030102", "claims 3 octets but only 2 remain"),
        ("0400020102", "must hold 3 octets, not 2"),
        ("050803010203", "must hold 4 octets, not 3"),
    ])
    func malformedHeadersAreTypedErrors(hex: String, expectedReason: String) {
        #expect {
            try UserDataHeader.parse(TextFixtures.octets(hex))
        } throws: { error in
            guard let error = error as? SMPPTextError else { return false }
            return error.code == .malformedUserDataHeader && error.reason.contains(expectedReason)
        }
    }

    @Test func everyShortInputParsesOrFailsCleanly() {
        // Exhaustive over all 1- and 2-octet inputs, and 3-octet ones with a small UDHL.
        for first in UInt8.min...UInt8.max {
            _ = try? UserDataHeader.parse([first])
            for second in UInt8.min...UInt8.max {
                _ = try? UserDataHeader.parse([first, second])
                if first < 4 {
                    for third in UInt8.min...UInt8.max { _ = try? UserDataHeader.parse([first, second, third]) }
                }
            }
        }
    }

    @Test func tooLargeToBuild() {
        let big = UserDataHeader(elements: [.init(identifier: 0x70, data: [UInt8](repeating: 0, count: 254))])
        #expect(throws: SMPPTextError.self) { try big.encoded() }
        let wide = UserDataHeader(elements: [.init(identifier: 0x70, data: [UInt8](repeating: 0, count: 256))])
        #expect(throws: SMPPTextError.self) { try wide.encoded() }
        let fits = UserDataHeader(elements: [.init(identifier: 0x70, data: [UInt8](repeating: 0, count: 253))])
        #expect((try? fits.encoded())?.count == 256)
    }
}
