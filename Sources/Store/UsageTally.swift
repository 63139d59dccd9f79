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

        mutating func add(_ other: Counts) {
            messages += other.messages
            parts += other.parts
            spent += other.spent
            refusedCredit += other.refusedCredit
            sessionsPeak = max(sessionsPeak, other.sessionsPeak)
        }
    }

    struct FinalKey: Hashable {
        var accountID: Int64
        var hour: Int64
        var state: MessageLifecycle
    }

    private var counts: [Key: Counts] = [:]
    private var finals: [FinalKey: Int] = [:]
    /// The key counted last, and what it gathered since, not yet added to `counts` (likewise
    /// for final states): a batch is mostly runs of one account's messages in one hour, and
    /// hashing the key for every message (twice for an accepted one) showed in the writer's profile.
    private var latestKey: Key?
    private var latest = Counts()
    private var latestFinalKey: FinalKey?
    private var latestFinals = 0

    static func hour(_ seconds: Double) -> Int64 { Int64((seconds / 3600).rounded(.down)) }

    mutating func accept(accountID: Int64, hour: Int64, firstPart: Bool) {
        select(Key(accountID: accountID, hour: hour))
        latest.parts += 1
        if firstPart { latest.messages += 1 }
    }

    mutating func spend(accountID: Int64, hour: Int64, amount: Int) {
        select(Key(accountID: accountID, hour: hour))
        latest.spent += amount
    }

    mutating func refusedForCredit(accountID: Int64, hour: Int64) {
        select(Key(accountID: accountID, hour: hour))
        latest.refusedCredit += 1
    }

    mutating func sessions(accountID: Int64, hour: Int64, count: Int) {
        select(Key(accountID: accountID, hour: hour))
        latest.sessionsPeak = max(latest.sessionsPeak, count)
    }

    mutating func ended(accountID: Int64, hour: Int64, state: MessageLifecycle) {
        let key = FinalKey(accountID: accountID, hour: hour, state: state)
        if key != latestFinalKey {
            if let latestFinalKey { finals[latestFinalKey, default: 0] += latestFinals }
            latestFinalKey = key
            latestFinals = 0
        }
        latestFinals += 1
    }

    /// Makes `key` the latest, adding what the previous latest gathered to `counts`.
    private mutating func select(_ key: Key) {
        guard key != latestKey else { return }
        if let latestKey { counts[latestKey, default: Counts()].add(latest) }
        latestKey = key
        latest = Counts()
    }

    func write(_ db: Database) throws {
        var counts = self.counts
        if let latestKey { counts[latestKey, default: Counts()].add(latest) }
        var finals = self.finals
        if let latestFinalKey { finals[latestFinalKey, default: 0] += latestFinals }
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
