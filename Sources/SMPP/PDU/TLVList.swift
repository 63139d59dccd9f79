import NIOCore

/// One optional parameter: its tag and its value octets.
public struct TLV: Hashable, Sendable {
    public var tag: TLVTag
    public var value: ByteBuffer

    public init(tag: TLVTag, value: ByteBuffer) {
        self.tag = tag
        self.value = value
    }
}

/// The optional parameters of a PDU, kept as the octets they arrived in.
///
/// Keeping the raw octets means a decode followed by an encode reproduces the input exactly,
/// vendor and unknown tags included, and decoding allocates nothing. Typed accessors read the
/// standard tags on demand; the list is short, so a scan is cheaper than an index.
public struct TLVList: Hashable, Sendable, Sequence {
    @usableFromInline var storage: ByteBuffer?

    public init() {}

    /// Builds a list from TLVs in order.
    public init(_ tlvs: [TLV]) throws(SMPPEncodingError) {
        for tlv in tlvs { try append(tlv.tag, tlv.value) }
    }

    /// Checks the TLV area of a received PDU (structure, and the length of every known tag);
    /// `offset` is where the area starts in the PDU, for the error.
    static func validate(_ area: UnsafeRawBufferPointer, header: PDUHeader, offset: Int) throws(SMPPDecodingError) {
        let reaction: SMPPDecodingError.Reaction = header.commandID.isResponse ? .ignore : .response
        var position = 0
        while position < area.count {
            let at = offset + position
            let left = area.count - position
            guard left >= 4 else {
                throw SMPPDecodingError(status: .invalidTLVStream, reaction: reaction, header: header, field: "optional parameters", offset: at,
                                        reason: "\(left) trailing octet(s) are too few for a TLV header (4 octets)")
            }
            let tag = UInt16(bigEndian: area.loadUnaligned(fromByteOffset: position, as: UInt16.self))
            let length = UInt16(bigEndian: area.loadUnaligned(fromByteOffset: position + 2, as: UInt16.self))
            let tlvTag = TLVTag(rawValue: tag)
            guard left - 4 >= Int(length) else {
                throw SMPPDecodingError(status: .invalidTLVStream, reaction: reaction, header: header, field: "tlv \(tlvTag.name)", offset: at,
                                        reason: "length \(length) runs past the end of the PDU (\(left - 4) octet(s) left)")
            }
            if let kind = tlvTag.valueKind, let expected = Self.problem(length: Int(length), kind: kind) {
                throw SMPPDecodingError(status: .invalidTLVLength, reaction: reaction, header: header, field: "tlv \(tlvTag.name)", offset: at,
                                        reason: "length \(length) is wrong: \(expected)")
            }
            position += 4 + Int(length)
        }
    }

    /// A list over octets `validate` accepted; `storage` is not empty.
    init(validated storage: ByteBuffer) {
        self.storage = storage
    }

    /// Why a value of this length does not fit the tag's shape, or nil when it does.
    static func problem(length: Int, kind: TLVTag.ValueKind) -> String? {
        switch kind {
        case .integer(let size):
            return length == size ? nil : "it is a \(size)-octet integer"
        case .integerVariable(let range), .cString(let range), .octets(let range):
            return range.contains(length) ? nil : "it must be \(range.lowerBound)…\(range.upperBound) octets"
        }
    }

    @inlinable public var isEmpty: Bool { storage == nil }

    /// Octets the list takes on the wire.
    @inlinable public var encodedLength: Int { storage?.readableBytes ?? 0 }

    /// The value of the first TLV with this tag.
    public func value(_ tag: TLVTag) -> ByteBuffer? {
        for tlv in self where tlv.tag == tag { return tlv.value }
        return nil
    }

    /// Every value with this tag, in order (broadcast_area_identifier may repeat).
    public func values(_ tag: TLVTag) -> [ByteBuffer] {
        self.filter { $0.tag == tag }.map(\.value)
    }

    public func contains(_ tag: TLVTag) -> Bool { value(tag) != nil }

