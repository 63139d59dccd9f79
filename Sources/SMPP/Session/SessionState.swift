/// Where an SMPP session is in its life (reference §9), as seen by either end.
///
/// Both ends of a connection move through the same states, so the same type describes an ESME
/// bound to Tern and Tern bound to an upstream MC.
public enum SessionState: Hashable, Sendable, CustomStringConvertible {
    /// TCP is up, nothing is bound yet (the session_init timer runs).
    case open
    /// Bound as a transmitter: the ESME may submit, the MC may not deliver.
    case boundTransmitter
    /// Bound as a receiver: the MC may deliver, the ESME may not submit.
    case boundReceiver
    /// Bound as a transceiver: both directions.
    case boundTransceiver
    /// An unbind was sent or received; the connection is about to close.
    case unbound
    /// The connection is gone. Nothing more happens on this session.
    case closed
    /// The MC connected to the ESME and sent outbind; the ESME must now bind.
    case outbound

    /// Whether the ESME may send submit_sm and the other ESME→MC message PDUs (BOUND_TX, BOUND_TRX).
    @inlinable public var canTransmit: Bool {
        self == .boundTransmitter || self == .boundTransceiver
    }

    /// Whether the MC may send deliver_sm, MC→ESME data_sm and alert_notification (BOUND_RX, BOUND_TRX).
    @inlinable public var canReceive: Bool {
        self == .boundReceiver || self == .boundTransceiver
    }

    /// Whether a bind has succeeded and no unbind has happened yet.
    @inlinable public var isBound: Bool {
        switch self {
        case .boundTransmitter, .boundReceiver, .boundTransceiver: true
        case .open, .unbound, .closed, .outbound: false
        }
    }

    /// The kind of bind that produced this state, for the three bound states.
    @inlinable public var bindType: BindType? {
        switch self {
        case .boundTransmitter: .transmitter
        case .boundReceiver: .receiver
        case .boundTransceiver: .transceiver
        case .open, .unbound, .closed, .outbound: nil
        }
    }

    /// The reference's name for the state (`BOUND_TRX`), for logs.
    public var description: String {
        switch self {
        case .open: "OPEN"
        case .boundTransmitter: "BOUND_TX"
        case .boundReceiver: "BOUND_RX"
        case .boundTransceiver: "BOUND_TRX"
        case .unbound: "UNBOUND"
        case .closed: "CLOSED"
        case .outbound: "OUTBOUND"
        }
    }
}
