/// What `ConcatenationReassembler.add` made of one part.
public enum ReassemblyResult: Hashable, Sendable {
    /// The part was stored; `received` of `total` parts are in.
    case incomplete(received: Int, total: Int)
    /// The part completed its message: all payloads concatenated in sequence order.
    case complete([UInt8])
    /// A part with this sequence number is already stored; the first copy is kept and this one dropped.
    case duplicate
    /// The part cannot belong to any message (sequence 0 or above total, total 0, or a total that differs from
    /// the parts already received); nothing was stored.
    case invalid(SMPPTextError)
    /// The part would start a new message but `maxMessagesInProgress` are already pending; nothing was
    /// stored. Answer the sender with a throttling status, or call `expire(now:)` to free stale sets.
    case refused(SMPPTextError)
}
