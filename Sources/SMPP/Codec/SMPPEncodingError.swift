/// A PDU value that cannot be put on the wire because a field breaks a limit of the protocol.
public struct SMPPEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The PDU being encoded (`submit_sm`).
    public var pdu: String
    /// The field at fault (`source_addr`).
    public var field: String
    /// What is wrong and which limit applies.
    public var reason: String

    public init(pdu: String, field: String, reason: String) {
        self.pdu = pdu
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(pdu).\(field): \(reason)" }
}
