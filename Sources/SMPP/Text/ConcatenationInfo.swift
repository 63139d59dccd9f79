/// Which part of which concatenated message a short message is: the contents of UDH information element
/// 0x00 (8-bit reference) or 0x08 (16-bit reference).
public struct ConcatenationInfo: Hashable, Sendable {
    /// The reference shared by all parts of one message (0–255 when `is16BitReference` is false).
    public var reference: UInt16
    /// How many parts the message has.
    public var total: UInt8
    /// This part's position, starting at 1.
    public var sequence: UInt8
    /// Whether the reference travels in IEI 0x08 (two octets) rather than IEI 0x00 (one octet).
    public var is16BitReference: Bool

    public init(reference: UInt16, total: UInt8, sequence: UInt8, is16BitReference: Bool) {
        self.reference = reference
        self.total = total
        self.sequence = sequence
        self.is16BitReference = is16BitReference
    }
}
