import Foundation
import Gateway
import GRDB

// Tracking: message search, campaigns and consumption. Every search is a range over an index
// newest first (ids grow with time, so a time range is an id range), so a page costs the same
// on a thousand messages as on millions.
extension SQLiteMessageStore {
    public func searchMessages(_ query: MessageQuery) async throws -> [Message] {
        switch Self.route(query) {
        case .byNumber:
            return try await pool.read { db in try Self.searchByNumber(query, db) }
        case .inScope(let scope):
            return try await pool.read { db in try Self.searchInScope(query, scope: scope, db) }
        case .oneStatement:
            let (sql, arguments) = Self.searchSQL(query)
            return try await pool.read { db in
                try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.message(from:))
            }
        }
    }

    /// How a search is read (the tests check each query shape takes the way its plan was checked for).
    enum SearchRoute: Equatable {
        /// The index by destination number: `searchByNumber`.
        case byNumber
        /// A scope and nothing narrower with an index of its own: `searchInScope`.
        case inScope([Int64])
        /// `searchSQL`.
        case oneStatement
    }

    static func route(_ query: MessageQuery) -> SearchRoute {
        if query.destination != nil { return .byNumber }
        if let scope = query.scope, query.accountID == nil, query.messageID == nil, query.source == nil, query.campaign == nil {
            return .inScope(scope)
        }
        return .oneStatement
    }

    /// A reseller's newest messages, with nothing narrower than its accounts to search by:
    /// each account's newest by `messages_by_account`, merged. Given `account_id IN (…)`, SQLite
    /// read every message of the scope through that index and sorted them all (940 ms for 25
    /// accounts of a million messages, BENCHMARKS.md). Each account's read starts above the
    /// oldest id a full page holds so far, so most stop at once.
    private static func searchInScope(_ query: MessageQuery, scope: [Int64], _ db: Database) throws -> [Message] {
        let limit = max(0, min(query.limit, 1000))
        if limit == 0 || scope.isEmpty { return [] }
        var newest: [Int64] = []
        for account in Set(scope) {
            var own = query
            own.scope = nil
            own.accountID = account
            let (sql, arguments) = scopeSearchSQL(own, above: newest.count == limit ? newest.last : nil)
            let ids = try Int64.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
            if !ids.isEmpty { newest = Array((newest + ids).sorted(by: >).prefix(limit)) }
        }
        if newest.isEmpty { return [] }
        let placeholders = Array(repeating: "?", count: newest.count).joined(separator: ", ")
        return try Row.fetchAll(db, sql: "SELECT \(messageColumns) FROM message_view WHERE id IN (\(placeholders)) ORDER BY id DESC",
                                arguments: StatementArguments(newest)).map(message(from:))
    }

    /// One account's part of `searchInScope`: the ids of its newest messages, above `above`
    /// when a page is already full (its plan is checked by the tests).
    static func scopeSearchSQL(_ query: MessageQuery, above: Int64?) -> (String, StatementArguments) {
        var (filter, arguments) = searchFilter(query, id: "id")
        if let above {
            filter.append("id > ?")
            arguments += [above]
        }
        return ("SELECT id FROM message_view WHERE \(filter.joined(separator: " AND ")) ORDER BY id DESC LIMIT ?",
                arguments + [max(0, min(query.limit, 1000))])
    }

    /// A search by number: the log's tail not merged yet, then the index's generations newest
    /// first, each read by its key with the search's limit, until the older ones cannot hold a
    /// message newer than the last one kept. The index file records how far it merged the log
    /// in the same transaction as the entries, so the two parts never overlap nor leave a gap,
    /// whichever snapshot of the store this read has.
    private static func searchByNumber(_ query: MessageQuery, _ db: Database) throws -> [Message] {
        let limit = max(0, min(query.limit, 1000))
        if limit == 0 { return [] }
        func search(_ numbers: NumberTable) throws -> [Message] {
            let (sql, arguments) = destinationSearchSQL(query, in: numbers)
            // Cached: preparing a join through the view costs more than running it, once per
            // generation.
            return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(message(from:))
        }
        var found = try search(.logTail)
        let lower = query.from.map { MessageIDGenerator.firstID(at: $0).rawValue }
        let upper = searchUpperBound(query)
        for generation in try LoggedIndex.generations(db, .destinations) {
            if found.count == limit, let oldestKept = found.last?.id.rawValue, generation.lastID < oldestKept { break }
            if let lower, generation.lastID < lower { break }
            if let upper, generation.firstID >= upper { continue }
            found = Array((found + (try search(.generation(generation.table)))).sorted { $0.id > $1.id }.prefix(limit))
        }
        return found
    }

    /// Where a search by number looks.
    enum NumberTable {
        /// The log's rows the index has not merged yet, read by position.
        case logTail
        /// A generation of the index (attached), read by its key.
        case generation(String)
    }

    /// The SELECT a search runs (its plan is checked by the tests: always an index, never a scan).
    /// Not for a search by number: that is `destinationSearchSQL`, once per table.
    static func searchSQL(_ query: MessageQuery) -> (String, StatementArguments) {
        let (filter, arguments) = searchFilter(query, id: "id")
        let clause = filter.isEmpty ? "" : "WHERE " + filter.joined(separator: " AND ")
        return ("SELECT \(messageColumns) FROM message_view \(clause) ORDER BY id DESC LIMIT ?",
                arguments + [max(0, min(query.limit, 1000))])
    }

    /// A search by number in one table of (number hash, message id), newest first (its plan is
    /// checked by the tests).
    static func destinationSearchSQL(_ query: MessageQuery, in numbers: NumberTable) -> (String, StatementArguments) {
        let (filter, arguments) = searchFilter(query, id: "n.message_id")
        // The hash finds the entries, the message's own number makes them exact.
        let index = LoggedIndex.Layout.destinations
        var conditions = ["n.\(index.keyColumn) = ?", "destination_value = ?"] + filter
        let table: String
        switch numbers {
        case .logTail:
            table = index.log
            conditions.append("n.seq > (\(index.mergedThroughSQL))")
        case .generation(let name):
            table = name
        }
        return ("""
            SELECT n.message_id, \(messageColumnsAfterID) FROM \(table) n JOIN message_view ON id = n.message_id
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY n.message_id DESC LIMIT ?
            """, [query.destination.map(IndexKeyHash.number), query.destination] + arguments + [max(0, min(query.limit, 1000))])
    }

    /// The id every message a search finds is below, if it has one.
    private static func searchUpperBound(_ query: MessageQuery) -> Int64? {
        var upper = Int64.max
        if let to = query.to { upper = min(upper, MessageIDGenerator.firstID(at: to).rawValue) }
        if let before = query.before { upper = min(upper, before.rawValue) }
        return upper == Int64.max ? nil : upper
    }

    /// A search's conditions but the number, with `id` the column that holds the message id.
    private static func searchFilter(_ query: MessageQuery, id: String) -> ([String], StatementArguments) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        func equal(_ column: String, _ value: (some DatabaseValueConvertible)?) {
            guard let value else { return }
            conditions.append("\(column) = ?")
            arguments += [value]
        }
        equal(id, query.messageID?.rawValue)
        equal("source_value", query.source)
        equal("campaign", query.campaign)
        equal("account_id", query.accountID)
        if let scope = query.scope { conditions.append(accountFilter(scope)) }
        equal("state", query.state?.rawValue)
        if let from = query.from {
            conditions.append("\(id) >= ?")
            arguments += [MessageIDGenerator.firstID(at: from).rawValue]
        }
        if let upper = searchUpperBound(query) {
            conditions.append("\(id) < ?")
            arguments += [upper]
        }
        return (conditions, arguments)
    }

    public func campaigns(scope: [Int64]?, name: String?, limit: Int) async throws -> [CampaignSummary] {
        try await pool.read { db in
            var conditions = ["campaign IS NOT NULL"]
            var arguments = StatementArguments()
            if let name {
                conditions.append("campaign = ?")
                arguments += [name]
            }
            if let scope { conditions.append(Self.accountFilter(scope)) }
            arguments += [max(0, min(limit, 1000))]
            let rows = try Row.fetchAll(db, sql: """
                SELECT campaign, account_id, MAX(system_id), COUNT(*),
                    SUM(submitted_at IS NOT NULL),
                    SUM(state = 'delivered'),
                    SUM(state IN ('undeliverable', 'expired', 'rejected', 'cancelled', 'deleted')),
                    SUM(NOT (state IN ('delivered', 'undeliverable', 'expired', 'rejected', 'cancelled', 'deleted'))),
                    SUM(CASE WHEN charged = 1 AND refunded = 0 THEN COALESCE(price, 0) ELSE 0 END),
                    MIN(received_at), MAX(received_at)
                FROM message_view WHERE \(conditions.joined(separator: " AND "))
                GROUP BY campaign, account_id ORDER BY MAX(id) DESC LIMIT ?
                """, arguments: arguments)
            return try rows.map { row in
                var reader = RowReader(row)
                return CampaignSummary(
                    campaign: try reader.next(String.self), accountID: try reader.next(Int64.self), systemID: try reader.next(String.self),
                    accepted: try reader.next(Int.self), submitted: try reader.next(Int.self), delivered: try reader.next(Int.self),
                    failed: try reader.next(Int.self), pending: try reader.next(Int.self), spent: try reader.next(Int.self),
                    firstAt: try reader.date(), lastAt: try reader.date())
            }
        }
    }

    public func usage(scope: [Int64]?, from: Date, to: Date, daily: Bool) async throws -> [UsageRow] {
        try await pool.read { db in
            let first = UsageTally.hour(from.timeIntervalSince1970)
            let last = UsageTally.hour(to.timeIntervalSince1970)
            let bucket = daily ? "(hour / 24) * 24" : "hour"
            let scopeFilter = scope.map { " AND " + Self.accountFilter($0) } ?? ""
            var rows: [Key: UsageRow] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT account_id, \(bucket) AS period, SUM(messages), SUM(parts), SUM(spent), SUM(refused_credit), MAX(sessions_peak)
                FROM usage WHERE hour >= ? AND hour <= ?\(scopeFilter) GROUP BY account_id, period
                """, arguments: [first, last]) {
                var reader = RowReader(row)
                let key = Key(account: try reader.next(Int64.self), period: try reader.next(Int64.self))
                rows[key] = UsageRow(accountID: key.account, periodStart: Date(timeIntervalSince1970: Double(key.period) * 3600),
                                     messages: try reader.next(Int.self), parts: try reader.next(Int.self), spent: try reader.next(Int.self),
                                     refusedForCredit: try reader.next(Int.self), sessionsPeak: try reader.next(Int.self))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT account_id, \(bucket) AS period, state, SUM(count) FROM usage_final
                WHERE hour >= ? AND hour <= ?\(scopeFilter) GROUP BY account_id, period, state
                """, arguments: [first, last]) {
                var reader = RowReader(row)
                let key = Key(account: try reader.next(Int64.self), period: try reader.next(Int64.self))
                let state = try reader.next(String.self)
                let count = try reader.next(Int.self)
                rows[key, default: UsageRow(accountID: key.account, periodStart: Date(timeIntervalSince1970: Double(key.period) * 3600))]
                    .finalStates[state] = count
            }
            return rows.values.sorted { ($0.periodStart, $0.accountID) < ($1.periodStart, $1.accountID) }
        }
    }

    /// `account_id IN (…)` for a caller's scope. The ids come from our own accounts table, so
    /// they are inlined: an inline list lets SQLite plan with the account index.
    static func accountFilter(_ scope: [Int64], column: String = "account_id") -> String {
        "\(column) IN (\(scope.isEmpty ? "NULL" : scope.map(String.init).joined(separator: ",")))"
    }

    private struct Key: Hashable {
        var account: Int64
        var period: Int64
    }
}
