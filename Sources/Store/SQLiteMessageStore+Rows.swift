import Foundation
import Gateway
import GRDB

/// Reads a row's columns left to right, in the order of the SELECT that produced it, throwing
/// instead of trapping when a stored value does not fit (the file may have been edited by hand).
struct RowReader {
    let row: Row
    private var index = 0

    init(_ row: Row) { self.row = row }

    mutating func next<Value: DatabaseValueConvertible & StatementColumnConvertible>(
        _ type: Value.Type = Value.self
    ) throws -> Value {
        defer { index += 1 }
        return try row.decode(Value.self, atIndex: index)
    }

    mutating func byte(_ column: String) throws -> UInt8 {
        let value = try next(Int64.self)
        guard let byte = UInt8(exactly: value) else { throw SQLiteMessageStore.corrupt("\(column) = \(value) is not a byte") }
        return byte
    }

    /// An address stored as three columns: `<prefix>_ton`, `<prefix>_npi`, `<prefix>_value`.
    mutating func address(_ prefix: String) throws -> WireAddress {
        WireAddress(ton: try byte(prefix + "_ton"), npi: try byte(prefix + "_npi"), value: try next(String.self))
    }

    mutating func date() throws -> Date {
        Date(timeIntervalSince1970: try next(Double.self))
    }

    mutating func optionalDate() throws -> Date? {
        try next(Double?.self).map(Date.init(timeIntervalSince1970:))
    }

    /// Blobs: SQLite hands back NULL for an empty array bound without a buffer, so both mean empty.
    mutating func bytes() throws -> [UInt8] {
        try next(Data?.self).map { [UInt8]($0) } ?? []
    }

    mutating func state() throws -> MessageLifecycle {
        let text = try next(String.self)
        guard let state = MessageLifecycle(rawValue: text) else { throw SQLiteMessageStore.corrupt("unknown state '\(text)'") }
        return state
    }
}

extension SQLiteMessageStore {
    /// The SELECT list `message(from:)` expects, in its order.
    static let messageColumns = "id, " + messageColumnsAfterID
    /// `messageColumns` but the first, for a SELECT that takes the id from an index's own column.
    static let messageColumnsAfterID = """
        account_id, system_id, service_type, source_ton, source_npi, source_value, \
        destination_ton, destination_npi, destination_value, esm_class, protocol_id, priority, \
        registered_delivery, data_coding, short_message, tlvs, concat_reference, concat_total, \
        concat_sequence, received_at, scheduled_at, expires_at, state, connector, upstream_id, \
        attempts, error_code, price, reseller_price, reseller_id, campaign, charged
        """

    static func message(from row: Row) throws -> Message {
        var reader = RowReader(row)
        let id = MessageID(rawValue: try reader.next(Int64.self))
        let accountID = try reader.next(Int64.self)
        let systemID = try reader.next(String.self)
        let serviceType = try reader.next(String.self)
        let source = try reader.address("source")
        let destination = try reader.address("destination")
        let esmClass = try reader.byte("esm_class")
        let protocolID = try reader.byte("protocol_id")
        let priority = try reader.byte("priority")
        let registeredDelivery = try reader.byte("registered_delivery")
        let dataCoding = try reader.byte("data_coding")
        let shortMessage = try reader.bytes()
        let tlvs = try reader.bytes()
        let reference = try reader.next(Int?.self)
        let total = try reader.next(Int?.self)
        let sequence = try reader.next(Int?.self)
        var concatenation: Concatenation?
        if let reference, let total, let sequence {
            concatenation = Concatenation(reference: reference, total: total, sequence: sequence)
        }
        var message = Message(
            id: id, accountID: accountID, systemID: systemID, serviceType: serviceType,
            source: source, destination: destination, esmClass: esmClass, protocolID: protocolID,
            priority: priority, registeredDelivery: registeredDelivery, dataCoding: dataCoding,
            shortMessage: shortMessage, tlvs: tlvs, concatenation: concatenation,
            receivedAt: try reader.date(), scheduledAt: try reader.optionalDate(), expiresAt: try reader.optionalDate(),
            state: try reader.state(), connector: try reader.next(String?.self), upstreamID: try reader.next(String?.self),
            attempts: try reader.next(Int.self), errorCode: try reader.next(Int?.self),
            price: try reader.next(Int?.self), resellerPrice: try reader.next(Int?.self))
        message.resellerID = try reader.next(Int64?.self)
        message.campaign = try reader.next(String?.self)
        message.charged = try reader.next(Bool.self)
        return message
    }

