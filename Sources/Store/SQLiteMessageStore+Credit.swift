import Foundation
import Gateway
import GRDB

// Credit, API tokens and the audit trail: the business side's tables, changed by people through
// the API, each change one transaction.
extension SQLiteMessageStore {
    // MARK: Credit

    public func balance(accountID: Int64) async throws -> Int {
        try await pool.read { db in
            guard let balance = try Int.fetchOne(db, sql: "SELECT balance FROM accounts WHERE id = ?", arguments: [accountID]) else {
                throw CreditError.accountNotFound(accountID)
            }
            return balance
        }
    }

    public func changeCredit(_ change: CreditChange) async throws -> [LedgerEntry] {
        try await pool.write { db in
            let now = Date()
            switch change {
            case .topUp(let account, let amount, let reason, let actor):
                guard amount != 0 else { throw CreditError.zeroAmount }
                return [try Self.move(db, account: account, amount: amount, kind: .topUp, reason: reason, actor: actor, at: now)]
            case .transfer(let from, let to, let amount, let reason, let actor):
                guard amount != 0 else { throw CreditError.zeroAmount }
                // Both or neither: a short balance on either side throws and rolls back.
                // The kind says which way the credit went for that account (a negative transfer
                // is the reseller taking credit back).
                let out = try Self.move(db, account: from, amount: -amount, kind: amount > 0 ? .transferOut : .transferIn,
                                        reason: reason, actor: actor, at: now)
                let into = try Self.move(db, account: to, amount: amount, kind: amount > 0 ? .transferIn : .transferOut,
                                         reason: reason, actor: actor, at: now)
                return [out, into]
            }
        }
    }

    /// Changes one balance and writes its ledger row; refuses to go below zero.
    private static func move(_ db: Database, account: Int64, amount: Int, kind: LedgerEntry.Kind, reason: String,
                             actor: String, at: Date) throws -> LedgerEntry {
        guard let row = try Row.fetchOne(db, sql: "SELECT balance, system_id FROM accounts WHERE id = ?", arguments: [account]) else {
            throw CreditError.accountNotFound(account)
        }
        let balance: Int = row[0]
        let systemID: String = row[1]
        guard balance + amount >= 0 else { throw CreditError.insufficient(systemID: systemID, balance: balance, needed: -amount) }
        try db.execute(sql: "UPDATE accounts SET balance = ? WHERE id = ?", arguments: [balance + amount, account])
        try db.execute(sql: """
            INSERT INTO ledger (account_id, at, amount, balance_after, kind, message_id, reason, actor)
            VALUES (?, ?, ?, ?, ?, NULL, ?, ?)
            """, arguments: [account, at.timeIntervalSince1970, amount, balance + amount, kind.rawValue, reason, actor])
        return LedgerEntry(id: db.lastInsertedRowID, accountID: account, at: at, amount: amount, balanceAfter: balance + amount,
                           kind: kind, messageID: nil, reason: reason, actor: actor)
    }

    public func ledger(accountID: Int64, before: Int64?, limit: Int) async throws -> [LedgerEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, account_id, at, amount, balance_after, kind, message_id, reason, actor FROM ledger
                WHERE account_id = ? AND id < ? ORDER BY id DESC LIMIT ?
                """, arguments: [accountID, before ?? Int64.max, max(0, limit)]).map { row in
                var reader = RowReader(row)
                let id = try reader.next(Int64.self)
                let account = try reader.next(Int64.self)
                let at = try reader.date()
                let amount = try reader.next(Int.self)
                let after = try reader.next(Int.self)
                let kindText = try reader.next(String.self)
                guard let kind = LedgerEntry.Kind(rawValue: kindText) else { throw Self.corrupt("ledger entry \(id) has kind '\(kindText)'") }
                return LedgerEntry(id: id, accountID: account, at: at, amount: amount, balanceAfter: after, kind: kind,
                                   messageID: try reader.next(Int64?.self).map(MessageID.init(rawValue:)),
                                   reason: try reader.next(String.self), actor: try reader.next(String?.self))
            }
        }
    }

    public func ledgerSum(accountID: Int64) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(amount), 0) FROM ledger WHERE account_id = ?", arguments: [accountID]) ?? 0
        }
    }

    // MARK: API tokens

    public func insertToken(accountID: Int64, name: String, secretHash: PasswordHash) async throws -> APIToken {
        let now = Date()
        let id = try await pool.write { db in
            try db.execute(sql: "INSERT INTO api_tokens (account_id, name, secret_hash, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [accountID, name, secretHash.encoded, now.timeIntervalSince1970])
            return db.lastInsertedRowID
        }
        return APIToken(id: id, accountID: accountID, name: name, secretHash: secretHash, createdAt: now)
    }

    public func token(id: Int64) async throws -> APIToken? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, account_id, name, secret_hash, created_at FROM api_tokens WHERE id = ?",
                             arguments: [id]).map(Self.token(from:))
        }
    }

    public func tokens(accountID: Int64) async throws -> [APIToken] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, account_id, name, secret_hash, created_at FROM api_tokens WHERE account_id = ? ORDER BY id",
                             arguments: [accountID]).map(Self.token(from:))
        }
    }

    public func removeToken(id: Int64) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM api_tokens WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    private static func token(from row: Row) throws -> APIToken {
        var reader = RowReader(row)
        return APIToken(id: try reader.next(Int64.self), accountID: try reader.next(Int64.self), name: try reader.next(String.self),
                        secretHash: PasswordHash(encoded: try reader.next(String.self)), createdAt: try reader.date())
    }

    // MARK: Audit

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO audit (at, actor, actor_id, remote, action, target, target_account_id, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [entry.at.timeIntervalSince1970, entry.actor, entry.actorID, entry.remote, entry.action,
                                 entry.target, entry.targetAccountID, entry.detail])
        }
    }

    public func audit(scope: [Int64]?, before: Int64?, limit: Int) async throws -> [AuditEntry] {
        try await pool.read { db in
            var sql = "SELECT id, at, actor, actor_id, remote, action, target, target_account_id, detail FROM audit WHERE id < ?"
            var arguments: StatementArguments = [before ?? Int64.max]
            if let scope {
                sql += " AND (\(Self.accountFilter(scope, column: "actor_id")) OR \(Self.accountFilter(scope, column: "target_account_id")))"
            }
            sql += " ORDER BY id DESC LIMIT ?"
            arguments += [max(0, limit)]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                var reader = RowReader(row)
                return AuditEntry(id: try reader.next(Int64.self), at: try reader.date(), actor: try reader.next(String.self),
                                  actorID: try reader.next(Int64?.self), remote: try reader.next(String.self),
                                  action: try reader.next(String.self), target: try reader.next(String.self),
                                  targetAccountID: try reader.next(Int64?.self), detail: try reader.next(String.self))
            }
        }
    }
}
