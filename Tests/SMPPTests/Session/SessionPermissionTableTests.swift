import Testing
@testable import SMPP

/// Every cell of reference §9's "Session states and allowed PDUs", for both roles and both
/// directions, plus the UNBOUND column the table leaves out.
@Suite("Session §9 table")
struct SessionPermissionTableTests {
    /// The states a table row is checked in, in column order.
    static let columns: [SessionState] = [.open, .boundTransmitter, .boundReceiver, .boundTransceiver, .outbound, .unbound]

    /// What the machine should do with a request the peer sent.
    enum Inbound: CustomStringConvertible {
        case forward
        case respond(CommandStatus)
        case nack(CommandStatus)
        case unbindAndClose

        func action(for commandID: CommandID, sequenceNumber: UInt32) -> SessionAction {
            switch self {
            case .forward: .forward
            case .respond(let status): .respond(commandID.responseID, status, sequenceNumber: sequenceNumber)
            case .nack(let status): .sendGenericNack(status, sequenceNumber: sequenceNumber)
            case .unbindAndClose: .sendUnbindResponseAndClose(sequenceNumber: sequenceNumber, failing: [])
            }
        }

        var description: String {
            switch self {
            case .forward: "forward"
            case .respond(let status): "respond \(status)"
            case .nack(let status): "generic_nack \(status)"
            case .unbindAndClose: "unbind_resp + close"
            }
        }
    }

    struct InboundRow: CustomStringConvertible, Sendable {
        var role: SessionRole
        var commands: [CommandID]
        /// One entry per state of `columns`.
        var cells: [Inbound]
        var description: String { "\(role) receives \(commands.map(\.name).joined(separator: ","))" }
    }

    static let submitFamily: [CommandID] = [
        .submitSM, .submitMulti, .replaceSM, .cancelSM, .querySM, .broadcastSM, .queryBroadcastSM, .cancelBroadcastSM,
    ]
    static let binds: [CommandID] = [.bindTransmitter, .bindReceiver, .bindTransceiver]

    static let inboundRows: [InboundRow] = {
        let ok = Inbound.respond(.ok)
        let invalid = Inbound.respond(.invalidBindStatus)
        let already = Inbound.respond(.alreadyBound)
        let wrongRole = Inbound.nack(.invalidBindStatus)
        let close = Inbound.unbindAndClose
        let allWrongRole = [Inbound](repeating: wrongRole, count: 6)
        return [
            //                                   OPEN      TX        RX        TRX       OUTBOUND  UNBOUND
            // Tern as MC: the peer is an ESME.
            InboundRow(role: .messageCentre, commands: binds, cells: [.forward, already, already, already, .forward, invalid]),
            InboundRow(role: .messageCentre, commands: [.outbind], cells: allWrongRole),
            InboundRow(role: .messageCentre, commands: [.unbind], cells: [invalid, close, close, close, invalid, close]),
            InboundRow(role: .messageCentre, commands: [.enquireLink], cells: [ok, ok, ok, ok, ok, ok]),
            InboundRow(role: .messageCentre, commands: submitFamily, cells: [invalid, .forward, invalid, .forward, invalid, invalid]),
            InboundRow(role: .messageCentre, commands: [.dataSM], cells: [invalid, .forward, invalid, .forward, invalid, invalid]),
            InboundRow(role: .messageCentre, commands: [.deliverSM, .alertNotification], cells: allWrongRole),

            // Tern as ESME: the peer is an MC.
            InboundRow(role: .esme, commands: binds, cells: allWrongRole),
            InboundRow(role: .esme, commands: [.outbind], cells: [.forward, wrongRole, wrongRole, wrongRole, wrongRole, wrongRole]),
            InboundRow(role: .esme, commands: [.unbind], cells: [invalid, close, close, close, invalid, close]),
            InboundRow(role: .esme, commands: [.enquireLink], cells: [ok, ok, ok, ok, ok, ok]),
            InboundRow(role: .esme, commands: submitFamily, cells: allWrongRole),
            InboundRow(role: .esme, commands: [.deliverSM, .dataSM], cells: [invalid, invalid, .forward, .forward, invalid, invalid]),
            // alert_notification has no response PDU, so the wrong state is answered with generic_nack.
            InboundRow(role: .esme, commands: [.alertNotification], cells: [wrongRole, wrongRole, .forward, .forward, wrongRole, wrongRole]),
        ]
    }()

