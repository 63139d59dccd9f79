/// How much of an encoded text fits in one short message (reference §8 "Segment sizes"), counted in elements
/// of `EncodedText.octets`: septets for GSM 7-bit (packed or not, the septet count is what is limited),
/// octets otherwise.
struct SegmentLimits: Hashable, Sendable {
    /// A message sent whole, without UDH: 160 septets / 140 octets.
    var single: Int
    /// A part with a 6-octet UDH (8-bit reference); also the SAR part size.
    var with8BitReference: Int
    /// A part with a 7-octet UDH (16-bit reference).
    var with16BitReference: Int

    static let gsm7 = SegmentLimits(single: 160, with8BitReference: 153, with16BitReference: 152)
    /// UCS-2 in octets: 70, 67 and 66 UTF-16 units.
    static let ucs2 = SegmentLimits(single: 140, with8BitReference: 134, with16BitReference: 132)
    static let octets = SegmentLimits(single: 140, with8BitReference: 134, with16BitReference: 133)

    static func limits(for alphabet: DataCoding.Alphabet) -> SegmentLimits {
        switch alphabet {
        case .gsm7: .gsm7
        case .ucs2: .ucs2
        case .ascii, .latin1, .binary, .other: .octets
        }
    }

    /// The most that may go in one part of a message split with `method`.
    func perPart(_ method: ConcatenationMethod) -> Int {
        switch method {
        case .udh8, .sar, .messagePayload: with8BitReference
        case .udh16: with16BitReference
        }
    }
}