    /// An integer TLV's value (any size from 1 to 4 octets).
    public func integer(_ tag: TLVTag) -> UInt32? {
        guard let value = value(tag), (1...4).contains(value.readableBytes) else { return nil }
        return value.readableBytesView.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// A C-string TLV's value without its NUL (a missing NUL is tolerated: some MCs omit it).
    public func string(_ tag: TLVTag) -> String? {
        guard var value = value(tag) else { return nil }
        let bytes = value.readableBytesView
        let length = bytes.last == 0 ? bytes.count - 1 : bytes.count
        return value.readString(length: length)
    }

    /// Appends a TLV; the value may be at most 65,535 octets.
    public mutating func append(_ tag: TLVTag, _ value: ByteBuffer) throws(SMPPEncodingError) {
        guard value.readableBytes <= Int(UInt16.max) else {
            throw SMPPEncodingError(pdu: "tlv", field: tag.name, reason: "\(value.readableBytes) octets is over the TLV limit of 65535")
        }
        write(tag, length: value.readableBytes) { $0.writeImmutableBuffer(value) }
    }

    /// Appends an integer TLV in the width its tag defines (1 octet for unknown tags).
    public mutating func appendInteger(_ tag: TLVTag, _ value: UInt32, width: Int? = nil) throws(SMPPEncodingError) {
        let size: Int
        switch tag.valueKind {
        case .integer(let fixed): size = fixed
        default: size = width ?? 1
        }
        write(tag, length: size) { buffer in
            for shift in stride(from: (size - 1) * 8, through: 0, by: -8) {
                buffer.writeInteger(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
            }
        }
    }

    /// Appends a C-string TLV (the NUL is added).
    public mutating func appendString(_ tag: TLVTag, _ value: String) throws(SMPPEncodingError) {
        let length = value.utf8.count + 1
        guard length <= Int(UInt16.max) else {
            throw SMPPEncodingError(pdu: "tlv", field: tag.name, reason: "\(length) octets is over the TLV limit of 65535")
        }
        write(tag, length: length) { buffer in
            buffer.writeString(value)
            buffer.writeInteger(UInt8(0))
        }
    }

    /// Writes one TLV straight into the list's buffer. The buffer is taken out of `storage`
    /// while it is written: with the list still holding it, every append copied the whole list
    /// (copy on write) and built its value in a buffer of its own first.
    private mutating func write(_ tag: TLVTag, length: Int, value: (inout ByteBuffer) -> Void) {
        var buffer = storage ?? Self.allocator.buffer(capacity: Swift.max(64, 4 + length))
        storage = nil
        buffer.writeInteger(tag.rawValue)
        buffer.writeInteger(UInt16(length))
        value(&buffer)
        storage = buffer
    }

    private static let allocator = ByteBufferAllocator()

    /// Removes every TLV with this tag.
    public mutating func remove(_ tag: TLVTag) {
        guard contains(tag) else { return }
        let kept = self.filter { $0.tag != tag }
        storage = nil
        for tlv in kept { try? append(tlv.tag, tlv.value) }
    }

    public func makeIterator() -> Iterator { Iterator(remaining: storage ?? ByteBuffer()) }

    /// Walks the raw octets; the list was validated, so a short read just ends the walk.
    public struct Iterator: IteratorProtocol {
        var remaining: ByteBuffer

        public mutating func next() -> TLV? {
            guard let tag = remaining.readInteger(as: UInt16.self),
                  let length = remaining.readInteger(as: UInt16.self),
                  let value = remaining.readSlice(length: Int(length)) else { return nil }
            return TLV(tag: TLVTag(rawValue: tag), value: value)
        }
    }

    /// Writes the TLVs exactly as stored.
    @inline(__always)
    func write(to writer: inout PDUWriter) {
        if let storage { writer.writeBytes(of: storage) }
    }
}

extension TLVList {
    /// message_payload: the whole message when short_message is empty.
    public var messagePayload: ByteBuffer? { value(.messagePayload) }
    /// receipted_message_id in a receipt.
    public var receiptedMessageID: String? { string(.receiptedMessageID) }
    /// message_state in a receipt or query_broadcast_sm_resp.
    public var messageState: UInt8? { integer(.messageState).map { UInt8(truncatingIfNeeded: $0) } }
    /// network_error_code: network type and error code.
    public var networkErrorCode: (type: UInt8, code: UInt16)? {
        guard var value = value(.networkErrorCode), let type = value.readInteger(as: UInt8.self),
              let code = value.readInteger(as: UInt16.self) else { return nil }
        return (type, code)
    }
    /// The three SAR TLVs together, when all are present.
    public var sar: (reference: UInt16, total: UInt8, sequence: UInt8)? {
        guard let reference = integer(.sarMsgRefNum), let total = integer(.sarTotalSegments),
              let sequence = integer(.sarSegmentSeqnum) else { return nil }
        return (UInt16(truncatingIfNeeded: reference), UInt8(truncatingIfNeeded: total), UInt8(truncatingIfNeeded: sequence))
    }
    /// sc_interface_version in a bind response.
    public var scInterfaceVersion: UInt8? { integer(.scInterfaceVersion).map { UInt8(truncatingIfNeeded: $0) } }
    /// congestion_state (5.0), 0–100.
    public var congestionState: UInt8? { integer(.congestionState).map { UInt8(truncatingIfNeeded: $0) } }
}
