/// How a text too long for one short message is carried: which the MC or upstream expects is a per-connector
/// choice.
public enum ConcatenationMethod: Hashable, Sendable {
    /// A UDH in each part with IEI 0x00 (`05 00 03 RR TT SS`), 8-bit reference; esm_class gets UDHI.
    case udh8(reference: UInt8)
    /// A UDH in each part with IEI 0x08 (`06 08 04 RR RR TT SS`), 16-bit reference; one unit less per part.
    case udh16(reference: UInt16)
    /// Raw text per part plus the sar_msg_ref_num / sar_total_segments / sar_segment_seqnum TLVs; the MC
    /// builds the UDH, so parts are as large as with `udh8`.
    case sar(reference: UInt16)
    /// Everything in one message_payload TLV (up to 65 535 octets) with an empty short_message; the MC splits.
    case messagePayload
}
