import Foundation
import Gateway
import GRDB

/// Applies the writes of one group commit inside the transaction `SQLiteMessageStore.apply`
/// opened. The hot path: arguments are bound positionally to prepared statements, with no
/// record types and no column-name lookups.
struct WriteBatch {
    private let db: Database
    /// Fetched once per batch: `cachedStatement(sql:)` hashes the whole SQL text on every call.
    private var insertMessage: Statement?
    private var insertEvent: Statement?
    private var updateState: Statement?
    private var replaceMessage: Statement?
    private var insertReplaceEvent: Statement?
    private var upsertReceipt: Statement?
    private var deleteReceipt: Statement?
    /// `apply` time for writes that carry none (replace_sm).
    private let now: Double

    init(_ db: Database) {
        self.db = db
        now = Date().timeIntervalSince1970
    }

    /// Returns the id of a message a write was about but which does not exist; nothing was
    /// written for it.
    mutating func apply(_ write: StoreWrite) throws -> MessageID? {
        switch write {
        case .accept(let message):
            try accept(message)
        case .transition(let transition):
            if try !apply(transition) { return transition.messageID }
        case .replace(let id, let shortMessage, let expiresAt, let scheduledAt, let registeredDelivery):
            if try !replace(id, shortMessage: shortMessage, expiresAt: expiresAt, scheduledAt: scheduledAt,
                            registeredDelivery: registeredDelivery) { return id }
        case .queueReceipt(let receipt):
            let statement = try cached(\.upsertReceipt, """
                INSERT OR REPLACE INTO pending_receipts (message_id, account_id, state, error_code, done_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
            try statement.execute(arguments: [
                receipt.messageID.rawValue, receipt.accountID, receipt.state.rawValue, receipt.errorCode,
                receipt.doneAt.timeIntervalSince1970, receipt.expiresAt.timeIntervalSince1970,
            ])
        case .removeReceipt(let id):
            let statement = try cached(\.deleteReceipt, "DELETE FROM pending_receipts WHERE message_id = ?")
            try statement.execute(arguments: [id.rawValue])
        }
        return nil
    }

    private mutating func accept(_ message: Message) throws {
        let statement = try cached(\.insertMessage, """
            INSERT INTO messages (id, account_id, system_id, service_type,
                source_ton, source_npi, source_value, destination_ton, destination_npi, destination_value,
                esm_class, protocol_id, priority, registered_delivery, data_coding, short_message, tlvs,
                concat_reference, concat_total, concat_sequence, received_at, scheduled_at, expires_at,
                state, connector, upstream_id, upstream_key, attempts, error_code, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let receivedAt = message.receivedAt.timeIntervalSince1970
        let values: [(any DatabaseValueConvertible)?] = [
            message.id.rawValue, message.accountID, message.systemID, message.serviceType,
            message.source.ton, message.source.npi, message.source.value,
            message.destination.ton, message.destination.npi, message.destination.value,
            message.esmClass, message.protocolID, message.priority, message.registeredDelivery, message.dataCoding,
            Data(message.shortMessage), Data(message.tlvs),
            message.concatenation?.reference, message.concatenation?.total, message.concatenation?.sequence,
            receivedAt, message.scheduledAt?.timeIntervalSince1970, message.expiresAt?.timeIntervalSince1970,
            message.state.rawValue, message.connector, message.upstreamID,
            message.upstreamID.map(UpstreamMessageID.canonical), message.attempts, message.errorCode, receivedAt,
        ]
        try statement.execute(arguments: StatementArguments(values))
        try appendEvent(MessageEvent(
            messageID: message.id, at: message.receivedAt, state: message.state, connector: message.connector,
            upstreamID: message.upstreamID, errorCode: message.errorCode))
    }

    /// Returns false when the message does not exist.
    private mutating func apply(_ transition: MessageTransition) throws -> Bool {
        // COALESCE keeps what an earlier transition recorded when this one says nothing about it
        // (a receipt names no connector; the connector stays the one that submitted).
        let statement = try cached(\.updateState, """
            UPDATE messages SET state = ?, connector = COALESCE(?, connector),
                upstream_id = COALESCE(?, upstream_id), upstream_key = COALESCE(?, upstream_key),
                error_code = COALESCE(?, error_code), attempts = attempts + ?, updated_at = ?
            WHERE id = ?
            """)
        try statement.execute(arguments: [
            transition.state.rawValue, transition.connector, transition.upstreamID,
            transition.upstreamID.map(UpstreamMessageID.canonical), transition.errorCode,
            transition.state == .retrying ? 1 : 0, transition.at.timeIntervalSince1970, transition.messageID.rawValue,
        ])
        if db.changesCount == 0 { return false }
        try appendEvent(transition)
        return true
    }

    /// Returns false when the message does not exist. nil keeps the stored value, as a NULL
    /// field does in replace_sm (SMPP 3.4 §4.10.1).
    private mutating func replace(_ id: MessageID, shortMessage: [UInt8], expiresAt: Date?, scheduledAt: Date?,
                                  registeredDelivery: UInt8?) throws -> Bool {
        let update = try cached(\.replaceMessage, """
            UPDATE messages SET short_message = ?, expires_at = COALESCE(?, expires_at),
                scheduled_at = COALESCE(?, scheduled_at),
                registered_delivery = COALESCE(?, registered_delivery), updated_at = ?
            WHERE id = ?
            """)
        try update.execute(arguments: [
            Data(shortMessage), expiresAt?.timeIntervalSince1970, scheduledAt?.timeIntervalSince1970,
            registeredDelivery, now, id.rawValue,
        ])
        if db.changesCount == 0 { return false }
        // The timeline shows the replacement under the state the message was in.
        let event = try cached(\.insertReplaceEvent, """
            INSERT INTO message_events (message_id, at, state, detail)
            SELECT id, ?, state, 'replace_sm' FROM messages WHERE id = ?
            """)
        try event.execute(arguments: [now, id.rawValue])
        return true
    }

    private mutating func appendEvent(_ event: MessageEvent) throws {
        let statement = try cached(\.insertEvent, """
            INSERT INTO message_events (message_id, at, state, connector, upstream_id, error_code, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [
            event.messageID.rawValue, event.at.timeIntervalSince1970, event.state.rawValue, event.connector,
            event.upstreamID, event.errorCode, event.detail,
        ])
    }

    private mutating func cached(_ slot: WritableKeyPath<WriteBatch, Statement?>, _ sql: String) throws -> Statement {
        if let statement = self[keyPath: slot] { return statement }
        let statement = try db.cachedStatement(sql: sql)
        self[keyPath: slot] = statement
        return statement
    }
}
