import NIOCore

extension PDU {
    /// Decodes one whole PDU; `frame` holds exactly its `command_length` octets
    /// (`PDUFraming` cuts them from the stream).
    public static func decode(_ frame: ByteBuffer) throws(SMPPDecodingError) -> PDU {
        var buffer = frame
        let header = try PDUHeader.read(from: &buffer)
        guard Int(header.commandLength) == frame.readableBytes else {
            throw SMPPDecodingError(status: .invalidCommandLength, reaction: .genericNackAndClose, header: header, field: "command_length", offset: 0,
                                    reason: "command_length \(header.commandLength) does not match the \(frame.readableBytes) octets framed")
        }
        var reader = PDUReader(body: buffer, header: header)
        let body: Body
        switch header.commandID {
        case .genericNack: body = .genericNack
        case .unbind: body = .unbind
        case .unbindResp: body = .unbindResp
        case .enquireLink: body = .enquireLink
        case .enquireLinkResp: body = .enquireLinkResp
        case .replaceSMResp: body = .replaceSMResp
        case .cancelSMResp: body = .cancelSMResp
        case .cancelBroadcastSMResp: body = .cancelBroadcastSMResp
        case .bindReceiver: body = .bindReceiver(try Bind(from: &reader))
        case .bindTransmitter: body = .bindTransmitter(try Bind(from: &reader))
        case .bindTransceiver: body = .bindTransceiver(try Bind(from: &reader))
        case .bindReceiverResp: body = .bindReceiverResp(try BindResp(from: &reader))
        case .bindTransmitterResp: body = .bindTransmitterResp(try BindResp(from: &reader))
        case .bindTransceiverResp: body = .bindTransceiverResp(try BindResp(from: &reader))
        case .outbind: body = .outbind(try Outbind(from: &reader))
        case .submitSM: body = .submitSM(try SubmitSM(from: &reader))
        case .submitSMResp: body = .submitSMResp(try SubmitSMResp(from: &reader))
        case .deliverSM: body = .deliverSM(try DeliverSM(from: &reader))
        case .deliverSMResp: body = .deliverSMResp(try DeliverSMResp(from: &reader))
        case .dataSM: body = .dataSM(try DataSM(from: &reader))
        case .dataSMResp: body = .dataSMResp(try DataSMResp(from: &reader))
        case .querySM: body = .querySM(try QuerySM(from: &reader))
        case .querySMResp: body = .querySMResp(reader.isAtEnd ? nil : try QuerySMResp(from: &reader))
        case .cancelSM: body = .cancelSM(try CancelSM(from: &reader))
        case .replaceSM: body = .replaceSM(try ReplaceSM(from: &reader))
        case .submitMulti: body = .submitMulti(try SubmitMulti(from: &reader))
        case .submitMultiResp: body = .submitMultiResp(reader.isAtEnd ? nil : try SubmitMultiResp(from: &reader))
        case .alertNotification: body = .alertNotification(try AlertNotification(from: &reader))
        case .broadcastSM: body = .broadcastSM(try BroadcastSM(from: &reader))
        case .broadcastSMResp: body = .broadcastSMResp(try BroadcastSMResp(from: &reader))
        case .queryBroadcastSM: body = .queryBroadcastSM(try QueryBroadcastSM(from: &reader))
        case .queryBroadcastSMResp: body = .queryBroadcastSMResp(try QueryBroadcastSMResp(from: &reader))
        case .cancelBroadcastSM: body = .cancelBroadcastSM(try CancelBroadcastSM(from: &reader))
        default:
            throw SMPPDecodingError(status: .invalidCommandID, reaction: .genericNack, header: header, field: "command_id", offset: 4,
                                    reason: "\(hex32(header.commandID.rawValue)) is not a command of SMPP 3.4 or 5.0")
        }
        let tlvs: TLVList
        if body.hasMandatoryFields {
            tlvs = try reader.readTLVs()
        } else {
            // A header-only command followed by octets that are not TLVs means command_length is wrong.
            do {
                tlvs = try reader.readTLVs()
            } catch {
                throw SMPPDecodingError(status: .invalidCommandLength, reaction: header.commandID.isResponse ? .ignore : .genericNack,
                                        header: header, field: "command_length", offset: PDUHeader.size,
                                        reason: "\(header.commandID.name) has no body, but \(Int(header.commandLength) - PDUHeader.size) octet(s) follow the header and are not valid TLVs")
            }
        }
        if case .broadcastSM = body, let missing = BroadcastSM.requiredTLVs.first(where: { !tlvs.contains($0) }) {
            throw reader.invalid("tlv \(missing.name)", .missingTLV, "broadcast_sm requires the \(missing.name) TLV", at: PDUHeader.size)
        }
        return PDU(body, sequenceNumber: header.sequenceNumber, status: header.commandStatus, tlvs: tlvs)
    }

