import Gateway
import GRDB

/// Matching a receipt to its message when the gateway's `CorrelationCache` does not have it
/// (a restart, a late or repeated receipt): by the key of its upstream id (`connector`,
/// `upstream_key`).
///
/// A submitted message's key is in its `message_state` row, and `upstream_key_log` gets its
/// hash (`IndexKeyHash`) whenever that row takes a key or a connector (`WriteBatch`); the
/// index by upstream key (`LoggedIndex.Layout.upstreamKeys`) is made from the log. The log
/// keeps every key a message ever had, under a hash two keys may share, so each candidate is
/// checked against the message's row: only its current connector and key match, as they did
/// when the lookup read an index on `message_state`.
extension SQLiteMessageStore {
    public func message(connector: String, upstreamIDs: [String]) async throws -> Message? {
        if upstreamIDs.isEmpty { return nil }
        let recent = upstreamKeys.recent
        return try await pool.read { db in
            // Memory before the file: entries leave memory only once the file holds them
            // (`RecentLogEntries`). Whatever this read's snapshot of the store lacks, its
            // candidates fail the check against the state row, which the same transaction as
            // their log entry wrote: the answer is the store's as of that snapshot.
            let hashes = upstreamIDs.map { IndexKeyHash.upstream(connector: connector, key: $0) }
            let remembered = recent.lookup(hashes)
            let generations = try LoggedIndex.generations(db, .upstreamKeys)
            let merged = try Int64.fetchOne(db.cachedStatement(sql: LoggedIndex.Layout.upstreamKeys.mergedThroughSQL)) ?? 0
            let row = try db.cachedStatement(sql: "SELECT \(Self.messageColumns) FROM message_view WHERE id = ?")
            // Newest first: an upstream that reuses its ids over the years means the recent
            // message. Each reading of the id in turn, the plain one first.
            for (index, key) in upstreamIDs.enumerated() {
                var candidates = remembered.ids[index]
                for range in Self.unremembered(after: merged, floor: remembered.floor, readThrough: remembered.readThrough) {
                    candidates += try Int64.fetchAll(db.cachedStatement(sql: Self.upstreamKeyLogSQL),
                                                     arguments: [range.after, range.through, hashes[index]])
                }
                var newest = try Self.newestHolding(candidates, connector, key, db)
                for generation in generations {
                    if let newest, generation.lastID < newest { break }
                    let found = try Int64.fetchAll(db.cachedStatement(sql: Self.upstreamKeyGenerationSQL(generation.table)),
                                                   arguments: [hashes[index], newest ?? 0])
                    if let id = try Self.newestHolding(found, connector, key, db) { newest = id }
                }
                if let id = try Int64.fetchOne(db.cachedStatement(sql: Self.correlationByMessageSQL), arguments: [connector, key]) {
                    newest = max(newest ?? id, id)
                }
                if let id = newest, let message = try Row.fetchOne(row, arguments: [id]) {
                    return try Self.message(from: message)
                }
            }
            return nil
        }
    }

    /// The log positions past `merged` that memory does not hold: all of them when memory is
    /// behind the file (or kept nothing), else what lies below its floor and past what it read.
    static func unremembered(after merged: Int64, floor: Int64, readThrough: Int64) -> [LogRange] {
        if readThrough <= merged { return [LogRange(after: merged, through: .max)] }
        var ranges: [LogRange] = []
        if floor > merged { ranges.append(LogRange(after: merged, through: floor)) }
        ranges.append(LogRange(after: readThrough, through: .max))
        return ranges
    }

    /// Log positions `seq > after AND seq <= through`.
    struct LogRange: Equatable {
        var after: Int64
        var through: Int64
    }

    /// The newest of `ids` whose state row holds this connector and key now.
    private static func newestHolding(_ ids: [Int64], _ connector: String, _ key: String, _ db: Database) throws -> Int64? {
        let holds = try db.cachedStatement(sql: upstreamKeyHeldSQL)
        for id in Set(ids).sorted(by: >) where try Bool.fetchOne(holds, arguments: [id, connector, key]) ?? false {
            return id
        }
        return nil
    }

    /// The log's entries for a key between two positions: a range of its rowids, then a
    /// comparison a row.
    static let upstreamKeyLogSQL = """
        SELECT message_id FROM \(LoggedIndex.Layout.upstreamKeys.log)
        WHERE seq > ?1 AND seq <= ?2 AND \(LoggedIndex.Layout.upstreamKeys.keyColumn) = ?3
        """
    /// A generation's messages for a key, above an id (the newest one found so far), newest first.
    static func upstreamKeyGenerationSQL(_ table: String) -> String {
        """
        SELECT message_id FROM \(table) WHERE \(LoggedIndex.Layout.upstreamKeys.keyColumn) = ?1 AND message_id > ?2
        ORDER BY message_id DESC
        """
    }
    /// Whether the message's state row holds the key now.
    static let upstreamKeyHeldSQL = "SELECT 1 FROM message_state WHERE id = ?1 AND connector = ?2 AND upstream_key = ?3"
    /// The same for a message whose key is in its `messages` row (submitted before schema v7, or
    /// stored with its upstream id) and whose state row, if any, has no key of its own and names
    /// no other connector: what `message_view` shows. Its index on `messages` costs nothing on
    /// the hot path: a new message's row has no key.
    static let correlationByMessageSQL = """
        SELECT m.id FROM messages m LEFT JOIN message_state s ON s.id = m.id
        WHERE m.connector = ?1 AND m.upstream_key = ?2 AND m.upstream_key IS NOT NULL
        AND s.upstream_key IS NULL AND COALESCE(s.connector, m.connector) = ?1
        ORDER BY m.id DESC LIMIT 1
        """
}
