/// The tag of an optional parameter (TLV), with what SMPP 3.4 and 5.0 say its value is (reference §5).
public struct TLVTag: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The shape of a tag's value on the wire.
    public enum ValueKind: Hashable, Sendable {
        /// A big-endian unsigned integer of exactly this many octets.
        case integer(Int)
        /// An integer whose size may vary within the range (e.g. source_telematics_id, ms_validity).
        case integerVariable(ClosedRange<Int>)
        /// A C-Octet String whose length (NUL included) lies in the range.
        case cString(ClosedRange<Int>)
        /// Raw octets whose length lies in the range.
        case octets(ClosedRange<Int>)
    }

    public static let destAddrSubunit = TLVTag(rawValue: 0x0005)
    public static let destNetworkType = TLVTag(rawValue: 0x0006)
    public static let destBearerType = TLVTag(rawValue: 0x0007)
    public static let destTelematicsID = TLVTag(rawValue: 0x0008)
    public static let sourceAddrSubunit = TLVTag(rawValue: 0x000D)
    public static let sourceNetworkType = TLVTag(rawValue: 0x000E)
    public static let sourceBearerType = TLVTag(rawValue: 0x000F)
    public static let sourceTelematicsID = TLVTag(rawValue: 0x0010)
    public static let qosTimeToLive = TLVTag(rawValue: 0x0017)
    public static let payloadType = TLVTag(rawValue: 0x0019)
    public static let additionalStatusInfoText = TLVTag(rawValue: 0x001D)
    public static let receiptedMessageID = TLVTag(rawValue: 0x001E)
    public static let msMsgWaitFacilities = TLVTag(rawValue: 0x0030)
    public static let privacyIndicator = TLVTag(rawValue: 0x0201)
    public static let sourceSubaddress = TLVTag(rawValue: 0x0202)
    public static let destSubaddress = TLVTag(rawValue: 0x0203)
    public static let userMessageReference = TLVTag(rawValue: 0x0204)
    public static let userResponseCode = TLVTag(rawValue: 0x0205)
    public static let sourcePort = TLVTag(rawValue: 0x020A)
    public static let destinationPort = TLVTag(rawValue: 0x020B)
    public static let sarMsgRefNum = TLVTag(rawValue: 0x020C)
    public static let languageIndicator = TLVTag(rawValue: 0x020D)
    public static let sarTotalSegments = TLVTag(rawValue: 0x020E)
    public static let sarSegmentSeqnum = TLVTag(rawValue: 0x020F)
    public static let scInterfaceVersion = TLVTag(rawValue: 0x0210)
    public static let callbackNumPresInd = TLVTag(rawValue: 0x0302)
    public static let callbackNumAtag = TLVTag(rawValue: 0x0303)
    public static let numberOfMessages = TLVTag(rawValue: 0x0304)
    public static let callbackNum = TLVTag(rawValue: 0x0381)
    public static let dpfResult = TLVTag(rawValue: 0x0420)
    public static let setDPF = TLVTag(rawValue: 0x0421)
    public static let msAvailabilityStatus = TLVTag(rawValue: 0x0422)
    public static let networkErrorCode = TLVTag(rawValue: 0x0423)
    public static let messagePayload = TLVTag(rawValue: 0x0424)
    public static let deliveryFailureReason = TLVTag(rawValue: 0x0425)
    public static let moreMessagesToSend = TLVTag(rawValue: 0x0426)
    public static let messageState = TLVTag(rawValue: 0x0427)
    public static let congestionState = TLVTag(rawValue: 0x0428)
    public static let ussdServiceOp = TLVTag(rawValue: 0x0501)
    public static let broadcastChannelIndicator = TLVTag(rawValue: 0x0600)
    public static let broadcastContentType = TLVTag(rawValue: 0x0601)
    public static let broadcastContentTypeInfo = TLVTag(rawValue: 0x0602)
    public static let broadcastMessageClass = TLVTag(rawValue: 0x0603)
    public static let broadcastRepNum = TLVTag(rawValue: 0x0604)
    public static let broadcastFrequencyInterval = TLVTag(rawValue: 0x0605)
    public static let broadcastAreaIdentifier = TLVTag(rawValue: 0x0606)
    public static let broadcastErrorStatus = TLVTag(rawValue: 0x0607)
    public static let broadcastAreaSuccess = TLVTag(rawValue: 0x0608)
    public static let broadcastEndTime = TLVTag(rawValue: 0x0609)
    public static let broadcastServiceGroup = TLVTag(rawValue: 0x060A)
    public static let billingIdentification = TLVTag(rawValue: 0x060B)
    public static let sourceNetworkID = TLVTag(rawValue: 0x060D)
    public static let destNetworkID = TLVTag(rawValue: 0x060E)
    public static let sourceNodeID = TLVTag(rawValue: 0x060F)
    public static let destNodeID = TLVTag(rawValue: 0x0610)
    public static let destAddrNPResolution = TLVTag(rawValue: 0x0611)
    public static let destAddrNPInformation = TLVTag(rawValue: 0x0612)
    public static let destAddrNPCountry = TLVTag(rawValue: 0x0613)
    public static let displayTime = TLVTag(rawValue: 0x1201)
    public static let smsSignal = TLVTag(rawValue: 0x1203)
    public static let msValidity = TLVTag(rawValue: 0x1204)
    public static let alertOnMessageDelivery = TLVTag(rawValue: 0x130C)
    public static let itsReplyType = TLVTag(rawValue: 0x1380)
    public static let itsSessionInfo = TLVTag(rawValue: 0x1383)

    /// Tags from this value up to 0x3FFF are set aside for vendors.
    public static let vendorRange: ClosedRange<UInt16> = 0x1400...0x3FFF

    /// Whether the reference defines this tag.
    public var isKnown: Bool { Self.entry(rawValue) != nil }

    /// The value's shape, or nil for an unknown or vendor tag (kept as raw octets).
    public var valueKind: ValueKind? { Self.entry(rawValue)?.kind }

    /// The spec name (`message_payload`); `vendor_0x1500` or `unknown_0x0099` otherwise.
    public var name: String {
        if let entry = Self.entry(rawValue) { return entry.name }
        return (isVendorSpecific ? "vendor_" : "unknown_") + hex16(rawValue)
    }

    /// Whether the tag lies in a vendor range the reference does not define.
    public var isVendorSpecific: Bool { !isKnown && Self.vendorRange.contains(rawValue) }

    public var description: String { name }

    /// Looks a tag up by its spec name, or by `0x…`/`vendor_0x…`/`unknown_0x…`.
    public init?(name: String) {
        if let raw = Self.byName[name] {
            self.init(rawValue: raw)
            return
        }
        let digits = name.split(separator: "_").last.map(String.init) ?? name
        guard digits.hasPrefix("0x"), let raw = UInt16(digits.dropFirst(2), radix: 16) else { return nil }
        self.init(rawValue: raw)
    }

    private struct Entry: Sendable {
        let name: String
        let kind: ValueKind
    }

    /// What the reference says about a tag. A switch rather than a dictionary: the decoder asks
    /// once per received TLV, and a jump beats hashing the key.
    private static func entry(_ rawValue: UInt16) -> Entry? {
        switch rawValue {
        case 0x0005: return Entry(name: "dest_addr_subunit", kind: .integer(1))
        case 0x0006: return Entry(name: "dest_network_type", kind: .integer(1))
        case 0x0007: return Entry(name: "dest_bearer_type", kind: .integer(1))
        case 0x0008: return Entry(name: "dest_telematics_id", kind: .integer(2))
        case 0x000D: return Entry(name: "source_addr_subunit", kind: .integer(1))
        case 0x000E: return Entry(name: "source_network_type", kind: .integer(1))
        case 0x000F: return Entry(name: "source_bearer_type", kind: .integer(1))
        case 0x0010: return Entry(name: "source_telematics_id", kind: .integerVariable(1...2))
        case 0x0017: return Entry(name: "qos_time_to_live", kind: .integer(4))
        case 0x0019: return Entry(name: "payload_type", kind: .integer(1))
        case 0x001D: return Entry(name: "additional_status_info_text", kind: .cString(1...256))
        case 0x001E: return Entry(name: "receipted_message_id", kind: .cString(1...65))
        case 0x0030: return Entry(name: "ms_msg_wait_facilities", kind: .integer(1))
        case 0x0201: return Entry(name: "privacy_indicator", kind: .integer(1))
        case 0x0202: return Entry(name: "source_subaddress", kind: .octets(2...23))
        case 0x0203: return Entry(name: "dest_subaddress", kind: .octets(2...23))
        case 0x0204: return Entry(name: "user_message_reference", kind: .integer(2))
        case 0x0205: return Entry(name: "user_response_code", kind: .integer(1))
        case 0x020A: return Entry(name: "source_port", kind: .integer(2))
        case 0x020B: return Entry(name: "destination_port", kind: .integer(2))
        case 0x020C: return Entry(name: "sar_msg_ref_num", kind: .integer(2))
        case 0x020D: return Entry(name: "language_indicator", kind: .integer(1))
        case 0x020E: return Entry(name: "sar_total_segments", kind: .integer(1))
        case 0x020F: return Entry(name: "sar_segment_seqnum", kind: .integer(1))
        case 0x0210: return Entry(name: "sc_interface_version", kind: .integer(1))
        case 0x0302: return Entry(name: "callback_num_pres_ind", kind: .integer(1))
        case 0x0303: return Entry(name: "callback_num_atag", kind: .octets(0...65))
        case 0x0304: return Entry(name: "number_of_messages", kind: .integer(1))
        case 0x0381: return Entry(name: "callback_num", kind: .octets(4...19))
        case 0x0420: return Entry(name: "dpf_result", kind: .integer(1))
        case 0x0421: return Entry(name: "set_dpf", kind: .integer(1))
        case 0x0422: return Entry(name: "ms_availability_status", kind: .integer(1))
        case 0x0423: return Entry(name: "network_error_code", kind: .octets(3...3))
        case 0x0424: return Entry(name: "message_payload", kind: .octets(0...65535))
        case 0x0425: return Entry(name: "delivery_failure_reason", kind: .integer(1))
        case 0x0426: return Entry(name: "more_messages_to_send", kind: .integer(1))
        case 0x0427: return Entry(name: "message_state", kind: .integer(1))
        case 0x0428: return Entry(name: "congestion_state", kind: .integer(1))
        case 0x0501: return Entry(name: "ussd_service_op", kind: .integer(1))
        case 0x0600: return Entry(name: "broadcast_channel_indicator", kind: .integer(1))
        case 0x0601: return Entry(name: "broadcast_content_type", kind: .octets(3...3))
        case 0x0602: return Entry(name: "broadcast_content_type_info", kind: .octets(1...255))
        case 0x0603: return Entry(name: "broadcast_message_class", kind: .integer(1))
        case 0x0604: return Entry(name: "broadcast_rep_num", kind: .integer(2))
        case 0x0605: return Entry(name: "broadcast_frequency_interval", kind: .octets(3...3))
        case 0x0606: return Entry(name: "broadcast_area_identifier", kind: .octets(1...101))
        case 0x0607: return Entry(name: "broadcast_error_status", kind: .integer(4))
        case 0x0608: return Entry(name: "broadcast_area_success", kind: .integer(1))
        case 0x0609: return Entry(name: "broadcast_end_time", kind: .cString(17...17))
        case 0x060A: return Entry(name: "broadcast_service_group", kind: .octets(1...255))
        case 0x060B: return Entry(name: "billing_identification", kind: .octets(1...1024))
        case 0x060D: return Entry(name: "source_network_id", kind: .cString(7...66))
        case 0x060E: return Entry(name: "dest_network_id", kind: .cString(7...66))
        case 0x060F: return Entry(name: "source_node_id", kind: .octets(6...6))
        case 0x0610: return Entry(name: "dest_node_id", kind: .octets(6...6))
        case 0x0611: return Entry(name: "dest_addr_np_resolution", kind: .integer(1))
        case 0x0612: return Entry(name: "dest_addr_np_information", kind: .octets(10...10))
        case 0x0613: return Entry(name: "dest_addr_np_country", kind: .integerVariable(1...5))
        case 0x1201: return Entry(name: "display_time", kind: .integer(1))
        case 0x1203: return Entry(name: "sms_signal", kind: .integer(2))
        case 0x1204: return Entry(name: "ms_validity", kind: .integerVariable(1...4))
        case 0x130C: return Entry(name: "alert_on_message_delivery", kind: .integerVariable(0...1))
        case 0x1380: return Entry(name: "its_reply_type", kind: .integer(1))
        case 0x1383: return Entry(name: "its_session_info", kind: .octets(2...2))
        default: return nil
        }
    }

    private static let byName: [String: UInt16] = {
        var names: [String: UInt16] = [:]
        for raw in UInt16.min...UInt16.max {
            if let entry = entry(raw) { names[entry.name] = raw }
        }
        return names
    }()
}

/// `0x020c` style, as the vectors print tags.
func hex16(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 4 - digits.count) + digits
}
