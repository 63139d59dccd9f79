import NIOCore

/// Reads the mandatory fields of one framed PDU body and turns every fault into an
/// `SMPPDecodingError` that names the PDU, the field, the offset and the limit.
struct PDUReader {
    var buffer: ByteBuffer
    let header: PDUHeader
    /// Reader index of the PDU's first octet, so offsets are reported from the PDU start.
    let origin: Int

    init(body: ByteBuffer, header: PDUHeader) {
        self.buffer = body
        self.header = header
        self.origin = body.readerIndex - PDUHeader.size
    }

    var offset: Int { buffer.readerIndex - origin }
    var isAtEnd: Bool { buffer.readableBytes == 0 }

    /// The body ends before a field: `command_length` is too short for the command.
    func truncated(_ field: String, needing: Int) -> SMPPDecodingError {
        SMPPDecodingError(
            status: .invalidCommandLength, reaction: header.commandID.isResponse ? .ignore : .genericNack,
            header: header, field: field, offset: offset,
            reason: "the body ends \(needing - buffer.readableBytes) octet(s) short of this field (command_length \(header.commandLength))"
        )
    }

    /// A field's value breaks a rule: the command's own response carries `status`.
    func invalid(_ field: String, _ status: CommandStatus, _ reason: String, at fieldOffset: Int? = nil) -> SMPPDecodingError {
        SMPPDecodingError(
            status: status, reaction: header.commandID.isResponse ? .ignore : .response,
            header: header, field: field, offset: fieldOffset ?? offset, reason: reason
        )
    }

    @inline(__always)
    mutating func readUInt8(_ field: String) throws(SMPPDecodingError) -> UInt8 {
        guard let value = buffer.readInteger(as: UInt8.self) else { throw truncated(field, needing: 1) }
        return value
    }

    @inline(__always)
    mutating func readUInt32(_ field: String) throws(SMPPDecodingError) -> UInt32 {
        guard let value = buffer.readInteger(as: UInt32.self) else { throw truncated(field, needing: 4) }
        return value
    }

    /// Reads a C-Octet String of at most `field.maxLength` octets, NUL included.
    @inline(__always)
    mutating func readCString(_ field: CStringField) throws(SMPPDecodingError) -> String {
        let start = buffer.readerIndex
        let window = min(field.maxLength, buffer.readableBytes)
        let nul: Int? = buffer.withUnsafeReadableBytes { bytes in
            for index in 0..<window where bytes[index] == 0 { return index }
            return nil
        }
        guard let length = nul else {
            if window < field.maxLength {
                throw truncated(field.name, needing: field.maxLength)
            }
            throw invalid(field.name, field.status, "longer than \(field.maxLength - 1) characters (max \(field.maxLength) octets with the NUL)")
        }
        guard let text = buffer.readSMPPText(length: length) else {
            throw invalid(field.name, field.status, "not valid ASCII/UTF-8 text", at: start - origin)
        }
        buffer.moveReaderIndex(forwardBy: 1)
        return text
    }

    /// Reads a time field: empty, or 16 characters `YYMMDDhhmmsstnnp` (reference §6).
    mutating func readTime(_ field: CStringField) throws(SMPPDecodingError) -> String {
        let start = offset
        let text = try readCString(field)
        if let problem = SMPPTime.problem(in: text) {
            throw invalid(field.name, field.status, problem, at: start)
        }
        return text
    }

    mutating func readAddress(ton tonName: String, npi npiName: String, _ field: CStringField, tonStatus: CommandStatus, npiStatus: CommandStatus) throws(SMPPDecodingError) -> Address {
        let tonOffset = offset
        let ton = try readUInt8(tonName)
        guard TypeOfNumber(rawValue: ton).isDefined else {
            throw invalid(tonName, tonStatus, "TON \(ton) is not defined (0–6)", at: tonOffset)
        }
        let npi = try readUInt8(npiName)
        guard NumberingPlanIndicator(rawValue: npi).isDefined else {
            throw invalid(npiName, npiStatus, "NPI \(npi) is not defined (0, 1, 3, 4, 6, 8, 9, 10, 14, 18)", at: tonOffset + 1)
        }
        let value = try readCString(field)
        return Address(ton: TypeOfNumber(rawValue: ton), npi: NumberingPlanIndicator(rawValue: npi), value: value)
    }

    mutating func readSourceAddress(_ field: CStringField = .sourceAddr) throws(SMPPDecodingError) -> Address {
        try readAddress(ton: "source_addr_ton", npi: "source_addr_npi", field, tonStatus: .invalidSourceTON, npiStatus: .invalidSourceNPI)
    }

