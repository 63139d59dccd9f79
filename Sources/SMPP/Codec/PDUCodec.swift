import NIOCore

extension PDU {
    /// Decodes one whole PDU; `frame` holds exactly its `command_length` octets
    /// (`PDUFraming` cuts them from the stream).
    public static func decode(_ frame: ByteBuffer) throws(SMPPDecodingError) -> PDU {
        // One borrow of the frame's memory for the whole PDU: the reader then works on raw octets.
        try frame.withUnsafeReadableBytes { (octets) throws(SMPPDecodingError) -> PDU in
            try decode(octets, of: frame)
        }
    }

    /// Decodes the PDU whose octets are `octets`, the readable bytes of `frame`.
    @inline(__always)
    private static func decode(_ octets: UnsafeRawBufferPointer, of frame: ByteBuffer) throws(SMPPDecodingError) -> PDU {
        guard octets.count >= PDUHeader.size, let base = octets.baseAddress else {
            throw SMPPDecodingError(status: .invalidCommandLength, reaction: .genericNackAndClose, header: nil, field: "command_length", offset: 0,
                                    reason: "\(octets.count) octet(s) are too few for the 16-octet header")
        }
        @inline(__always) func word(_ offset: Int) -> UInt32 {
            UInt32(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        }
        let header = PDUHeader(commandLength: word(0), commandID: CommandID(rawValue: word(4)), commandStatus: CommandStatus(rawValue: word(8)), sequenceNumber: word(12))
        guard Int(header.commandLength) == octets.count else {
            throw SMPPDecodingError(status: .invalidCommandLength, reaction: .genericNackAndClose, header: header, field: "command_length", offset: 0,
                                    reason: "command_length \(header.commandLength) does not match the \(octets.count) octets framed")
        }
        var reader = PDUReader(base: base, count: octets.count, frame: frame, header: header)
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
        if header.commandID.hasMandatoryFields {
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
        if header.commandID == .broadcastSM, let missing = BroadcastSM.requiredTLVs.first(where: { !tlvs.contains($0) }) {
            throw reader.invalid("tlv \(missing.name)", .missingTLV, "broadcast_sm requires the \(missing.name) TLV", at: PDUHeader.size)
        }
        return PDU(consume body, sequenceNumber: header.sequenceNumber, status: header.commandStatus, tlvs: tlvs)
    }

    /// Appends the PDU's wire form to `buffer`, with `command_length` computed. On an error
    /// nothing is appended.
    public func encode(into buffer: inout ByteBuffer) throws(SMPPEncodingError) {
        // One switch hands the fields to a specialised writer: each further `switch body` would
        // copy the large enum to read its tag, and a case naming two commands copies the payload.
        switch body {
        case .genericNack: try encode(HeaderOnly(), as: .genericNack, into: &buffer)
        case .unbind: try encode(HeaderOnly(), as: .unbind, into: &buffer)
        case .unbindResp: try encode(HeaderOnly(), as: .unbindResp, into: &buffer)
        case .enquireLink: try encode(HeaderOnly(), as: .enquireLink, into: &buffer)
        case .enquireLinkResp: try encode(HeaderOnly(), as: .enquireLinkResp, into: &buffer)
        case .replaceSMResp: try encode(HeaderOnly(), as: .replaceSMResp, into: &buffer)
        case .cancelSMResp: try encode(HeaderOnly(), as: .cancelSMResp, into: &buffer)
        case .cancelBroadcastSMResp: try encode(HeaderOnly(), as: .cancelBroadcastSMResp, into: &buffer)
        case .bindReceiver(let bind): try encode(bind, as: .bindReceiver, into: &buffer)
        case .bindTransmitter(let bind): try encode(bind, as: .bindTransmitter, into: &buffer)
        case .bindTransceiver(let bind): try encode(bind, as: .bindTransceiver, into: &buffer)
        case .bindReceiverResp(let resp): try encode(resp, as: .bindReceiverResp, into: &buffer)
        case .bindTransmitterResp(let resp): try encode(resp, as: .bindTransmitterResp, into: &buffer)
        case .bindTransceiverResp(let resp): try encode(resp, as: .bindTransceiverResp, into: &buffer)
        case .outbind(let outbind): try encode(outbind, as: .outbind, into: &buffer)
        case .submitSM(let message): try encode(message, as: .submitSM, into: &buffer)
        case .submitSMResp(let resp): try encode(resp, as: .submitSMResp, into: &buffer)
        case .deliverSM(let message): try encode(message, as: .deliverSM, into: &buffer)
        case .deliverSMResp(let resp): try encode(resp, as: .deliverSMResp, into: &buffer)
        case .dataSM(let message): try encode(message, as: .dataSM, into: &buffer)
        case .dataSMResp(let resp): try encode(resp, as: .dataSMResp, into: &buffer)
        case .querySM(let query): try encode(query, as: .querySM, into: &buffer)
        case .querySMResp(let resp): try encode(resp, as: .querySMResp, into: &buffer)
        case .cancelSM(let cancel): try encode(cancel, as: .cancelSM, into: &buffer)
        case .replaceSM(let replace): try encode(replace, as: .replaceSM, into: &buffer)
        case .submitMulti(let multi): try encode(multi, as: .submitMulti, into: &buffer)
        case .submitMultiResp(let resp): try encode(resp, as: .submitMultiResp, into: &buffer)
        case .alertNotification(let alert): try encode(alert, as: .alertNotification, into: &buffer)
        case .broadcastSM(let broadcast): try encode(broadcast, as: .broadcastSM, into: &buffer)
        case .broadcastSMResp(let resp): try encode(resp, as: .broadcastSMResp, into: &buffer)
        case .queryBroadcastSM(let query): try encode(query, as: .queryBroadcastSM, into: &buffer)
        case .queryBroadcastSMResp(let resp): try encode(resp, as: .queryBroadcastSMResp, into: &buffer)
        case .cancelBroadcastSM(let cancel): try encode(cancel, as: .cancelBroadcastSM, into: &buffer)
        }
    }

    /// Writes header, `fields` and TLVs in one reservation and one borrow of the buffer's memory;
    /// a throw leaves the writer index where it was.
    @inline(__always)
    private func encode<Fields: PDUFields>(_ fields: Fields, as id: CommandID, into buffer: inout ByteBuffer) throws(SMPPEncodingError) {
        let bound = PDUHeader.size + fields.encodedLengthBound + tlvs.encodedLength
        try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { (memory) throws(SMPPEncodingError) -> Int in
            guard let base = memory.baseAddress else {
                preconditionFailure("ByteBuffer lent no memory after reserving \(bound) octets")
            }
            var writer = PDUWriter(base: base, capacity: min(bound, memory.count), commandID: id)
            writer.writeInteger(UInt32(0))  // command_length, set below
            writer.writeInteger(id.rawValue)
            writer.writeInteger(commandStatus.rawValue)
            writer.writeInteger(sequenceNumber)
            try fields.encode(into: &writer)
            tlvs.write(to: &writer)
            let length = writer.count
            guard length <= Int(UInt32.max) else {
                throw SMPPEncodingError(pdu: id.name, field: "command_length", reason: "\(length) octets does not fit in 32 bits")
            }
            writer.setInteger(UInt32(length), at: 0)
            return length
        }
    }

    /// The PDU's wire form in a new buffer.
    public func encoded() throws(SMPPEncodingError) -> ByteBuffer {
        var buffer = ByteBuffer()
        try encode(into: &buffer)  // reserves the PDU's size bound itself
        return buffer
    }
}

extension CommandID {
    /// Whether the command has mandatory fields after the header (for framing errors).
    var hasMandatoryFields: Bool {
        switch self {
        case .genericNack, .unbind, .unbindResp, .enquireLink, .enquireLinkResp, .replaceSMResp, .cancelSMResp, .cancelBroadcastSMResp:
            return false
        default:
            return true
        }
    }
}

/// The mandatory fields of one command, as `PDU.encode(into:)` writes them.
protocol PDUFields {
    /// Octets the fields take at most on the wire: `PDU.encode(into:)` reserves this once and
    /// `PDUWriter` stops at it. Values over a field's limit are refused before they are written,
    /// so the limits bound the size.
    var encodedLengthBound: Int { get }
    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError)
}

/// The body of a command that is only a header (enquire_link, unbind, generic_nack, …).
struct HeaderOnly: PDUFields {
    var encodedLengthBound: Int { 0 }
    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError) {}
}

/// A response body that may be absent (query_sm_resp, submit_multi_resp with an error status).
extension Optional: PDUFields where Wrapped: PDUFields {
    var encodedLengthBound: Int { self?.encodedLengthBound ?? 0 }
    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError) {
        try self?.encode(into: &writer)
    }
}

extension Bind: PDUFields {}
extension BindResp: PDUFields {}
extension Outbind: PDUFields {}
extension SubmitSM: PDUFields {}
extension SubmitSMResp: PDUFields {}
extension DataSM: PDUFields {}
extension QuerySM: PDUFields {}
extension QuerySMResp: PDUFields {}
extension CancelSM: PDUFields {}
extension ReplaceSM: PDUFields {}
extension SubmitMulti: PDUFields {}
extension SubmitMultiResp: PDUFields {}
extension AlertNotification: PDUFields {}
extension BroadcastSM: PDUFields {}
extension QueryBroadcastSM: PDUFields {}
extension CancelBroadcastSM: PDUFields {}

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
