/// The `command_id` of an SMPP PDU (reference §2). Bit 31 set marks a response.
public struct CommandID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let genericNack = CommandID(rawValue: 0x8000_0000)
    public static let bindReceiver = CommandID(rawValue: 0x0000_0001)
    public static let bindReceiverResp = CommandID(rawValue: 0x8000_0001)
    public static let bindTransmitter = CommandID(rawValue: 0x0000_0002)
    public static let bindTransmitterResp = CommandID(rawValue: 0x8000_0002)
    public static let querySM = CommandID(rawValue: 0x0000_0003)
    public static let querySMResp = CommandID(rawValue: 0x8000_0003)
    public static let submitSM = CommandID(rawValue: 0x0000_0004)
    public static let submitSMResp = CommandID(rawValue: 0x8000_0004)
    public static let deliverSM = CommandID(rawValue: 0x0000_0005)
    public static let deliverSMResp = CommandID(rawValue: 0x8000_0005)
    public static let unbind = CommandID(rawValue: 0x0000_0006)
    public static let unbindResp = CommandID(rawValue: 0x8000_0006)
    public static let replaceSM = CommandID(rawValue: 0x0000_0007)
    public static let replaceSMResp = CommandID(rawValue: 0x8000_0007)
    public static let cancelSM = CommandID(rawValue: 0x0000_0008)
    public static let cancelSMResp = CommandID(rawValue: 0x8000_0008)
    public static let bindTransceiver = CommandID(rawValue: 0x0000_0009)
    public static let bindTransceiverResp = CommandID(rawValue: 0x8000_0009)
    public static let outbind = CommandID(rawValue: 0x0000_000B)
    public static let enquireLink = CommandID(rawValue: 0x0000_0015)
    public static let enquireLinkResp = CommandID(rawValue: 0x8000_0015)
    public static let submitMulti = CommandID(rawValue: 0x0000_0021)
    public static let submitMultiResp = CommandID(rawValue: 0x8000_0021)
    public static let alertNotification = CommandID(rawValue: 0x0000_0102)
    public static let dataSM = CommandID(rawValue: 0x0000_0103)
    public static let dataSMResp = CommandID(rawValue: 0x8000_0103)
    public static let broadcastSM = CommandID(rawValue: 0x0000_0111)
    public static let broadcastSMResp = CommandID(rawValue: 0x8000_0111)
    public static let queryBroadcastSM = CommandID(rawValue: 0x0000_0112)
    public static let queryBroadcastSMResp = CommandID(rawValue: 0x8000_0112)
    public static let cancelBroadcastSM = CommandID(rawValue: 0x0000_0113)
    public static let cancelBroadcastSMResp = CommandID(rawValue: 0x8000_0113)

    /// Every command id defined by SMPP 3.4 and 5.0, in the order of the reference table.
    public static let allKnown: [CommandID] = [
        .genericNack,
        .bindReceiver, .bindReceiverResp, .bindTransmitter, .bindTransmitterResp,
        .querySM, .querySMResp, .submitSM, .submitSMResp, .deliverSM, .deliverSMResp,
        .unbind, .unbindResp, .replaceSM, .replaceSMResp, .cancelSM, .cancelSMResp,
        .bindTransceiver, .bindTransceiverResp, .outbind, .enquireLink, .enquireLinkResp,
        .submitMulti, .submitMultiResp, .alertNotification, .dataSM, .dataSMResp,
        .broadcastSM, .broadcastSMResp, .queryBroadcastSM, .queryBroadcastSMResp,
        .cancelBroadcastSM, .cancelBroadcastSMResp,
    ]

    /// True when bit 31 is set.
    @inlinable public var isResponse: Bool { rawValue & 0x8000_0000 != 0 }

    /// The id of the response to this request (bit 31 set); for a response, itself.
    @inlinable public var responseID: CommandID { CommandID(rawValue: rawValue | 0x8000_0000) }

    /// The id of the request a response answers (bit 31 cleared).
    @inlinable public var requestID: CommandID { CommandID(rawValue: rawValue & 0x7FFF_FFFF) }

    /// Whether the reference defines this id.
    public var isKnown: Bool { Self.names[rawValue] != nil }

    /// Requests that have no response PDU (outbind, alert_notification) and generic_nack.
    public var expectsResponse: Bool {
        !isResponse && self != .outbind && self != .alertNotification
    }

    /// The spec name (`submit_sm`), or `unknown_0x…` for an id the reference does not define.
    public var name: String { Self.names[rawValue] ?? "unknown_\(hex32(rawValue))" }

    public var description: String { name }

    /// Looks an id up by its spec name.
    public init?(name: String) {
        guard let raw = Self.byName[name] else { return nil }
        self.init(rawValue: raw)
    }

    private static let names: [UInt32: String] = [
        0x8000_0000: "generic_nack",
        0x0000_0001: "bind_receiver", 0x8000_0001: "bind_receiver_resp",
        0x0000_0002: "bind_transmitter", 0x8000_0002: "bind_transmitter_resp",
        0x0000_0003: "query_sm", 0x8000_0003: "query_sm_resp",
        0x0000_0004: "submit_sm", 0x8000_0004: "submit_sm_resp",
        0x0000_0005: "deliver_sm", 0x8000_0005: "deliver_sm_resp",
        0x0000_0006: "unbind", 0x8000_0006: "unbind_resp",
        0x0000_0007: "replace_sm", 0x8000_0007: "replace_sm_resp",
        0x0000_0008: "cancel_sm", 0x8000_0008: "cancel_sm_resp",
        0x0000_0009: "bind_transceiver", 0x8000_0009: "bind_transceiver_resp",
        0x0000_000B: "outbind",
        0x0000_0015: "enquire_link", 0x8000_0015: "enquire_link_resp",
        0x0000_0021: "submit_multi", 0x8000_0021: "submit_multi_resp",
        0x0000_0102: "alert_notification",
        0x0000_0103: "data_sm", 0x8000_0103: "data_sm_resp",
        0x0000_0111: "broadcast_sm", 0x8000_0111: "broadcast_sm_resp",
        0x0000_0112: "query_broadcast_sm", 0x8000_0112: "query_broadcast_sm_resp",
        0x0000_0113: "cancel_broadcast_sm", 0x8000_0113: "cancel_broadcast_sm_resp",
    ]
    private static let byName: [String: UInt32] = Dictionary(uniqueKeysWithValues: names.map { ($1, $0) })
}

/// `0x0000000a` style, as the vectors print ids and statuses.
@usableFromInline
func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
