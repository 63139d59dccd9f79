/// One submit_sm / deliver_sm worth of a split message: the octets and how to flag them in the PDU.
public struct MessagePart: Hashable, Sendable {
    /// The octets this part carries: UDH + user data for UDH methods, the raw text octets for SAR and single
    /// messages, or the whole text for message_payload. Prefer `shortMessage` / `messagePayload`, which put
    /// them in the right field.
    public var octets: [UInt8]
    /// short_message starts with a UDH: set UDHI (0x40) in esm_class.
    public var hasUDH: Bool
    /// The SAR TLVs to add, for `ConcatenationMethod.sar` parts of a message of more than one part.
    public var sar: SARInfo?
    /// The octets belong in the message_payload TLV and short_message must stay empty (sm_length 0).
    public var inMessagePayload: Bool

    public init(octets: [UInt8], hasUDH: Bool = false, sar: SARInfo? = nil, inMessagePayload: Bool = false) {
        self.octets = octets
        self.hasUDH = hasUDH
        self.sar = sar
        self.inMessagePayload = inMessagePayload
    }

    /// What goes in short_message: the octets, or nothing when they travel in message_payload.
    public var shortMessage: [UInt8] { inMessagePayload ? [] : octets }

    /// What goes in the message_payload TLV, or nil when the part uses short_message.
    public var messagePayload: [UInt8]? { inMessagePayload ? octets : nil }
}
