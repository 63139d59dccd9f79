import PropertyBased

/// Generators for the text-layer properties.
enum TextGenerators {
    /// Strings over the whole GSM 03.38 alphabet, extension characters included.
    static func gsmText(length: ClosedRange<Int>) -> Generator<String, some SendableSequenceType> {
        Gen<Character?>.element(of: TextFixtures.gsmCharacters).map { $0 ?? "@" }.string(of: length)
    }

    /// GSM strings without CR, for packed round trips that have no septet count.
    static func gsmTextWithoutCR(length: ClosedRange<Int>) -> Generator<String, some SendableSequenceType> {
        Gen<Character?>.element(of: TextFixtures.gsmCharactersWithoutCR).map { $0 ?? "@" }.string(of: length)
    }

    /// Any Unicode scalar, weighted so ASCII, the rest of the BMP and the astral planes all show up often.
    static let scalar = zip(Gen.int(in: 0...3), Gen<UInt32>.value(in: 0...0xFFFFF)).map { band, value -> Unicode.Scalar in
        let raw: UInt32
        switch band {
        case 0: raw = value % 0x80
        case 1: raw = 0x80 + value % (0x800 - 0x80)
        case 2: raw = 0x800 + value % (0xD800 - 0x800)  // below the surrogates
        default: raw = 0x10000 + value % (0x110000 - 0x10000)
        }
        return Unicode.Scalar(raw) ?? "?"
    }

    /// Scalars up to U+00FF, for Latin-1.
    static let latin1Scalar = Gen<UInt32>.value(in: 0...0xFF).map { Unicode.Scalar($0) ?? "?" }

    static func string(_ scalars: [Unicode.Scalar]) -> String {
        String(String.UnicodeScalarView(scalars))
    }
}
