import Foundation

/// One message as Tern keeps it: what the client submitted (in wire terms, so it can be
/// forwarded unchanged), who sent it, and where it is now.
///
/// A long message sent as several submit_sm parts is several `Message`s (each part has the id its
/// submit_sm_resp returned, as clients expect) joined by `concatenation`, so the parts of one
/// logical message can be found together.
public struct Message: Sendable, Hashable {
    /// The values, in a box shared by copies until one of them changes (copy on write). A
    /// message goes from the session to the store, the dispatcher's queue, the connector and
    /// the receipt's bookkeeping, and as a plain struct of some thirty fields each of those
    /// copies moved 300 octets and retained and released its nine strings and arrays (perf);
    /// now a copy is one reference.
    private var storage: Storage

    private final class Storage: @unchecked Sendable {
        // Changed only through `unique()`, when this is the only reference: never shared while
        // it changes, so sending it between threads is safe. For the same reason no two
        // accesses can overlap, so the run-time exclusivity check is off: with it, every read
        // of a field paid for one (perf: more than the copies the box saves).
        @exclusivity(unchecked) var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    /// The message's values as they were stored directly in it.
    private struct Fields: Hashable {
        var id: MessageID
        var accountID: Int64
        var systemID: String
        var serviceType: String
        var source: WireAddress
        var destination: WireAddress
        var esmClass: UInt8
        var protocolID: UInt8
        var priority: UInt8
        var registeredDelivery: UInt8
        var dataCoding: UInt8
        var shortMessage: [UInt8]
        var tlvs: [UInt8]
        var concatenation: Concatenation?
        var receivedAt: Date
        var scheduledAt: Date?
        var expiresAt: Date?
        var state: MessageLifecycle
        var connector: String?
        var upstreamID: String?
        var attempts: Int
        var errorCode: Int?
        var price: Int?
        var resellerPrice: Int?
        var resellerID: Int64?
        var campaign: String?
        var charged: Bool = false
    }

    /// The box, made this copy's own first if another copy shares it.
    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
        return storage
    }

    public static func == (lhs: Message, rhs: Message) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) {
        storage.fields.hash(into: &hasher)
    }

    // Each value read from the box; changed in place in this copy's own box (`_modify`, which
    // also serves as the setter).
    public var id: MessageID { get { storage.fields.id } _modify { yield &unique().fields.id } }
    public var accountID: Int64 { get { storage.fields.accountID } _modify { yield &unique().fields.accountID } }
    public var systemID: String { get { storage.fields.systemID } _modify { yield &unique().fields.systemID } }
    public var serviceType: String { get { storage.fields.serviceType } _modify { yield &unique().fields.serviceType } }
    public var source: WireAddress { get { storage.fields.source } _modify { yield &unique().fields.source } }
    public var destination: WireAddress { get { storage.fields.destination } _modify { yield &unique().fields.destination } }
    public var esmClass: UInt8 { get { storage.fields.esmClass } _modify { yield &unique().fields.esmClass } }
    public var protocolID: UInt8 { get { storage.fields.protocolID } _modify { yield &unique().fields.protocolID } }
    public var priority: UInt8 { get { storage.fields.priority } _modify { yield &unique().fields.priority } }
    public var registeredDelivery: UInt8 { get { storage.fields.registeredDelivery } _modify { yield &unique().fields.registeredDelivery } }
    public var dataCoding: UInt8 { get { storage.fields.dataCoding } _modify { yield &unique().fields.dataCoding } }

    /// short_message as submitted (may start with a UDH when esm_class says so).
    public var shortMessage: [UInt8] { get { storage.fields.shortMessage } _modify { yield &unique().fields.shortMessage } }

    /// The optional parameters to forward (message_payload, SAR, …), encoded as on the wire.
    public var tlvs: [UInt8] { get { storage.fields.tlvs } _modify { yield &unique().fields.tlvs } }
    public var concatenation: Concatenation? { get { storage.fields.concatenation } _modify { yield &unique().fields.concatenation } }
    public var receivedAt: Date { get { storage.fields.receivedAt } _modify { yield &unique().fields.receivedAt } }

    /// schedule_delivery_time, resolved to an absolute time.
    public var scheduledAt: Date? { get { storage.fields.scheduledAt } _modify { yield &unique().fields.scheduledAt } }

    /// validity_period resolved to an absolute time; after it the message expires.
    public var expiresAt: Date? { get { storage.fields.expiresAt } _modify { yield &unique().fields.expiresAt } }
    public var state: MessageLifecycle { get { storage.fields.state } _modify { yield &unique().fields.state } }
    public var connector: String? { get { storage.fields.connector } _modify { yield &unique().fields.connector } }
    public var upstreamID: String? { get { storage.fields.upstreamID } _modify { yield &unique().fields.upstreamID } }
    public var attempts: Int { get { storage.fields.attempts } _modify { yield &unique().fields.attempts } }

    /// The last error: an SMPP command_status or a receipt's `err:` code.
    public var errorCode: Int? { get { storage.fields.errorCode } _modify { yield &unique().fields.errorCode } }

    /// What the account pays for it, in integer minor units (from the `bill` hook).
    public var price: Int? { get { storage.fields.price } _modify { yield &unique().fields.price } }

    /// What the account's reseller pays for it.
    public var resellerPrice: Int? { get { storage.fields.resellerPrice } _modify { yield &unique().fields.resellerPrice } }

    /// The reseller `resellerPrice` is charged to.
    public var resellerID: Int64? { get { storage.fields.resellerID } _modify { yield &unique().fields.resellerID } }

    /// The campaign the client named (HTTP `campaign`, or the SMPP field the config names).
    public var campaign: String? { get { storage.fields.campaign } _modify { yield &unique().fields.campaign } }

    /// Whether the prices were taken from the balances (set by the store when it accepts the
    /// message; a message refused for credit is kept with this false).
    public var charged: Bool { get { storage.fields.charged } _modify { yield &unique().fields.charged } }

    public init(
        id: MessageID, accountID: Int64, systemID: String, serviceType: String = "",
        source: WireAddress, destination: WireAddress, esmClass: UInt8 = 0, protocolID: UInt8 = 0,
        priority: UInt8 = 0, registeredDelivery: UInt8 = 0, dataCoding: UInt8 = 0,
        shortMessage: [UInt8], tlvs: [UInt8] = [], concatenation: Concatenation? = nil,
        receivedAt: Date, scheduledAt: Date? = nil, expiresAt: Date? = nil,
        state: MessageLifecycle = .accepted, connector: String? = nil, upstreamID: String? = nil,
        attempts: Int = 0, errorCode: Int? = nil, price: Int? = nil, resellerPrice: Int? = nil
    ) {
        storage = Storage(Fields(
            id: id, accountID: accountID, systemID: systemID, serviceType: serviceType, source: source,
            destination: destination, esmClass: esmClass, protocolID: protocolID, priority: priority,
            registeredDelivery: registeredDelivery, dataCoding: dataCoding, shortMessage: shortMessage, tlvs: tlvs,
            concatenation: concatenation, receivedAt: receivedAt, scheduledAt: scheduledAt, expiresAt: expiresAt,
            state: state, connector: connector, upstreamID: upstreamID, attempts: attempts, errorCode: errorCode,
            price: price, resellerPrice: resellerPrice))
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
