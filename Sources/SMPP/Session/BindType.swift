/// Which of the three binds an ESME asked for; decides what the session may carry.
public enum BindType: Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// bind_transmitter: the ESME submits only.
    case transmitter
    /// bind_receiver: the ESME receives deliver_sm / data_sm / alert_notification only.
    case receiver
    /// bind_transceiver: both.
    case transceiver

    /// The bind type of a bind request or bind response id; nil for any other command.
    @inlinable public init?(commandID: CommandID) {
        switch commandID.requestID {
        case .bindTransmitter: self = .transmitter
        case .bindReceiver: self = .receiver
        case .bindTransceiver: self = .transceiver
        default: return nil
        }
    }

    /// The bind request (`bind_transmitter`, …).
    @inlinable public var commandID: CommandID {
        switch self {
        case .transmitter: .bindTransmitter
        case .receiver: .bindReceiver
        case .transceiver: .bindTransceiver
        }
    }

    /// The matching response (`bind_transmitter_resp`, …).
    @inlinable public var responseCommandID: CommandID { commandID.responseID }

    /// The state a successful bind of this type leads to.
    @inlinable public var boundState: SessionState {
        switch self {
        case .transmitter: .boundTransmitter
        case .receiver: .boundReceiver
        case .transceiver: .boundTransceiver
        }
    }

    public var description: String {
        switch self {
        case .transmitter: "transmitter"
        case .receiver: "receiver"
        case .transceiver: "transceiver"
        }
    }
}