    mutating func readDestinationAddress(_ field: CStringField = .destinationAddr) throws(SMPPDecodingError) -> Address {
        try readAddress(ton: "dest_addr_ton", npi: "dest_addr_npi", field, tonStatus: .invalidDestinationTON, npiStatus: .invalidDestinationNPI)
    }

    mutating func readPriorityFlag() throws(SMPPDecodingError) -> UInt8 {
        let at = offset
        let value = try readUInt8("priority_flag")
        guard value <= 4 else { throw invalid("priority_flag", .invalidPriorityFlag, "priority_flag \(value) is above 4", at: at) }
        return value
    }

    mutating func readReplaceIfPresentFlag() throws(SMPPDecodingError) -> UInt8 {
        let at = offset
        let value = try readUInt8("replace_if_present_flag")
        guard value <= 1 else { throw invalid("replace_if_present_flag", .invalidReplaceFlag, "replace_if_present_flag must be 0 or 1, got \(value)", at: at) }
        return value
    }

    /// Reads sm_length and short_message (0–254 octets).
    mutating func readShortMessage() throws(SMPPDecodingError) -> ByteBuffer {
        let at = offset
        let length = Int(try readUInt8("sm_length"))
        guard length <= 254 else { throw invalid("sm_length", .invalidMessageLength, "sm_length \(length) is above 254", at: at) }
        guard let slice = buffer.readSlice(length: length) else { throw truncated("short_message", needing: length) }
        return slice
    }

    /// Reads the optional parameters that fill the rest of the body.
    mutating func readTLVs() throws(SMPPDecodingError) -> TLVList {
        let start = offset
        let rest = buffer.readSlice(length: buffer.readableBytes) ?? ByteBuffer()
        return try TLVList(validating: rest, header: header, offset: start)
    }

    /// An optional trailing C-string (response bodies may be empty when the status is not ROK).
    mutating func readOptionalCString(_ field: CStringField) throws(SMPPDecodingError) -> String? {
        if isAtEnd { return nil }
        return try readCString(field)
    }
}

extension ByteBuffer {
    /// Reads `length` octets as text; ASCII takes a fast path, other bytes must be valid UTF-8.
    @inline(__always)
    mutating func readSMPPText(length: Int) -> String? {
        let isASCII = withUnsafeReadableBytes { bytes in
            var combined: UInt8 = 0
            for index in 0..<length { combined |= bytes[index] }
            return combined < 0x80
        }
        if isASCII { return readString(length: length) }
        guard let slice = readSlice(length: length) else { return nil }
        return String(validating: slice.readableBytesView, as: UTF8.self)
    }

    /// Writes a C-Octet String, refusing values over the field's limit.
    @inline(__always)
    mutating func writeCString(_ value: String, _ field: CStringField, pdu: CommandID) throws(SMPPEncodingError) {
        let count = value.utf8.count
        guard count < field.maxLength else {
            throw SMPPEncodingError(pdu: pdu.name, field: field.name, reason: "\(count) octets is over the limit of \(field.maxLength - 1) characters (\(field.maxLength) octets with the NUL)")
        }
        var value = value
        let hasNUL = value.withUTF8 { bytes -> Bool in
            if bytes.contains(0) { return true }
            self.writeBytes(bytes)
            return false
        }
        if hasNUL {
            throw SMPPEncodingError(pdu: pdu.name, field: field.name, reason: "contains a NUL octet, which would end the C-Octet String early")
        }
        writeInteger(UInt8(0))
    }

    /// Writes a time field after checking its form.
    mutating func writeTime(_ value: String, _ field: CStringField, pdu: CommandID) throws(SMPPEncodingError) {
        if let problem = SMPPTime.problem(in: value) {
            throw SMPPEncodingError(pdu: pdu.name, field: field.name, reason: problem)
        }
        try writeCString(value, field, pdu: pdu)
    }

    mutating func writeAddress(_ address: Address, _ field: CStringField, pdu: CommandID) throws(SMPPEncodingError) {
        writeInteger(address.ton.rawValue)
        writeInteger(address.npi.rawValue)
        try writeCString(address.value, field, pdu: pdu)
    }

    /// Writes sm_length and short_message.
    mutating func writeShortMessage(_ message: ByteBuffer, pdu: CommandID) throws(SMPPEncodingError) {
        guard message.readableBytes <= 254 else {
            throw SMPPEncodingError(pdu: pdu.name, field: "short_message", reason: "\(message.readableBytes) octets is over the limit of 254; use message_payload or split the text")
        }
        writeInteger(UInt8(message.readableBytes))
        writeImmutableBuffer(message)
    }
}
