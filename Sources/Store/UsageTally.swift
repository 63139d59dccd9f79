import Gateway
import GRDB

/// Consumption counted over one write batch, added to the `usage` rollup in one statement per
/// account and hour when the batch ends: stats read a few rows per account and hour instead of
/// scanning messages, and the write path pays one UPSERT per account per batch, not per message.
struct UsageTally {
    struct Key: Hashable {
        var accountID: Int64
        var hour: Int64
    }

    struct Counts {
        var messages = 0
        var parts = 0
        var spent = 0
        var refusedCredit = 0
        var sessionsPeak = 0
    }

    struct FinalKey: Hashable {
        var accountID: Int64
        var hour: Int64
        var state: MessageLifecycle
    }

    private var counts = LatestKeyDictionary<Key, Counts>()
    private var finals = LatestKeyDictionary<FinalKey, Int>()

    static func hour(_ seconds: Double) -> Int64 { Int64((seconds / 3600).rounded(.down)) }

    mutating func accept(accountID: Int64, hour: Int64, firstPart: Bool) {
        counts.modify(Key(accountID: accountID, hour: hour), default: Counts()) {
            $0.parts += 1
            if firstPart { $0.messages += 1 }
        }
    }

    mutating func spend(accountID: Int64, hour: Int64, amount: Int) {
        counts.modify(Key(accountID: accountID, hour: hour), default: Counts()) { $0.spent += amount }
    }

    mutating func refusedForCredit(accountID: Int64, hour: Int64) {
        counts.modify(Key(accountID: accountID, hour: hour), default: Counts()) { $0.refusedCredit += 1 }
    }

    mutating func sessions(accountID: Int64, hour: Int64, count: Int) {
        counts.modify(Key(accountID: accountID, hour: hour), default: Counts()) { $0.sessionsPeak = max($0.sessionsPeak, count) }
    }

    mutating func ended(accountID: Int64, hour: Int64, state: MessageLifecycle) {
        finals.modify(FinalKey(accountID: accountID, hour: hour, state: state), default: 0) { $0 += 1 }
    }

    func write(_ db: Database) throws {
        let counts = self.counts.all
        let finals = self.finals.all
        if !counts.isEmpty {
            let statement = try db.cachedStatement(sql: """
                INSERT INTO usage (account_id, hour, messages, parts, spent, refused_credit, sessions_peak)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (account_id, hour) DO UPDATE SET
                    messages = messages + excluded.messages, parts = parts + excluded.parts,
                    spent = spent + excluded.spent, refused_credit = refused_credit + excluded.refused_credit,
                    sessions_peak = MAX(sessions_peak, excluded.sessions_peak)
                """)
            for (key, value) in counts {
                try statement.execute(arguments: [key.accountID, key.hour, value.messages, value.parts, value.spent,
                                                  value.refusedCredit, value.sessionsPeak])
            }
        }
        if !finals.isEmpty {
            let statement = try db.cachedStatement(sql: """
                INSERT INTO usage_final (account_id, hour, state, count) VALUES (?, ?, ?, ?)
                ON CONFLICT (account_id, hour, state) DO UPDATE SET count = count + excluded.count
                """)
            for (key, count) in finals {
                try statement.execute(arguments: [key.accountID, key.hour, key.state.rawValue, count])
            }
        }
    }
}
