import NIOCore

/// Cuts PDUs out of a byte stream by their `command_length`, refusing lengths that cannot be
/// honest before a single octet of body is buffered for them.
public struct PDUFraming: Sendable {
    /// Largest `command_length` accepted. The default leaves room for a full 64 KiB
    /// message_payload plus every mandatory field.
    public var maximumCommandLength: Int

    public static let defaultMaximumCommandLength = 70_000

    public init(maximumCommandLength: Int = PDUFraming.defaultMaximumCommandLength) {
        self.maximumCommandLength = max(PDUHeader.size, maximumCommandLength)
    }

    /// The next whole PDU (header included) when the buffer holds one; nil when more octets are
    /// needed. Throws when the header's `command_length` is below 16 or above the maximum: the
    /// stream can no longer be framed.
    @inlinable
    public func nextFrame(from buffer: inout ByteBuffer) throws(SMPPDecodingError) -> ByteBuffer? {
        guard buffer.readableBytes >= PDUHeader.size,
              let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard length >= UInt32(PDUHeader.size), length <= UInt32(maximumCommandLength) else {
            throw lengthError(length, buffer: buffer)
        }
        return buffer.readSlice(length: Int(length))
    }

    @usableFromInline
    func lengthError(_ length: UInt32, buffer: ByteBuffer) -> SMPPDecodingError {
        var copy = buffer
        let header = try? PDUHeader.read(from: &copy)
        let reason = length < UInt32(PDUHeader.size)
            ? "command_length \(length) is below the 16-octet header"
            : "command_length \(length) is above the maximum of \(maximumCommandLength)"
        return SMPPDecodingError(status: .invalidCommandLength, reaction: .genericNackAndClose, header: header, field: "command_length", offset: 0, reason: reason)
    }
}
