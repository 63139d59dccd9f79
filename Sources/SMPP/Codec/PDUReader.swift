import NIOCore

/// Reads the mandatory fields of one framed PDU body and turns every fault into an
/// `SMPPDecodingError` that names the PDU, the field, the offset and the limit.
///
/// It reads straight from the frame's memory (`PDU.decode` lends it inside one
/// `withUnsafeReadableBytes`), so a field costs a few loads rather than a `ByteBuffer` call with
/// its own bounds and exclusivity checks; short_message and the TLV area are slices of the frame
/// (no copy), and strings are built straight from the octets.
struct PDUReader {
    /// The PDU's first octet; valid only while `PDU.decode` lends the frame's memory.
    private let base: UnsafeRawPointer
    /// Octets in the PDU, header included (its `command_length`).
    private let count: Int
    /// The frame `base` points into, for slicing short_message and the TLV area without a copy.
    private let frame: ByteBuffer
    let header: PDUHeader
    /// Offset of the next field from the PDU start, as errors report it.
    private(set) var offset: Int

    /// `base` and `count` are the readable octets of `frame`, header included.
    init(base: UnsafeRawPointer, count: Int, frame: ByteBuffer, header: PDUHeader) {
        self.base = base
        self.count = count
        self.frame = frame
        self.header = header
        self.offset = PDUHeader.size
    }

    /// Octets from the next field to the end of the PDU.
    private var remaining: Int {
        @inline(__always) get { count - offset }
    }

    var isAtEnd: Bool {
        @inline(__always) get { offset == count }
    }

    /// The body ends before a field: `command_length` is too short for the command.
    @inline(never)
    func truncated(_ field: String, needing: Int) -> SMPPDecodingError {
        SMPPDecodingError(
            status: .invalidCommandLength, reaction: header.commandID.isResponse ? .ignore : .genericNack,
            header: header, field: field, offset: offset,
            reason: "the body ends \(needing - remaining) octet(s) short of this field (command_length \(header.commandLength))"
        )
    }

    /// A field's value breaks a rule: the command's own response carries `status`.
    @inline(never)
    func invalid(_ field: String, _ status: CommandStatus, _ reason: String, at fieldOffset: Int? = nil) -> SMPPDecodingError {
        SMPPDecodingError(
            status: status, reaction: header.commandID.isResponse ? .ignore : .response,
            header: header, field: field, offset: fieldOffset ?? offset, reason: reason
        )
    }

    @inline(__always)
    mutating func readUInt8(_ field: String) throws(SMPPDecodingError) -> UInt8 {
        guard offset < count else { throw truncated(field, needing: 1) }
        let value = base.load(fromByteOffset: offset, as: UInt8.self)
        offset += 1
        return value
    }