    /// Appends the PDU's wire form to `buffer`, with `command_length` computed.
    public func encode(into buffer: inout ByteBuffer) throws(SMPPEncodingError) {
        let start = buffer.writerIndex
        let id = commandID
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(id.rawValue)
        buffer.writeInteger(commandStatus.rawValue)
        buffer.writeInteger(sequenceNumber)
        do {
            try body.encodeFields(into: &buffer, as: id)
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
        tlvs.write(to: &buffer)
        let length = buffer.writerIndex - start
        guard length <= Int(UInt32.max) else {
            buffer.moveWriterIndex(to: start)
            throw SMPPEncodingError(pdu: id.name, field: "command_length", reason: "\(length) octets does not fit in 32 bits")
        }
        buffer.setInteger(UInt32(length), at: start)
    }

    /// The PDU's wire form in a new buffer.
    public func encoded() throws(SMPPEncodingError) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(64 + tlvs.encodedLength)
        try encode(into: &buffer)
        return buffer
    }
}

extension PDU.Body {
    /// Whether the command has mandatory fields after the header (for framing errors).
    var hasMandatoryFields: Bool {
        switch self {
        case .genericNack, .unbind, .unbindResp, .enquireLink, .enquireLinkResp, .replaceSMResp, .cancelSMResp, .cancelBroadcastSMResp:
            return false
        default:
            return true
        }
    }

    func encodeFields(into buffer: inout ByteBuffer, as id: CommandID) throws(SMPPEncodingError) {
        switch self {
        case .genericNack, .unbind, .unbindResp, .enquireLink, .enquireLinkResp, .replaceSMResp, .cancelSMResp, .cancelBroadcastSMResp:
            return
        case .bindReceiver(let bind), .bindTransmitter(let bind), .bindTransceiver(let bind):
            try bind.encode(into: &buffer, as: id)
        case .bindReceiverResp(let resp), .bindTransmitterResp(let resp), .bindTransceiverResp(let resp):
            try resp.encode(into: &buffer, as: id)
        case .outbind(let outbind): try outbind.encode(into: &buffer, as: id)
        case .submitSM(let message), .deliverSM(let message): try message.encode(into: &buffer, as: id)
        case .submitSMResp(let resp), .deliverSMResp(let resp), .dataSMResp(let resp), .broadcastSMResp(let resp), .queryBroadcastSMResp(let resp):
            try resp.encode(into: &buffer, as: id)
        case .dataSM(let message): try message.encode(into: &buffer, as: id)
        case .querySM(let query): try query.encode(into: &buffer, as: id)
        case .querySMResp(let resp): try resp?.encode(into: &buffer, as: id)
        case .cancelSM(let cancel): try cancel.encode(into: &buffer, as: id)
        case .replaceSM(let replace): try replace.encode(into: &buffer, as: id)
        case .submitMulti(let multi): try multi.encode(into: &buffer, as: id)
        case .submitMultiResp(let resp): try resp?.encode(into: &buffer, as: id)
        case .alertNotification(let alert): try alert.encode(into: &buffer, as: id)
        case .broadcastSM(let broadcast): try broadcast.encode(into: &buffer, as: id)
        case .queryBroadcastSM(let query): try query.encode(into: &buffer, as: id)
        case .cancelBroadcastSM(let cancel): try cancel.encode(into: &buffer, as: id)
        }
    }
}

extension PDUHeader {
    /// Reads the 16 header octets.
    static func read(from buffer: inout ByteBuffer) throws(SMPPDecodingError) -> PDUHeader {
        guard let (length, id, status, sequence) = buffer.readMultipleIntegers(as: (UInt32, UInt32, UInt32, UInt32).self) else {
            throw SMPPDecodingError(status: .invalidCommandLength, reaction: .genericNackAndClose, header: nil, field: "command_length", offset: 0,
                                    reason: "\(buffer.readableBytes) octet(s) are too few for the 16-octet header")
        }
        return PDUHeader(commandLength: length, commandID: CommandID(rawValue: id), commandStatus: CommandStatus(rawValue: status), sequenceNumber: sequence)
    }
}
