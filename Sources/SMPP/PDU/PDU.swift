import NIOCore

/// One SMPP PDU: the header's status and sequence number, the command's mandatory fields,
/// and its optional parameters. `command_id` follows from the body; `command_length` is
/// computed when encoding.
public struct PDU: Hashable, Sendable {
    public var commandStatus: CommandStatus
    public var sequenceNumber: UInt32
    public var body: Body
    public var tlvs: TLVList

    public init(_ body: Body, sequenceNumber: UInt32, status: CommandStatus = .ok, tlvs: TLVList = TLVList()) {
        self.body = body
        self.sequenceNumber = sequenceNumber
        self.commandStatus = status
        self.tlvs = tlvs
    }

    @inlinable public var commandID: CommandID { body.commandID }

    /// Every command of SMPP 3.4 and 5.0 with its mandatory fields.
    ///
    /// The bodies with more than a message id are `indirect`: a PDU is copied several times on
    /// its way through a channel pipeline (into `NIOAny`, out of it, into a promise's result),
    /// and a copy of a boxed body moves one reference instead of some 200 octets.
    public enum Body: Hashable, Sendable {
        case genericNack
        indirect case bindReceiver(Bind)
        case bindReceiverResp(BindResp)
        indirect case bindTransmitter(Bind)
        case bindTransmitterResp(BindResp)
        indirect case querySM(QuerySM)
        indirect case querySMResp(QuerySMResp?)
        indirect case submitSM(SubmitSM)
        case submitSMResp(SubmitSMResp)
        indirect case deliverSM(DeliverSM)
        case deliverSMResp(DeliverSMResp)
        case unbind
        case unbindResp
        indirect case replaceSM(ReplaceSM)
        case replaceSMResp
        indirect case cancelSM(CancelSM)
        case cancelSMResp
        indirect case bindTransceiver(Bind)
        case bindTransceiverResp(BindResp)
        indirect case outbind(Outbind)
        case enquireLink
        case enquireLinkResp
        indirect case submitMulti(SubmitMulti)
        indirect case submitMultiResp(SubmitMultiResp?)
        indirect case alertNotification(AlertNotification)
        indirect case dataSM(DataSM)
        case dataSMResp(DataSMResp)
        indirect case broadcastSM(BroadcastSM)
        case broadcastSMResp(BroadcastSMResp)
        indirect case queryBroadcastSM(QueryBroadcastSM)
        indirect case queryBroadcastSMResp(QueryBroadcastSMResp)
        indirect case cancelBroadcastSM(CancelBroadcastSM)
        case cancelBroadcastSMResp

        @inlinable public var commandID: CommandID {
            switch self {
            case .genericNack: return .genericNack
            case .bindReceiver: return .bindReceiver
            case .bindReceiverResp: return .bindReceiverResp
            case .bindTransmitter: return .bindTransmitter
            case .bindTransmitterResp: return .bindTransmitterResp
            case .querySM: return .querySM
            case .querySMResp: return .querySMResp
            case .submitSM: return .submitSM
            case .submitSMResp: return .submitSMResp
            case .deliverSM: return .deliverSM
            case .deliverSMResp: return .deliverSMResp
            case .unbind: return .unbind
            case .unbindResp: return .unbindResp
            case .replaceSM: return .replaceSM
            case .replaceSMResp: return .replaceSMResp
            case .cancelSM: return .cancelSM
            case .cancelSMResp: return .cancelSMResp
            case .bindTransceiver: return .bindTransceiver
            case .bindTransceiverResp: return .bindTransceiverResp
            case .outbind: return .outbind
            case .enquireLink: return .enquireLink
            case .enquireLinkResp: return .enquireLinkResp
            case .submitMulti: return .submitMulti
            case .submitMultiResp: return .submitMultiResp
            case .alertNotification: return .alertNotification
            case .dataSM: return .dataSM
            case .dataSMResp: return .dataSMResp
            case .broadcastSM: return .broadcastSM
            case .broadcastSMResp: return .broadcastSMResp
            case .queryBroadcastSM: return .queryBroadcastSM
            case .queryBroadcastSMResp: return .queryBroadcastSMResp
            case .cancelBroadcastSM: return .cancelBroadcastSM
            case .cancelBroadcastSMResp: return .cancelBroadcastSMResp
            }
        }
    }
}

extension PDU {
    /// A header-only response to a request: status and sequence number echo it.
    public static func genericNack(_ status: CommandStatus, sequenceNumber: UInt32) -> PDU {
        PDU(.genericNack, sequenceNumber: sequenceNumber, status: status)
    }

    /// The command's own response carrying an error `status` and, per the reference, no body.
    ///
    /// Returns nil for commands that have no response (outbind, alert_notification, responses).
    public static func errorResponse(to commandID: CommandID, status: CommandStatus, sequenceNumber: UInt32) -> PDU? {
        let body: Body
        switch commandID {
        case .bindReceiver: body = .bindReceiverResp(BindResp(systemID: nil))
        case .bindTransmitter: body = .bindTransmitterResp(BindResp(systemID: nil))
        case .bindTransceiver: body = .bindTransceiverResp(BindResp(systemID: nil))
        case .querySM: body = .querySMResp(nil)
        case .submitSM: body = .submitSMResp(SubmitSMResp(messageID: nil))
        case .deliverSM: body = .deliverSMResp(DeliverSMResp(messageID: nil))
        case .unbind: body = .unbindResp
        case .replaceSM: body = .replaceSMResp
        case .cancelSM: body = .cancelSMResp
        case .enquireLink: body = .enquireLinkResp
        case .submitMulti: body = .submitMultiResp(nil)
        case .dataSM: body = .dataSMResp(DataSMResp(messageID: nil))
        case .broadcastSM: body = .broadcastSMResp(BroadcastSMResp(messageID: nil))
        case .queryBroadcastSM: body = .queryBroadcastSMResp(QueryBroadcastSMResp(messageID: nil))
        case .cancelBroadcastSM: body = .cancelBroadcastSMResp
        default: return nil
        }
        return PDU(body, sequenceNumber: sequenceNumber, status: status)
    }
}
