// The GSM 03.38 / 3GPP TS 23.038 default alphabet and its extension table (reference §8), as flat arrays so
// that encoding and decoding are one indexed load per character — no hashing on the hot path.

extension GSM7 {
    /// The escape septet: the next septet is read from the extension table.
    public static let escape: UInt8 = 0x1B

    /// Septet (0x00–0x7F) → Unicode scalar of the default alphabet. 0x1B (ESC) maps to a space, which is
    /// what TS 23.038 tells a receiver to show for an escape it cannot resolve.
    static let defaultAlphabet: [UInt32] = [
        // 0x00
        0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC,
        0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5,
        // 0x10
        0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8,
        0x03A3, 0x0398, 0x039E, 0x0020, 0x00C6, 0x00E6, 0x00DF, 0x00C9,
        // 0x20
        0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027,
        0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
        // 0x30
        0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
        0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,
        // 0x40
        0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
        0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F,
        // 0x50
        0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
        0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,
        // 0x60
        0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
        0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F,
        // 0x70
        0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
        0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
    ]

    /// The extension table as (code after ESC, scalar) pairs, exactly as in the reference.
    static let extensionPairs: [(code: UInt8, scalar: UInt32)] = [
        (0x0A, 0x000C),  // form feed
        (0x14, 0x005E),  // ^
        (0x28, 0x007B),  // {
        (0x29, 0x007D),  // }
        (0x2F, 0x005C),  // \
        (0x3C, 0x005B),  // [
        (0x3D, 0x007E),  // ~
        (0x3E, 0x005D),  // ]
        (0x40, 0x007C),  // |
        (0x65, 0x20AC),  // €
    ]

    /// Octet after ESC (0x00–0xFF) → scalar, or 0 when the code is not in the extension table.
    static let extensionDecodeTable: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        for pair in extensionPairs { table[Int(pair.code)] = pair.scalar }
        return table
    }()

    /// Marks an `encodeTable` entry that has no GSM representation.
    static let unencodable: UInt8 = 0xFF
    /// Septets that read the same as ASCII octets (letters, digits, space, most punctuation, CR and
    /// LF): a text made only of these is its own UTF-8, which `decode` copies without a lookup.
    static let sameAsASCII: [Bool] = (0..<128).map { septet in
        septet != Int(escape) && defaultAlphabet[septet] == UInt32(septet)
    }

    /// Set in an `encodeTable` entry whose low 7 bits are an extension code (sent after ESC).
    static let extensionFlag: UInt8 = 0x80

    /// Scalar 0x00–0xFF → septet, `extensionFlag | code` for extension characters, or `unencodable`.
    /// (No extension code is 0x7F, so `0xFF` cannot collide with a flagged entry.)
    static let encodeTable: [UInt8] = {
        var table = [UInt8](repeating: unencodable, count: 256)
        for (septet, scalar) in defaultAlphabet.enumerated() where scalar < 0x100 && septet != Int(escape) {
            table[Int(scalar)] = UInt8(septet)
        }
        for pair in extensionPairs where pair.scalar < 0x100 {
            table[Int(pair.scalar)] = extensionFlag | pair.code
        }
        return table
    }()

    /// The encode-table entry for scalars above U+00FF: the Greek capitals of the default alphabet and €.
    @inline(__always)
    static func encodeEntry(forScalarAbove0xFF scalar: UInt32) -> UInt8 {
        switch scalar {
        case 0x0394: 0x10  // Δ
        case 0x03A6: 0x12  // Φ
        case 0x0393: 0x13  // Γ
        case 0x039B: 0x14  // Λ
        case 0x03A9: 0x15  // Ω
        case 0x03A0: 0x16  // Π
        case 0x03A8: 0x17  // Ψ
        case 0x03A3: 0x18  // Σ
        case 0x0398: 0x19  // Θ
        case 0x039E: 0x1A  // Ξ
        case 0x20AC: extensionFlag | 0x65  // €
        default: unencodable
        }
    }
}
