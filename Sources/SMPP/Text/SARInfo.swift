/// The values of the three SAR TLVs of one part: sar_msg_ref_num, sar_total_segments, sar_segment_seqnum.
public struct SARInfo: Hashable, Sendable {
    /// sar_msg_ref_num: shared by all parts of the message.
    public var reference: UInt16
    /// sar_total_segments.
    public var total: UInt8
    /// sar_segment_seqnum, starting at 1.
    public var sequence: UInt8

    public init(reference: UInt16, total: UInt8, sequence: UInt8) {
        self.reference = reference
        self.total = total
        self.sequence = sequence
    }
}
