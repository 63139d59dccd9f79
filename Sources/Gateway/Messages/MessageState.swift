/// Where a message is in its life inside Tern (DESIGN.md, "A message's life").
public enum MessageLifecycle: String, Sendable, Hashable, Codable, CaseIterable {
    /// Stored; submit_sm_resp sent with our id.
    case accepted
    /// A connector was chosen.
    case routed
    /// The upstream acknowledged it; the upstream id is recorded.
    case submitted
    /// A temporary failure; it will be retried.
    case retrying
    case delivered
    case undeliverable
    case expired
    /// Refused by Tern or by the upstream for good.
    case rejected
    /// Cancelled by the client (cancel_sm) before it left Tern.
    case cancelled
    /// Receipt said so (SMPP message_state DELETED / UNKNOWN / ACCEPTED are kept as they come).
    case deleted
    case unknown
    case acceptedUpstream

    /// No further change is expected.
    public var isFinal: Bool {
        switch self {
        case .delivered, .undeliverable, .expired, .rejected, .cancelled, .deleted: return true
        case .accepted, .routed, .submitted, .retrying, .unknown, .acceptedUpstream: return false
        }
    }

    /// Still inside Tern: not yet acknowledged by an upstream, so cancel_sm and replace_sm apply.
    public var isInsideTern: Bool {
        self == .accepted || self == .routed || self == .retrying
    }
}
