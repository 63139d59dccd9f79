/// A mandatory C-Octet String field: its spec name, its maximum size on the wire (the NUL
/// included, as the reference counts it) and the status a receiver answers when it is too long.
public struct CStringField: Sendable {
    public let name: String
    /// Maximum octets including the terminating NUL.
    public let maxLength: Int
    /// Status for a value that breaks the limit or is not valid text.
    public let status: CommandStatus

    @usableFromInline @inline(__always)
    init(_ name: String, _ maxLength: Int, _ status: CommandStatus) {
        self.name = name
        self.maxLength = maxLength
        self.status = status
    }

    // Computed rather than stored: each use folds to constants in the reader and writer, where a
    // stored `static let` would cost a lazy-initialisation check and a copy of the name per field.

    static var serviceType: CStringField { CStringField("service_type", 6, .invalidServiceType) }
    static var sourceAddr: CStringField { CStringField("source_addr", 21, .invalidSourceAddress) }
    static var sourceAddr65: CStringField { CStringField("source_addr", 65, .invalidSourceAddress) }
    static var destinationAddr: CStringField { CStringField("destination_addr", 21, .invalidDestinationAddress) }
    static var destinationAddr65: CStringField { CStringField("destination_addr", 65, .invalidDestinationAddress) }
    static var esmeAddr: CStringField { CStringField("esme_addr", 65, .invalidDestinationAddress) }
    static var dlName: CStringField { CStringField("dl_name", 21, .invalidDistributionListName) }
    static var messageID: CStringField { CStringField("message_id", 65, .invalidMessageID) }
    static var systemID: CStringField { CStringField("system_id", 16, .invalidSystemID) }
    static var password: CStringField { CStringField("password", 9, .invalidPassword) }
    static var systemType: CStringField { CStringField("system_type", 13, .invalidSystemType) }
    static var addressRange: CStringField { CStringField("address_range", 41, .invalidSourceAddress) }
    static var scheduleDeliveryTime: CStringField { CStringField("schedule_delivery_time", 17, .invalidScheduleDeliveryTime) }
    static var validityPeriod: CStringField { CStringField("validity_period", 17, .invalidExpiry) }
    static var finalDate: CStringField { CStringField("final_date", 17, .invalidMessageID) }
}
