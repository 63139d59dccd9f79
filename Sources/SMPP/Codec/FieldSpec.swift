/// A mandatory C-Octet String field: its spec name, its maximum size on the wire (the NUL
/// included, as the reference counts it) and the status a receiver answers when it is too long.
public struct CStringField: Sendable {
    public let name: String
    /// Maximum octets including the terminating NUL.
    public let maxLength: Int
    /// Status for a value that breaks the limit or is not valid text.
    public let status: CommandStatus

    @usableFromInline
    init(_ name: String, _ maxLength: Int, _ status: CommandStatus) {
        self.name = name
        self.maxLength = maxLength
        self.status = status
    }

    static let serviceType = CStringField("service_type", 6, .invalidServiceType)
    static let sourceAddr = CStringField("source_addr", 21, .invalidSourceAddress)
    static let sourceAddr65 = CStringField("source_addr", 65, .invalidSourceAddress)
    static let destinationAddr = CStringField("destination_addr", 21, .invalidDestinationAddress)
    static let destinationAddr65 = CStringField("destination_addr", 65, .invalidDestinationAddress)
    static let esmeAddr = CStringField("esme_addr", 65, .invalidDestinationAddress)
    static let dlName = CStringField("dl_name", 21, .invalidDistributionListName)
    static let messageID = CStringField("message_id", 65, .invalidMessageID)
    static let systemID = CStringField("system_id", 16, .invalidSystemID)
    static let password = CStringField("password", 9, .invalidPassword)
    static let systemType = CStringField("system_type", 13, .invalidSystemType)
    static let addressRange = CStringField("address_range", 41, .invalidSourceAddress)
    static let scheduleDeliveryTime = CStringField("schedule_delivery_time", 17, .invalidScheduleDeliveryTime)
    static let validityPeriod = CStringField("validity_period", 17, .invalidExpiry)
    static let finalDate = CStringField("final_date", 17, .invalidMessageID)
}
