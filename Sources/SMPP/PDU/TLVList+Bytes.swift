import NIOCore

extension TLVList {
    /// The list as it is encoded on the wire, for storing with a message and forwarding later.
    public var encodedBytes: [UInt8] {
        guard let storage else { return [] }
        return Array(storage.readableBytesView)
    }

    /// A list from octets that `encodedBytes` produced (or any TLV area): every TLV must be
    /// complete; vendor tags are kept as they are.
    public init(encoded bytes: [UInt8]) throws(SMPPEncodingError) {
        self.init()
        var position = 0
        while position < bytes.count {
            guard bytes.count - position >= 4 else {
                throw SMPPEncodingError(pdu: "tlv list", field: "optional parameters", reason: "\(bytes.count - position) trailing octet(s) are too few for a TLV header")
            }
            let tag = UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1])
            let length = Int(UInt16(bytes[position + 2]) << 8 | UInt16(bytes[position + 3]))
            guard bytes.count - position - 4 >= length else {
                throw SMPPEncodingError(pdu: "tlv list", field: "tlv 0x\(String(tag, radix: 16))", reason: "length \(length) runs past the end")
            }
            try append(TLVTag(rawValue: tag), ByteBuffer(bytes: bytes[(position + 4)..<(position + 4 + length)]))
            position += 4 + length
        }
    }
}
