import Gateway
import Testing

@Suite("A rewritten sender as an address")
struct SenderAddressTests {
    @Test("digits, with or without a leading +, are an international number without the +", arguments: [
        ("447700900123", "447700900123"), ("+447700900123", "447700900123"), ("12345678901234567890", "12345678901234567890"),
        ("+12345678901234567890", "12345678901234567890"),
    ])
    func international(_ text: String, _ value: String) throws {
        let address = try #require(TernGateway.senderAddress(text))
        #expect(address == WireAddress(ton: 1, npi: 1, value: value))
    }

    @Test("anything else of at most 20 octets is an alphanumeric sender ID, kept as written", arguments: [
        "TernBank", "+", "44 7700", "+44-7700", "٤٤٧٧", "Bänk",
    ])
    func alphanumeric(_ text: String) throws {
        let address = try #require(TernGateway.senderAddress(text))
        #expect(address == WireAddress(ton: 5, npi: 0, value: text))
    }

    @Test("longer than source_addr holds is refused", arguments: [
        "123456789012345678901", "+123456789012345678901", "TernBankTernBankTernB", "ÄÄÄÄÄÄÄÄÄÄÄ",
    ])
    func tooLong(_ text: String) {
        #expect(TernGateway.senderAddress(text) == nil)
    }
}
