/// How GSM 7-bit text travels in short_message: one septet per octet (what SMPP data_coding 0 normally carries)
/// or packed 8 septets to 7 octets (what some MCs want; a per-connector choice).
public enum GSM7Packing: Hashable, Sendable {
    /// One septet per octet: a single message holds 160 octets, a part with an 8-bit-reference UDH 6 + 153.
    case unpacked
    /// Packed as on the air interface: 160 septets in 140 octets, a UDH part 6 + 134 octets.
    case packed
}
