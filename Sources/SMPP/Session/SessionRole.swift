/// Which end of the SMPP session Tern plays; the same state machine serves both.
public enum SessionRole: Hashable, Sendable, CustomStringConvertible {
    /// Tern is the SMSC (MC): ESMEs bind to it, it accepts submit_sm and sends deliver_sm.
    case messageCentre
    /// Tern is an ESME: it binds to an upstream MC, submits and receives deliver_sm.
    case esme

    /// The role at the other end of the connection.
    @inlinable public var peer: SessionRole {
        switch self {
        case .messageCentre: .esme
        case .esme: .messageCentre
        }
    }

    public var description: String {
        switch self {
        case .messageCentre: "MC"
        case .esme: "ESME"
        }
    }
}