    @Test("the peer's requests", arguments: inboundRows)
    func inbound(row: InboundRow) {
        for command in row.commands {
            for (state, expected) in zip(Self.columns, row.cells) {
                var session = TestSession.make(row.role, in: state)
                let action = session.requestReceived(command, sequenceNumber: 77, now: .at(1))
                #expect(
                    action == expected.action(for: command, sequenceNumber: 77),
                    "\(row.role) in \(state) receiving \(command.name): expected \(expected)"
                )
            }
        }
    }

    @Test("nothing is accepted once closed", arguments: [SessionRole.messageCentre, .esme])
    func closedIgnoresEverything(role: SessionRole) {
        var session = TestSession.make(role, in: .closed)
        for command in CommandID.allKnown where !command.isResponse {
            #expect(session.requestReceived(command, sequenceNumber: 5, now: .at(1)) == .wait)
        }
        #expect(session.responseReceived(.submitSMResp, sequenceNumber: 1, status: .ok, now: .at(1)) == .wait)
    }

    @Test("unknown and reserved command ids get generic_nack ESME_RINVCMDID in every state", arguments: [SessionRole.messageCentre, .esme])
    func unknownCommands(role: SessionRole) {
        for state in Self.columns {
            var session = TestSession.make(role, in: state)
            for raw: UInt32 in [0x0000_000A, 0x0000_0099, 0x0001_0200] {
                #expect(
                    session.requestReceived(CommandID(rawValue: raw), sequenceNumber: 3, now: .at(1))
                        == .sendGenericNack(.invalidCommandID, sequenceNumber: 3)
                )
            }
            #expect(
                session.responseReceived(CommandID(rawValue: 0x8000_0099), sequenceNumber: 4, status: .ok, now: .at(1))
                    == .sendGenericNack(.invalidCommandID, sequenceNumber: 4)
            )
        }
    }

    // MARK: - Our own requests

    /// What the machine should say when the application wants to send a request.
    enum Outbound: CustomStringConvertible {
        case send
        case unbind
        case wrongState
        case wrongRole

        var description: String {
            switch self {
            case .send: "send"
            case .unbind: "send unbind"
            case .wrongState: "reject: state"
            case .wrongRole: "reject: role"
            }
        }
    }

    struct OutboundRow: CustomStringConvertible, Sendable {
        var role: SessionRole
        var commands: [CommandID]
        var cells: [Outbound]
        var description: String { "\(role) sends \(commands.map(\.name).joined(separator: ","))" }
    }

    static let outboundRows: [OutboundRow] = {
        // In UNBOUND nothing new may go out; the state check comes before the role check.
        let allWrongRole: [Outbound] = [.wrongRole, .wrongRole, .wrongRole, .wrongRole, .wrongRole, .wrongState]
        return [
            //                                    OPEN         TX           RX           TRX          OUTBOUND     UNBOUND
            OutboundRow(role: .messageCentre, commands: [.deliverSM, .dataSM, .alertNotification],
                        cells: [.wrongState, .wrongState, .send, .send, .wrongState, .wrongState]),
            OutboundRow(role: .messageCentre, commands: [.outbind],
                        cells: [.send, .wrongState, .wrongState, .wrongState, .wrongState, .wrongState]),
            OutboundRow(role: .messageCentre, commands: [.enquireLink],
                        cells: [.send, .send, .send, .send, .send, .wrongState]),
            OutboundRow(role: .messageCentre, commands: [.unbind],
                        cells: [.wrongState, .unbind, .unbind, .unbind, .wrongState, .wrongState]),
            OutboundRow(role: .messageCentre, commands: submitFamily + binds, cells: allWrongRole),

            OutboundRow(role: .esme, commands: binds,
                        cells: [.send, .wrongState, .wrongState, .wrongState, .send, .wrongState]),
            OutboundRow(role: .esme, commands: submitFamily + [.dataSM],
                        cells: [.wrongState, .send, .wrongState, .send, .wrongState, .wrongState]),
            OutboundRow(role: .esme, commands: [.enquireLink],
                        cells: [.send, .send, .send, .send, .send, .wrongState]),
            OutboundRow(role: .esme, commands: [.unbind],
                        cells: [.wrongState, .unbind, .unbind, .unbind, .wrongState, .wrongState]),
            OutboundRow(role: .esme, commands: [.deliverSM, .alertNotification, .outbind], cells: allWrongRole),
            OutboundRow(role: .esme, commands: [.genericNack, .submitSMResp, CommandID(rawValue: 0x0A)], cells: allWrongRole),
        ]
    }()

    @Test("our requests", arguments: outboundRows)
    func outbound(row: OutboundRow) {
        for command in row.commands {
            for (state, expected) in zip(Self.columns, row.cells) {
                var session = TestSession.make(row.role, in: state)
                let next = session.nextSequenceNumber
                let action = session.requestWillBeSent(command, now: .at(1))
                let wanted: SessionAction = switch expected {
                case .send: .sendRequest(command, sequenceNumber: next)
                case .unbind: .sendUnbind(sequenceNumber: next)
                case .wrongState: .rejectRequest(command, .notAllowedInState(state))
                case .wrongRole: .rejectRequest(command, .notAllowedForRole(row.role))
                }
                #expect(action == wanted, "\(row.role) in \(state) sending \(command.name): expected \(expected)")
            }
        }
    }

    @Test("nothing may be sent once closed", arguments: [SessionRole.messageCentre, .esme])
    func closedSendsNothing(role: SessionRole) {
        var session = TestSession.make(role, in: .closed)
        #expect(session.requestWillBeSent(.enquireLink, now: .at(1)) == .rejectRequest(.enquireLink, .notAllowedInState(.closed)))
    }
}
