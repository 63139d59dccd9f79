/// The `command_status` of an SMPP PDU (reference §4): 0 in requests, the result in responses.
public struct CommandStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// success
    public static let ok = CommandStatus(rawValue: 0x00000000)
    /// bad message length (sm_length / payload)
    public static let invalidMessageLength = CommandStatus(rawValue: 0x00000001)
    /// bad command_length
    public static let invalidCommandLength = CommandStatus(rawValue: 0x00000002)
    /// unknown command_id
    public static let invalidCommandID = CommandStatus(rawValue: 0x00000003)
    /// command not allowed in current bind state
    public static let invalidBindStatus = CommandStatus(rawValue: 0x00000004)
    /// already bound
    public static let alreadyBound = CommandStatus(rawValue: 0x00000005)
    /// bad priority_flag
    public static let invalidPriorityFlag = CommandStatus(rawValue: 0x00000006)
    /// bad registered_delivery
    public static let invalidRegisteredDelivery = CommandStatus(rawValue: 0x00000007)
    /// internal error at the receiver
    public static let systemError = CommandStatus(rawValue: 0x00000008)
    /// bad source address
    public static let invalidSourceAddress = CommandStatus(rawValue: 0x0000000A)
    /// bad destination address
    public static let invalidDestinationAddress = CommandStatus(rawValue: 0x0000000B)
    /// bad message_id
    public static let invalidMessageID = CommandStatus(rawValue: 0x0000000C)
    /// bind refused (generic)
    public static let bindFailed = CommandStatus(rawValue: 0x0000000D)
    /// wrong password
    public static let invalidPassword = CommandStatus(rawValue: 0x0000000E)
    /// unknown system_id
    public static let invalidSystemID = CommandStatus(rawValue: 0x0000000F)
    /// cancel_sm failed
    public static let cancelFailed = CommandStatus(rawValue: 0x00000011)
    /// replace_sm failed
    public static let replaceFailed = CommandStatus(rawValue: 0x00000013)
    /// message queue full
    public static let messageQueueFull = CommandStatus(rawValue: 0x00000014)
    /// bad service_type
    public static let invalidServiceType = CommandStatus(rawValue: 0x00000015)
    /// bad number_of_dests
    public static let invalidNumberOfDestinations = CommandStatus(rawValue: 0x00000033)
    /// bad distribution list name
    public static let invalidDistributionListName = CommandStatus(rawValue: 0x00000034)
    /// bad dest_flag (submit_multi)
    public static let invalidDestinationFlag = CommandStatus(rawValue: 0x00000040)
    /// replace_if_present not allowed / failed
    public static let invalidSubmitWithReplace = CommandStatus(rawValue: 0x00000042)
    /// bad esm_class
    public static let invalidESMClass = CommandStatus(rawValue: 0x00000043)
    /// cannot submit to distribution list
    public static let cannotSubmitToDistributionList = CommandStatus(rawValue: 0x00000044)
    /// submit_sm / submit_multi failed
    public static let submitFailed = CommandStatus(rawValue: 0x00000045)
    /// bad source TON
    public static let invalidSourceTON = CommandStatus(rawValue: 0x00000048)
    /// bad source NPI
    public static let invalidSourceNPI = CommandStatus(rawValue: 0x00000049)
    /// bad destination TON
    public static let invalidDestinationTON = CommandStatus(rawValue: 0x00000050)
    /// bad destination NPI
    public static let invalidDestinationNPI = CommandStatus(rawValue: 0x00000051)
    /// bad system_type
    public static let invalidSystemType = CommandStatus(rawValue: 0x00000053)
    /// bad replace_if_present_flag
    public static let invalidReplaceFlag = CommandStatus(rawValue: 0x00000054)
    /// bad number of messages
    public static let invalidNumberOfMessages = CommandStatus(rawValue: 0x00000055)
    /// sender exceeded its rate
    public static let throttled = CommandStatus(rawValue: 0x00000058)
    /// bad schedule_delivery_time
    public static let invalidScheduleDeliveryTime = CommandStatus(rawValue: 0x00000061)
    /// bad validity_period
    public static let invalidExpiry = CommandStatus(rawValue: 0x00000062)
    /// bad / unknown sm_default_msg_id
    public static let invalidDefaultMessageID = CommandStatus(rawValue: 0x00000063)
    /// ESME receiver: temporary application error, retry later
    public static let temporaryApplicationError = CommandStatus(rawValue: 0x00000064)
    /// ESME receiver: permanent application error, do not retry
    public static let permanentApplicationError = CommandStatus(rawValue: 0x00000065)
    /// ESME receiver: message rejected
    public static let applicationRejected = CommandStatus(rawValue: 0x00000066)
    /// query_sm failed
    public static let queryFailed = CommandStatus(rawValue: 0x00000067)
    /// TLV area malformed (e.g. runs past end)
    public static let invalidTLVStream = CommandStatus(rawValue: 0x000000C0)
    /// TLV not allowed here
    public static let tlvNotAllowed = CommandStatus(rawValue: 0x000000C1)
    /// TLV length wrong for that tag
    public static let invalidTLVLength = CommandStatus(rawValue: 0x000000C2)
    /// required TLV missing
    public static let missingTLV = CommandStatus(rawValue: 0x000000C3)
    /// TLV value invalid
    public static let invalidTLVValue = CommandStatus(rawValue: 0x000000C4)
    /// delivery failed (data_sm_resp)
    public static let deliveryFailure = CommandStatus(rawValue: 0x000000FE)
    /// unknown error
    public static let unknownError = CommandStatus(rawValue: 0x000000FF)
    /// 5.0: not authorised for this service_type
    public static let serviceTypeUnauthorized = CommandStatus(rawValue: 0x00000100)
    /// 5.0: operation prohibited for this ESME
    public static let prohibited = CommandStatus(rawValue: 0x00000101)
    /// 5.0: service_type unavailable
    public static let serviceTypeUnavailable = CommandStatus(rawValue: 0x00000102)
    /// 5.0: service_type denied
    public static let serviceTypeDenied = CommandStatus(rawValue: 0x00000103)
    /// 5.0: bad data_coding
    public static let invalidDataCoding = CommandStatus(rawValue: 0x00000104)
    /// 5.0: bad source subunit
    public static let invalidSourceSubunit = CommandStatus(rawValue: 0x00000105)
    /// 5.0: bad destination subunit
    public static let invalidDestinationSubunit = CommandStatus(rawValue: 0x00000106)
    /// 5.0: bad broadcast_frequency_interval
    public static let invalidBroadcastFrequencyInterval = CommandStatus(rawValue: 0x00000107)
    /// 5.0: bad broadcast alias name
    public static let invalidBroadcastAliasName = CommandStatus(rawValue: 0x00000108)
    /// 5.0: bad broadcast area format
    public static let invalidBroadcastAreaFormat = CommandStatus(rawValue: 0x00000109)
    /// 5.0: bad number of broadcast areas
    public static let invalidNumberOfBroadcastAreas = CommandStatus(rawValue: 0x0000010A)
    /// 5.0: bad broadcast_content_type
    public static let invalidBroadcastContentType = CommandStatus(rawValue: 0x0000010B)
    /// 5.0: bad broadcast_message_class
    public static let invalidBroadcastMessageClass = CommandStatus(rawValue: 0x0000010C)
    /// 5.0: broadcast_sm failed
    public static let broadcastFailed = CommandStatus(rawValue: 0x0000010D)
    /// 5.0: query_broadcast_sm failed
    public static let broadcastQueryFailed = CommandStatus(rawValue: 0x0000010E)
    /// 5.0: cancel_broadcast_sm failed
    public static let broadcastCancelFailed = CommandStatus(rawValue: 0x0000010F)
    /// 5.0: bad broadcast_rep_num
    public static let invalidBroadcastRepNum = CommandStatus(rawValue: 0x00000110)
    /// 5.0: bad broadcast_service_group
    public static let invalidBroadcastServiceGroup = CommandStatus(rawValue: 0x00000111)
    /// 5.0: bad broadcast_channel_indicator
    public static let invalidBroadcastChannelIndicator = CommandStatus(rawValue: 0x00000112)

    /// The spec name (`ESME_RINVCMDLEN`, 5.0 names for the TLV errors), or a hex form when unnamed.
    public var name: String { Self.names[rawValue] ?? hex32(rawValue) }

    /// What the status means, in a few words.
    public var meaning: String { Self.meanings[rawValue] ?? "unknown status" }

    public var description: String { name }

    /// Looks a status up by its spec name; accepts the SMPP 3.4 names of the TLV errors too.
    public init?(name: String) {
        let upper = name.uppercased()
        guard let raw = Self.byName[upper] ?? Self.byName["ESME_" + upper] else { return nil }
        self.init(rawValue: raw)
    }

    private static let names: [UInt32: String] = [
        0x00000000: "ESME_ROK",
        0x00000001: "ESME_RINVMSGLEN",
        0x00000002: "ESME_RINVCMDLEN",
        0x00000003: "ESME_RINVCMDID",
        0x00000004: "ESME_RINVBNDSTS",
        0x00000005: "ESME_RALYBND",
        0x00000006: "ESME_RINVPRTFLG",
        0x00000007: "ESME_RINVREGDLVFLG",
        0x00000008: "ESME_RSYSERR",
        0x0000000A: "ESME_RINVSRCADR",
        0x0000000B: "ESME_RINVDSTADR",
        0x0000000C: "ESME_RINVMSGID",
        0x0000000D: "ESME_RBINDFAIL",
        0x0000000E: "ESME_RINVPASWD",
        0x0000000F: "ESME_RINVSYSID",
        0x00000011: "ESME_RCANCELFAIL",
        0x00000013: "ESME_RREPLACEFAIL",
        0x00000014: "ESME_RMSGQFUL",
        0x00000015: "ESME_RINVSERTYP",
        0x00000033: "ESME_RINVNUMDESTS",
        0x00000034: "ESME_RINVDLNAME",
        0x00000040: "ESME_RINVDESTFLAG",
        0x00000042: "ESME_RINVSUBREP",
        0x00000043: "ESME_RINVESMCLASS",
        0x00000044: "ESME_RCNTSUBDL",
        0x00000045: "ESME_RSUBMITFAIL",
        0x00000048: "ESME_RINVSRCTON",
        0x00000049: "ESME_RINVSRCNPI",
        0x00000050: "ESME_RINVDSTTON",
        0x00000051: "ESME_RINVDSTNPI",
        0x00000053: "ESME_RINVSYSTYP",
        0x00000054: "ESME_RINVREPFLAG",
        0x00000055: "ESME_RINVNUMMSGS",
        0x00000058: "ESME_RTHROTTLED",
        0x00000061: "ESME_RINVSCHED",
        0x00000062: "ESME_RINVEXPIRY",
        0x00000063: "ESME_RINVDFTMSGID",
        0x00000064: "ESME_RX_T_APPN",
        0x00000065: "ESME_RX_P_APPN",
        0x00000066: "ESME_RX_R_APPN",
        0x00000067: "ESME_RQUERYFAIL",
        0x000000C0: "ESME_RINVTLVSTREAM",
        0x000000C1: "ESME_RTLVNOTALLWD",
        0x000000C2: "ESME_RINVTLVLEN",
        0x000000C3: "ESME_RMISSINGTLV",
        0x000000C4: "ESME_RINVTLVVAL",
        0x000000FE: "ESME_RDELIVERYFAILURE",
        0x000000FF: "ESME_RUNKNOWNERR",
        0x00000100: "ESME_RSERTYPUNAUTH",
        0x00000101: "ESME_RPROHIBITED",
        0x00000102: "ESME_RSERTYPUNAVAIL",
        0x00000103: "ESME_RSERTYPDENIED",
        0x00000104: "ESME_RINVDCS",
        0x00000105: "ESME_RINVSRCADDRSUBUNIT",
        0x00000106: "ESME_RINVDSTADDRSUBUNIT",
        0x00000107: "ESME_RINVBCASTFREQINT",
        0x00000108: "ESME_RINVBCASTALIAS_NAME",
        0x00000109: "ESME_RINVBCASTAREAFMT",
        0x0000010A: "ESME_RINVNUMBCAST_AREAS",
        0x0000010B: "ESME_RINVBCASTCNTTYPE",
        0x0000010C: "ESME_RINVBCASTMSGCLASS",
        0x0000010D: "ESME_RBCASTFAIL",
        0x0000010E: "ESME_RBCASTQUERYFAIL",
        0x0000010F: "ESME_RBCASTCANCELFAIL",
        0x00000110: "ESME_RINVBCAST_REP",
        0x00000111: "ESME_RINVBCASTSRVGRP",
        0x00000112: "ESME_RINVBCASTCHANIND",
    ]
    private static let meanings: [UInt32: String] = [
        0x00000000: "success",
        0x00000001: "bad message length (sm_length / payload)",
        0x00000002: "bad command_length",
        0x00000003: "unknown command_id",
        0x00000004: "command not allowed in current bind state",
        0x00000005: "already bound",
        0x00000006: "bad priority_flag",
        0x00000007: "bad registered_delivery",
        0x00000008: "internal error at the receiver",
        0x0000000A: "bad source address",
        0x0000000B: "bad destination address",
        0x0000000C: "bad message_id",
        0x0000000D: "bind refused (generic)",
        0x0000000E: "wrong password",
        0x0000000F: "unknown system_id",
        0x00000011: "cancel_sm failed",
        0x00000013: "replace_sm failed",
        0x00000014: "message queue full",
        0x00000015: "bad service_type",
        0x00000033: "bad number_of_dests",
        0x00000034: "bad distribution list name",
        0x00000040: "bad dest_flag (submit_multi)",
        0x00000042: "replace_if_present not allowed / failed",
        0x00000043: "bad esm_class",
        0x00000044: "cannot submit to distribution list",
        0x00000045: "submit_sm / submit_multi failed",
        0x00000048: "bad source TON",
        0x00000049: "bad source NPI",
        0x00000050: "bad destination TON",
        0x00000051: "bad destination NPI",
        0x00000053: "bad system_type",
        0x00000054: "bad replace_if_present_flag",
        0x00000055: "bad number of messages",
        0x00000058: "sender exceeded its rate",
        0x00000061: "bad schedule_delivery_time",
        0x00000062: "bad validity_period",
        0x00000063: "bad / unknown sm_default_msg_id",
        0x00000064: "ESME receiver: temporary application error, retry later",
        0x00000065: "ESME receiver: permanent application error, do not retry",
        0x00000066: "ESME receiver: message rejected",
        0x00000067: "query_sm failed",
        0x000000C0: "TLV area malformed (e.g. runs past end)",
        0x000000C1: "TLV not allowed here",
        0x000000C2: "TLV length wrong for that tag",
        0x000000C3: "required TLV missing",
        0x000000C4: "TLV value invalid",
        0x000000FE: "delivery failed (data_sm_resp)",
        0x000000FF: "unknown error",
        0x00000100: "5.0: not authorised for this service_type",
        0x00000101: "5.0: operation prohibited for this ESME",
        0x00000102: "5.0: service_type unavailable",
        0x00000103: "5.0: service_type denied",
        0x00000104: "5.0: bad data_coding",
        0x00000105: "5.0: bad source subunit",
        0x00000106: "5.0: bad destination subunit",
        0x00000107: "5.0: bad broadcast_frequency_interval",
        0x00000108: "5.0: bad broadcast alias name",
        0x00000109: "5.0: bad broadcast area format",
        0x0000010A: "5.0: bad number of broadcast areas",
        0x0000010B: "5.0: bad broadcast_content_type",
        0x0000010C: "5.0: bad broadcast_message_class",
        0x0000010D: "5.0: broadcast_sm failed",
        0x0000010E: "5.0: query_broadcast_sm failed",
        0x0000010F: "5.0: cancel_broadcast_sm failed",
        0x00000110: "5.0: bad broadcast_rep_num",
        0x00000111: "5.0: bad broadcast_service_group",
        0x00000112: "5.0: bad broadcast_channel_indicator",
    ]
    private static let byName: [String: UInt32] = {
        var table = Dictionary(uniqueKeysWithValues: names.map { ($1, $0) })
        table["ESME_RINVOPTPARSTREAM"] = 0x000000C0
        table["ESME_ROPTPARNOTALLWD"] = 0x000000C1
        table["ESME_RINVPARLEN"] = 0x000000C2
        table["ESME_RMISSINGOPTPARAM"] = 0x000000C3
        table["ESME_RINVOPTPARAMVAL"] = 0x000000C4
        return table
    }()
}
