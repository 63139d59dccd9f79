/// Why a PDU could not be decoded, where, and how the receiving side must react.
///
/// Carries the header when it was readable, so the session can answer `generic_nack` or the
/// command's own `*_resp` with the right sequence number (reference §9, "Error handling rules").
public struct SMPPDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// How the receiver answers the malformed PDU.
    public enum Reaction: Hashable, Sendable {
        /// `generic_nack` with `status`; the stream can still be framed.
        case genericNack
        /// The command's own response with `status` (the body was framed, a field was wrong).
        case response
        /// `generic_nack` with `status`, then close: `command_length` cannot be trusted.
        case genericNackAndClose
        /// The offending PDU was itself a response or generic_nack: never answer it.
        case ignore
    }

    /// The status the answer carries.
    public var status: CommandStatus
    public var reaction: Reaction
    /// The header, when its 16 octets were readable.
    public var header: PDUHeader?
    /// The spec name of the field at fault (`source_addr`, `command_length`, `tlv 0x020c`).
    public var field: String?
    /// Offset of the fault from the start of the PDU.
    public var offset: Int?
    /// What is wrong, in a sentence a person can act on.
    public var reason: String

    public init(status: CommandStatus, reaction: Reaction, header: PDUHeader?, field: String?, offset: Int?, reason: String) {
        self.status = status
        self.reaction = reaction
        self.header = header
        self.field = field
        self.offset = offset
        self.reason = reason
    }

    /// Whether the connection must be closed after answering.
    public var closesConnection: Bool { reaction == .genericNackAndClose }

    public var description: String {
        var text = ""
        if let header { text += "\(header.commandID.name) (sequence \(header.sequenceNumber)): " }
        if let field { text += "\(field): " }
        text += reason
        if let offset { text += " at offset \(offset)" }
        return text
    }

    /// The reaction in words, e.g. `generic_nack ESME_RINVCMDLEN, then close`.
    public var reactionDescription: String {
        switch reaction {
        case .genericNack: return "generic_nack \(status.name)"
        case .genericNackAndClose: return "generic_nack \(status.name), then close"
        case .response: return "\(header?.commandID.responseID.name ?? "response") \(status.name)"
        case .ignore: return "no answer (never answer a response); log and drop"
        }
    }
}
