import Testing
@testable import SMPP

/// Decoding reads plain-ASCII texts without the table; every septet must still come out as the
/// default alphabet says, whether the text around it takes that path or not.
@Suite struct GSM7DecodeTests {
    /// 3GPP TS 23.038's default alphabet written out, septet 0x00 first; "␛" stands for ESC
    /// (0x1B), which is not a character.
    static let alphabet = Array(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ␛ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
        + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")

    @Test func everySeptetBetweenLetters() throws {
        try #require(Self.alphabet.count == 128)
        for septet in UInt8(0)..<128 where septet != GSM7.escape {
            let decoded = GSM7.decode([0x61, septet, 0x62])
            #expect(decoded == "a\(Self.alphabet[Int(septet)])b", "septet 0x\(String(septet, radix: 16))")
        }
    }

    @Test func plainAndMixedTexts() {
        let plain = "Your code is 493021. Valid for 10 minutes (do not share it)!"
        #expect(GSM7.decode(Array(plain.utf8)) == plain)
        // The same octets read as ASCII would say "$5 @ shop [1]".
        #expect(GSM7.decode(Array("$5 @ shop [1]".utf8)) == "¤5 ¡ shop Ä1Ñ")
        #expect(GSM7.decode([0x48, 0x69, 0x80]) == "Hi\u{FFFD}")
        #expect(GSM7.decode([UInt8]()) == "")
    }
}