    @inline(__always)
    mutating func readUInt32(_ field: String) throws(SMPPDecodingError) -> UInt32 {
        guard remaining >= 4 else { throw truncated(field, needing: 4) }
        let value = UInt32(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        offset += 4
        return value
    }

    /// Reads a C-Octet String of at most `field.maxLength` octets, NUL included.
    @inline(__always)
    mutating func readCString(_ field: CStringField) throws(SMPPDecodingError) -> String {
        let start = offset
        let window = min(field.maxLength, remaining)
        guard let (length, isASCII) = scanCString(at: start, window: window) else {
            if window < field.maxLength {
                throw truncated(field.name, needing: field.maxLength)
            }
            throw invalid(field.name, field.status, "longer than \(field.maxLength - 1) characters (max \(field.maxLength) octets with the NUL)")
        }
        let text = UnsafeBufferPointer(start: (base + start).assumingMemoryBound(to: UInt8.self), count: length)
        let value: String
        if length == 0 {
            // Most optional fields (service_type, the times) arrive empty; skip String's set-up.
            value = ""
        } else if isASCII {
            // ASCII needs no repair. Up to 15 octets fit a small string in place, which this
            // initialiser builds with the least work; longer ones go to the heap either way.
            if length <= 15 {
                value = String(unsafeUninitializedCapacity: length) { storage in
                    _ = storage.initialize(fromContentsOf: text)
                    return length
                }
            } else {
                value = String(decoding: text, as: UTF8.self)
            }
        } else {
            guard let validated = String(validating: text, as: UTF8.self) else {
                throw invalid(field.name, field.status, "not valid ASCII/UTF-8 text", at: start)
            }
            value = validated
        }
        offset = start + length + 1
        return value
    }

    /// The length of the C-Octet String at `start` (its NUL not counted) and whether all of it is
    /// ASCII, or nil when no NUL lies within `window` octets. One pass, eight octets at a time.
    @inline(__always)
    private func scanCString(at start: Int, window: Int) -> (length: Int, isASCII: Bool)? {
        let highBits: UInt64 = 0x8080_8080_8080_8080
        var seen: UInt64 = 0  // the octets before the NUL, OR'ed: any high bit means not ASCII
        var index = 0
        while index &+ 8 <= window {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: start &+ index, as: UInt64.self))
            // The lowest set bit of this marks the first zero octet exactly (higher ones may be
            // false, from the borrow, but they lie past the NUL).
            let zeros = (word &- 0x0101_0101_0101_0101) & ~word & highBits
            if zeros != 0 {
                let octetsBefore = zeros.trailingZeroBitCount >> 3
                seen |= word & (UInt64.max >> (64 - 8 * octetsBefore))  // an overshift gives 0
                return (index &+ octetsBefore, seen & highBits == 0)
            }
            seen |= word
            index &+= 8
        }
        while index < window {
            let octet = base.load(fromByteOffset: start &+ index, as: UInt8.self)
            if octet == 0 { return (index, seen & highBits == 0) }
            seen |= UInt64(octet)
            index &+= 1
        }
        return nil
    }

    /// Reads a time field: empty, or 16 characters `YYMMDDhhmmsstnnp` (reference §6).
    @inline(__always)
    mutating func readTime(_ field: CStringField) throws(SMPPDecodingError) -> String {
        let start = offset
        let text = try readCString(field)
        if text.isEmpty { return text }  // the usual case, and always valid
        // The octets just read (NUL excluded): checking them is cheaper than walking the String.
        let octets = UnsafeBufferPointer(start: (base + start).assumingMemoryBound(to: UInt8.self), count: offset - start - 1)
        if let problem = SMPPTime.problem(inUTF8: octets, text: text) {
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

    /// Reads sm_length and short_message (0–254 octets), the latter as a slice of the frame.
    mutating func readShortMessage() throws(SMPPDecodingError) -> ByteBuffer {
        let at = offset
        let length = Int(try readUInt8("sm_length"))
        guard length <= 254 else { throw invalid("sm_length", .invalidMessageLength, "sm_length \(length) is above 254", at: at) }
        guard length <= remaining, let slice = frame.getSlice(at: frame.readerIndex + offset, length: length) else {
            throw truncated("short_message", needing: length)
        }
        offset += length
        return slice
    }

    /// Reads the optional parameters that fill the rest of the body.
    mutating func readTLVs() throws(SMPPDecodingError) -> TLVList {
        let start = offset
        let length = remaining
        guard length > 0 else { return TLVList() }
        try TLVList.validate(UnsafeRawBufferPointer(start: base + start, count: length), header: header, offset: start)
        // The octets were all readable a moment ago, so the slice exists.
        guard let storage = frame.getSlice(at: frame.readerIndex + start, length: length) else {
            throw truncated("optional parameters", needing: length)
        }
        offset = count
        return TLVList(validated: storage)
    }

    /// An optional trailing C-string (response bodies may be empty when the status is not ROK).
    mutating func readOptionalCString(_ field: CStringField) throws(SMPPDecodingError) -> String? {
        if isAtEnd { return nil }
        return try readCString(field)
    }
}
