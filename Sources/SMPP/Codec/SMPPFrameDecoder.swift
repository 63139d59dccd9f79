import NIOCore

/// Frames the inbound byte stream into PDUs and decodes them, for a pipeline that reads PDUs
/// without running a session (a capture, a proxy). `SMPPSessionHandler` frames the stream
/// itself and needs nothing in front of it.
///
/// A PDU whose body is malformed is passed on as `.failure` so the reader can answer it and go
/// on; a `command_length` that cannot be trusted is thrown. Wrap in `ByteToMessageHandler`.
public struct SMPPFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = Result<PDU, SMPPDecodingError>

    public var framing: PDUFraming

    public init(framing: PDUFraming = PDUFraming()) {
        self.framing = framing
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> InboundOut? {
        guard let frame = try framing.nextFrame(from: &buffer) else { return nil }
        do {
            return .success(try PDU.decode(frame))
        } catch {
            return .failure(error)
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> InboundOut? {
        try decode(buffer: &buffer)
    }
}
