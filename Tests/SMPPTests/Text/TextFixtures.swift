@testable import SMPP

/// Shared test data for the text layer: hex helpers, the GSM 03.38 alphabet written out independently of the
/// implementation's tables, and a hand-driven instant for the reassembler.
enum TextFixtures {
    /// Octets from a hex string such as `"0500030102"`; test-only, so malformed digits simply become 0.
    static func octets(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).map { index in
            UInt8(nibble(digits[index]) << 4 | nibble(digits[index + 1]))
        }
    }

    /// Lower-case hex of `octets`, for readable failure messages.
    static func hex(_ octets: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        for octet in octets {
            text.append(digits[Int(octet >> 4)])
            text.append(digits[Int(octet & 0x0F)])
        }
        return text
    }

    private static func nibble(_ digit: UInt8) -> UInt8 {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: 0
        }
    }

    /// The default alphabet in septet order as in reference §8, with ESC (0x1B) written as nil.
    static let defaultAlphabet: [Character?] = {
        let rows: [String] = [
            "@£$¥èéùìòÇ\nØø\rÅå",
            "Δ_ΦΓΛΩΠΨΣΘΞ\u{1B}ÆæßÉ",
            " !\"#¤%&'()*+,-./",
            "0123456789:;<=>?",
            "¡ABCDEFGHIJKLMNO",
            "PQRSTUVWXYZÄÖÑÜ§",
            "¿abcdefghijklmno",
            "pqrstuvwxyzäöñüà",
        ]
        // Iterate scalars, not Characters: "\n" and "\r" must stay separate entries.
        return rows.flatMap { row in row.unicodeScalars.map { $0 == "\u{1B}" ? nil : Character($0) } }
    }()

    /// The extension table: character and the code sent after ESC.
    static let extensionTable: [(character: Character, code: UInt8)] = [
        ("\u{0C}", 0x0A), ("^", 0x14), ("{", 0x28), ("}", 0x29), ("\\", 0x2F),
        ("[", 0x3C), ("~", 0x3D), ("]", 0x3E), ("|", 0x40), ("€", 0x65),
    ]

    /// Every character GSM 7-bit can carry: 127 basic plus 10 extension characters.
    static let gsmCharacters: [Character] = defaultAlphabet.compactMap { $0 } + extensionTable.map(\.character)

    /// GSM characters without CR, for packed-form round trips without a septet count (a trailing CR on an
    /// octet boundary is read as TS 23.038 padding).
    static let gsmCharactersWithoutCR: [Character] = gsmCharacters.filter { $0 != "\r" }
}