    static let pendingReceiptColumns = "message_id, account_id, state, error_code, done_at, expires_at"

    static func pendingReceipt(from row: Row) throws -> PendingReceipt {
        var reader = RowReader(row)
        return PendingReceipt(
            messageID: MessageID(rawValue: try reader.next(Int64.self)), accountID: try reader.next(Int64.self),
            state: try reader.state(), errorCode: try reader.next(Int.self), doneAt: try reader.date(), expiresAt: try reader.date())
    }

    static let accountColumns = """
        id, system_id, password_hash, enabled, max_binds, throughput, allowed_networks, \
        receipt_keep_seconds, receipts_enabled, reseller_id, policy, role, name, login_hash, \
        allowed_senders, price_plan
        """

    static func account(from row: Row) throws -> Account {
        var reader = RowReader(row)
        let id = try reader.next(Int64.self)
        let systemID = try reader.next(String.self)
        let passwordHash = PasswordHash(encoded: try reader.next(String.self))
        let enabled = try reader.next(Bool.self)
        let maxBinds = try reader.next(Int.self)
        let throughput = try reader.next(Int?.self)
        let networks = try allowedNetworks(fromColumn: try reader.next(String.self), systemID: systemID)
        let receipts = ReceiptPreferences(keepSeconds: try reader.next(Int.self), enabled: try reader.next(Bool.self))
        var account = Account(
            id: id, systemID: systemID, passwordHash: passwordHash, enabled: enabled, maxBinds: maxBinds,
            throughput: throughput, allowedNetworks: networks, receipts: receipts,
            resellerID: try reader.next(Int64?.self), policy: try reader.next(String?.self))
        let role = try reader.next(String.self)
        guard let parsedRole = AccountRole(rawValue: role) else { throw corrupt("account '\(systemID)' has an unknown role '\(role)'") }
        account.role = parsedRole
        account.name = try reader.next(String.self)
        account.loginPasswordHash = try reader.next(String?.self).map(PasswordHash.init(encoded:))
        account.allowedSenders = try reader.next(String.self).split(separator: ",").map(String.init)
        if let plan = try reader.next(String?.self) {
            do {
                account.pricePlan = try JSONDecoder().decode(PricePlan.self, from: Data(plan.utf8))
            } catch {
                throw corrupt("account '\(systemID)' has a price plan that is not JSON: \(error)")
            }
        }
        return account
    }

    static func pricePlanColumn(_ plan: PricePlan?) -> String? {
        guard let plan else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(plan)).map { String(decoding: $0, as: UTF8.self) }
    }

    static func allowedNetworksColumn(_ networks: [IPNetwork]) -> String {
        networks.map(\.description).joined(separator: ",")
    }

    /// An entry that does not parse is an error, not skipped: dropping every entry would leave
    /// an empty list, which allows binds from anywhere.
    static func allowedNetworks(fromColumn text: String, systemID: String) throws -> [IPNetwork] {
        try text.split(separator: ",").compactMap { part -> IPNetwork? in
            let entry = part.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty { return nil }
            guard let network = IPNetwork(entry) else {
                throw corrupt("account '\(systemID)' has an allowed network that is not CIDR: '\(entry)'")
            }
            return network
        }
    }

    static func corrupt(_ reason: String) -> StoreError {
        .unavailable("unreadable row in the database: \(reason)")
    }
}
