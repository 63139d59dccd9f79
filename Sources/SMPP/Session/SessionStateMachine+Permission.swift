extension SessionStateMachine {
    /// The verdict of reference §9's table for one PDU, sender and state.
    enum Permission: Hashable, Sendable {
        /// The sender may send it in this state.
        case allowed
        /// The sender's role may send it, but not in this state.
        case wrongState
        /// The sender's role never sends it (or it is not a request, or not a known command).
        case wrongRole
    }

    /// Reference §9's "Session states and allowed PDUs" table, for requests only.
    ///
    /// UNBOUND is not a column of the table; there only enquire_link is allowed (the session is
    /// ending). CLOSED allows nothing. Responses are not judged here: they are always allowed
    /// while their request is outstanding.
    static func permission(for commandID: CommandID, sentBy sender: SessionRole, in state: SessionState) -> Permission {
        switch commandID {
        case .enquireLink:
            return state == .closed ? .wrongState : .allowed

        case .unbind:
            return state.isBound ? .allowed : .wrongState

        case .bindTransmitter, .bindReceiver, .bindTransceiver:
            guard sender == .esme else { return .wrongRole }
            return state == .open || state == .outbound ? .allowed : .wrongState

        case .outbind:
            guard sender == .messageCentre else { return .wrongRole }
            return state == .open ? .allowed : .wrongState

        case .submitSM, .submitMulti, .replaceSM, .cancelSM, .querySM,
             .broadcastSM, .queryBroadcastSM, .cancelBroadcastSM:
            guard sender == .esme else { return .wrongRole }
            return state.canTransmit ? .allowed : .wrongState

        case .deliverSM, .alertNotification:
            guard sender == .messageCentre else { return .wrongRole }
            return state.canReceive ? .allowed : .wrongState

        case .dataSM:
            switch sender {
            case .esme: return state.canTransmit ? .allowed : .wrongState
            case .messageCentre: return state.canReceive ? .allowed : .wrongState
            }

        default:
            // generic_nack, every *_resp, reserved and unknown ids.
            return .wrongRole
        }
    }
}
