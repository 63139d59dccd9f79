import NIOCore

/// Writes one PDU's octets straight into the outbound buffer's memory and checks every field
/// limit on the way, throwing an `SMPPEncodingError` that names the PDU, the field and the limit.
///
/// `PDU.encode(into:)` reserves an upper bound of the PDU's size once and lends the writable
/// memory inside one `writeWithUnsafeMutableBytes`, so a field costs a store rather than a
/// `ByteBuffer` call with its capacity and uniqueness checks. The bound comes from the field
/// limits (`encodedLengthBound` of each body), which the writer enforces before it writes.
struct PDUWriter {
    /// The PDU's first octet; valid only while `PDU.encode(into:)` lends the buffer's memory.
    private let base: UnsafeMutableRawPointer
    /// Octets reserved for this PDU.
    private let capacity: Int
    /// Octets written so far, header included.
    private(set) var count: Int
    /// The command being written, named in errors.
    let commandID: CommandID

    init(base: UnsafeMutableRawPointer, capacity: Int, commandID: CommandID) {
        self.base = base
        self.capacity = capacity
        self.count = 0
        self.commandID = commandID
    }

    /// Stops before a write past the reservation: that would be a wrong `encodedLengthBound`, a
    /// bug here rather than a fault of the PDU, and memory beyond it belongs to someone else.
    @inline(__always)
    private func reserve(_ octets: Int) {
        precondition(octets <= capacity &- count, "PDUWriter: \(commandID) needs more than the \(capacity) octets its size bound reserved")
    }

    @inline(__always)
    mutating func writeInteger<Integer: FixedWidthInteger>(_ value: Integer) {
        reserve(MemoryLayout<Integer>.size)
        base.storeBytes(of: value.bigEndian, toByteOffset: count, as: Integer.self)
        count &+= MemoryLayout<Integer>.size
    }

    /// Overwrites a 32-bit integer written earlier (command_length, once the size is known).
    @inline(__always)
    mutating func setInteger(_ value: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset <= count &- 4, "PDUWriter: setInteger outside the octets written")
        base.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
    }

    @inline(__always)
    mutating func writeBytes(_ octets: UnsafeRawBufferPointer) {
        guard let source = octets.baseAddress, octets.count > 0 else { return }
        reserve(octets.count)
        (base + count).copyMemory(from: source, byteCount: octets.count)
        count &+= octets.count
    }

    /// Copies the readable octets of `buffer`.
    @inline(__always)
    mutating func writeBytes(of buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { octets in self.writeBytes(octets) }
    }

    /// Writes a C-Octet String, refusing values over the field's limit and values holding a NUL.
    @inline(__always)
    mutating func writeCString(_ value: String, _ field: CStringField) throws(SMPPEncodingError) {
        let utf8 = value.utf8
        let length = utf8.count
        guard length < field.maxLength else {
            throw SMPPEncodingError(pdu: commandID.name, field: field.name, reason: "\(length) octets is over the limit of \(field.maxLength - 1) characters (\(field.maxLength) octets with the NUL)")
        }
        reserve(length &+ 1)
        let start = base + count
        if length == 0 {
            // Optional fields are mostly empty: just the NUL, without borrowing the String's octets.
            start.storeBytes(of: 0, as: UInt8.self)
            count &+= 1
            return
        }
        // Copies and looks for a NUL in one pass; a string without contiguous UTF-8 (bridged) is
        // walked instead.
        let hasNUL = utf8.withContiguousStorageIfAvailable { octets -> Bool in
            var sawNUL = false
            for index in 0..<octets.count {
                let octet = octets[index]
                sawNUL = sawNUL || octet == 0
                start.storeBytes(of: octet, toByteOffset: index, as: UInt8.self)
            }
            return sawNUL
        } ?? Self.copyWalking(utf8, to: start)
        if hasNUL {
            throw SMPPEncodingError(pdu: commandID.name, field: field.name, reason: "contains a NUL octet, which would end the C-Octet String early")
        }
        start.storeBytes(of: 0, toByteOffset: length, as: UInt8.self)
        count &+= length &+ 1
    }

    /// The slow path of `writeCString`; returns whether a NUL was among the octets.
    @inline(never)
    private static func copyWalking(_ utf8: String.UTF8View, to start: UnsafeMutableRawPointer) -> Bool {
        var sawNUL = false
        for (index, octet) in utf8.enumerated() {
            sawNUL = sawNUL || octet == 0
            start.storeBytes(of: octet, toByteOffset: index, as: UInt8.self)
        }
        return sawNUL
    }

    /// Writes a time field after checking its form.
    @inline(__always)
    mutating func writeTime(_ value: String, _ field: CStringField) throws(SMPPEncodingError) {
        // Empty is the common case and always valid; skip the check's setup for it.
        if !value.isEmpty, let problem = SMPPTime.problem(in: value) {
            throw SMPPEncodingError(pdu: commandID.name, field: field.name, reason: problem)
        }
        try writeCString(value, field)
    }

    @inline(__always)
    mutating func writeAddress(_ address: Address, _ field: CStringField) throws(SMPPEncodingError) {
        writeInteger(address.ton.rawValue)
        writeInteger(address.npi.rawValue)
        try writeCString(address.value, field)
    }

    /// Writes sm_length and short_message.
    @inline(__always)
    mutating func writeShortMessage(_ message: ByteBuffer) throws(SMPPEncodingError) {
        let length = message.readableBytes
        guard length <= 254 else {
            throw SMPPEncodingError(pdu: commandID.name, field: "short_message", reason: "\(length) octets is over the limit of 254; use message_payload or split the text")
        }
        writeInteger(UInt8(length))
        writeBytes(of: message)
    }
}

/// Octets a field may take on the wire at most, for sizing the one write of a PDU.
extension CStringField {
    /// Type of number, numbering plan and the address text with its NUL.
    @inline(__always)
    var addressBound: Int { 2 + maxLength }
}

/// Octets sm_length and short_message take at most: a longer message is refused before writing.
@inline(__always)
func shortMessageBound(_ message: ByteBuffer) -> Int { 1 + min(message.readableBytes, 254) }
