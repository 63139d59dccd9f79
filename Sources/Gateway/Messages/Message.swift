import Foundation

/// One message as Tern keeps it: what the client submitted (in wire terms, so it can be
/// forwarded unchanged), who sent it, and where it is now.
///
/// A long message sent as several submit_sm parts is several `Message`s (each part has the id its
/// submit_sm_resp returned, as clients expect) joined by `concatenation`, so the parts of one
/// logical message can be found together.
public struct Message: Sendable, Hashable {
    public var id: MessageID
    public var accountID: Int64
    public var systemID: String
    public var serviceType: String
    public var source: WireAddress
    public var destination: WireAddress
    public var esmClass: UInt8
    public var protocolID: UInt8
    public var priority: UInt8
    public var registeredDelivery: UInt8
    public var dataCoding: UInt8
    /// short_message as submitted (may start with a UDH when esm_class says so).
    public var shortMessage: [UInt8]
    /// The optional parameters to forward (message_payload, SAR, …), encoded as on the wire.
    public var tlvs: [UInt8]
    public var concatenation: Concatenation?
    public var receivedAt: Date
    /// schedule_delivery_time, resolved to an absolute time.
    public var scheduledAt: Date?
    /// validity_period resolved to an absolute time; after it the message expires.
    public var expiresAt: Date?
    public var state: MessageLifecycle
    public var connector: String?
    public var upstreamID: String?
    public var attempts: Int
    /// The last error: an SMPP command_status or a receipt's `err:` code.
    public var errorCode: Int?
    /// What the account pays for it, in integer minor units (from the `bill` hook).
    public var price: Int?
    /// What the account's reseller pays for it.
    public var resellerPrice: Int?
    /// The reseller `resellerPrice` is charged to.
    public var resellerID: Int64?
    /// The campaign the client named (HTTP `campaign`, or the SMPP field the config names).
    public var campaign: String?
    /// Whether the prices were taken from the balances (set by the store when it accepts the
    /// message; a message refused for credit is kept with this false).
    public var charged: Bool = false

    public init(
        id: MessageID, accountID: Int64, systemID: String, serviceType: String = "",
        source: WireAddress, destination: WireAddress, esmClass: UInt8 = 0, protocolID: UInt8 = 0,
        priority: UInt8 = 0, registeredDelivery: UInt8 = 0, dataCoding: UInt8 = 0,
        shortMessage: [UInt8], tlvs: [UInt8] = [], concatenation: Concatenation? = nil,
        receivedAt: Date, scheduledAt: Date? = nil, expiresAt: Date? = nil,
        state: MessageLifecycle = .accepted, connector: String? = nil, upstreamID: String? = nil,
        attempts: Int = 0, errorCode: Int? = nil, price: Int? = nil, resellerPrice: Int? = nil
    ) {
        self.price = price
        self.resellerPrice = resellerPrice
        self.id = id
        self.accountID = accountID
        self.systemID = systemID
        self.serviceType = serviceType
        self.source = source
        self.destination = destination
        self.esmClass = esmClass
        self.protocolID = protocolID
        self.priority = priority
        self.registeredDelivery = registeredDelivery
        self.dataCoding = dataCoding
        self.shortMessage = shortMessage
        self.tlvs = tlvs
        self.concatenation = concatenation
        self.receivedAt = receivedAt
        self.scheduledAt = scheduledAt
        self.expiresAt = expiresAt
        self.state = state
        self.connector = connector
        self.upstreamID = upstreamID
        self.attempts = attempts
        self.errorCode = errorCode
    }
}

/// An SMPP address in plain values (TON, NPI, digits or alphanumeric sender).
public struct WireAddress: Sendable, Hashable, Codable {
    public var ton: UInt8
    public var npi: UInt8
    public var value: String

    public init(ton: UInt8 = 0, npi: UInt8 = 0, value: String) {
        self.ton = ton
        self.npi = npi
        self.value = value
    }
}

/// Which part of a long message this is (from the UDH or the SAR TLVs).
public struct Concatenation: Sendable, Hashable, Codable {
    public var reference: Int
    public var total: Int
    public var sequence: Int

    public init(reference: Int, total: Int, sequence: Int) {
        self.reference = reference
        self.total = total
        self.sequence = sequence
    }
}
