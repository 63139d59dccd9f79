import Foundation
import Gateway
import GRDB

// Tracking: message search, campaigns and consumption. Every search is a range over an index
// newest first (ids grow with time, so a time range is an id range), so a page costs the same
// on a thousand messages as on millions.
extension SQLiteMessageStore {
    public func searchMessages(_ query: MessageQuery) async throws -> [Message] {
        let (sql, arguments) = Self.searchSQL(query)
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.message(from:))
        }
    }

    /// The SELECT a search runs (its plan is checked by the tests: always an index, never a scan).
    static func searchSQL(_ query: MessageQuery) -> (String, StatementArguments) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        func equal(_ column: String, _ value: (some DatabaseValueConvertible)?) {
            guard let value else { return }
            conditions.append("\(column) = ?")
            arguments += [value]
        }
        equal("id", query.messageID?.rawValue)
        equal("destination_value", query.destination)
        equal("source_value", query.source)
        equal("campaign", query.campaign)
        equal("account_id", query.accountID)
        if let scope = query.scope { conditions.append(accountFilter(scope)) }
        equal("state", query.state?.rawValue)
        if let from = query.from {
            conditions.append("id >= ?")
            arguments += [MessageIDGenerator.firstID(at: from).rawValue]
        }
        var upper = Int64.max
        if let to = query.to { upper = min(upper, MessageIDGenerator.firstID(at: to).rawValue) }
        if let before = query.before { upper = min(upper, before.rawValue) }
        if upper != Int64.max {
            conditions.append("id < ?")
            arguments += [upper]
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        arguments += [max(0, min(query.limit, 1000))]
        return ("SELECT \(messageColumns) FROM message_view \(filter) ORDER BY id DESC LIMIT ?", arguments)
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
