import CSQLiteTuning
import Foundation
import Gateway
import GRDB
#if canImport(GRDBSQLite)
import GRDBSQLite
#elseif canImport(SQLite3)
import SQLite3
#endif
import Logging

/// The embedded `MessageStore`: one SQLite file in WAL mode, through a GRDB `DatabasePool`
/// (one writer connection, concurrent readers that never wait for it), and beside it the indexes
/// by destination number and by upstream message id, derived from it (`LoggedIndex`).
///
/// Dates are stored as REAL seconds since 1970, byte strings as BLOBs, states as their raw names.
/// Every call but one runs on GRDB's own queues through its async API, so callers on NIO event
/// loops are never blocked. The exception, `applyOnCallingThread`, is the group committer's: it
/// commits on the committer's own thread.
public final class SQLiteMessageStore: MessageStore {
    let pool: DatabasePool
    /// Checkpoints the log off the commit path.
    let checkpointer: WALCheckpointer
    /// Messages by destination number, in a file of their own.
    let destinations: LoggedIndex
    /// Submitted messages by upstream message id, in a file of their own.
    let upstreamKeys: LoggedIndex
    private let logger = Logger(label: "tern.store.sqlite")

    /// How long a connection waits for another process's lock (a second gateway, a backup tool)
    /// before a call fails.
    static let busyTimeout: TimeInterval = 10

    /// Waits between two tries at a lock another connection holds (the checkpointer's RESTART,
    /// another process), up to `busyTimeout` in all. SQLite's own busy handler sleeps 1, 2, 5,
    /// 10, 15 … ms between tries, so the writer, finding the lock taken by the checkpointer's
    /// RESTART about twice a second at full load, slept milliseconds past its release, and every
    /// answer waiting on that commit with it. The first 10 ms are tried every 100 µs, then every
    /// 10 ms; nil: give up.
    static func pause(afterTries tries: Int) -> Duration? {
        let fineTries = 100
        if tries < fineTries { return .microseconds(100) }
        let waited = Double(fineTries) * 0.0001 + Double(tries - fineTries) * 0.01
        return waited + 0.01 <= busyTimeout ? .milliseconds(10) : nil
    }

    /// The busy handler of every connection to the file.
    static func waitWhileLocked(_ tries: Int) -> Bool {
        guard let pause = pause(afterTries: tries) else { return false }
        let (seconds, attoseconds) = pause.components
        usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
        return true
    }

    /// Page cache of the writer connection.
    static let writerCacheKilobytes = 64 * 1024
    /// Every commit writes each page it changed to the WAL, and a message's row is changed in
    /// three commits (accepted, submitted, final): with 8 KiB pages each commit writes about a
    /// third fewer frames than with SQLite's 4 KiB for the same rows, ~8 % of the writer's time
    /// (BENCHMARKS.md). Larger pages cost more when index inserts land on random pages.
    static let pageSize = 8192

    /// Opens (creating if needed) the database named in the config, and its parent directory.
    public convenience init(settings: StoreSettings) throws {
        try self.init(path: settings.path, durability: settings.durability)
    }

    /// SQLite's memory statistics take one process-wide mutex for every allocation and every
    /// free, and the writer allocates for most values it binds. Nothing in Tern reads them.
    /// They can only be turned off before SQLite's first use, which is the first store opened.
    static let memoryStatisticsOff: Bool = tern_sqlite_disable_memory_statistics() == SQLITE_OK

    /// Whether `migrate` starts the indexes' merge loops (tests that look at what is merged and
    /// what is not merge by hand).
    private let mergesInBackground: Bool

    /// Opens (creating if needed) the database at `path`, and its parent directory.
    public convenience init(path: String, durability: StoreSettings.Durability = .full) throws {
        try self.init(path: path, durability: durability, mergesInBackground: true)
    }

    init(path: String, durability: StoreSettings.Durability, mergesInBackground: Bool,
         entriesPerGeneration: Int64 = LoggedIndex.defaultEntriesPerGeneration) throws {
        self.mergesInBackground = mergesInBackground
        _ = Self.memoryStatisticsOff
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        var configuration = Configuration()
        configuration.label = "tern.store"
        configuration.busyMode = .callback(Self.waitWhileLocked)
        configuration.prepareDatabase { db in
            // Runs before GRDB switches the file to WAL, the last moment a new file takes a page
            // size; an existing store keeps the one it was made with (changing it needs a VACUUM).
            try db.execute(sql: "PRAGMA page_size = \(Self.pageSize)")
            Self.addFunctions(db)
        }
        // Lookups read the indexes in their own files from the readers. Never from the writer:
        // its BEGIN IMMEDIATE would take the index files' write locks too, which the mergers need.
        let indexes = [LoggedIndex.Layout.destinations, .upstreamKeys]
        configuration.prepareDatabase { db in
            if db.configuration.readonly {
                for layout in indexes {
                    try db.execute(sql: "ATTACH DATABASE ? AS \(layout.schema)", arguments: [layout.path(besideStore: path)])
                }
            }
        }
        pool = try DatabasePool(path: path, configuration: configuration)

        // After the pool exists: GRDB sets synchronous=NORMAL on the writer when it switches
        // the file to WAL, which would override the same pragma in `prepareDatabase`. Only the
        // writer connection commits, so only it needs the setting.
        let synchronous = durability == .full ? "FULL" : "NORMAL"
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            // Index inserts (destination, upstream key) land on pages all over their b-trees;
            // SQLite's default 2 MB cache would re-read them from the file in every batch.
            try db.execute(sql: "PRAGMA cache_size = -\(Self.writerCacheKilobytes)")
            // Commits never checkpoint: `WALCheckpointer` does, from its own connection.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        }
        checkpointer = try WALCheckpointer(path: path)
        checkpointer.start()
        // The index by number of schema v8, keyed by the number's text; v10 logs hashes, and its
        // index is `x.numbers.sqlite`. Derived, so simply gone.
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: LoggedIndex.Layout.retiredDestinationsPath(besideStore: path) + suffix)
        }
        destinations = try Self.openIndex(.destinations, storePath: path, entriesPerGeneration: entriesPerGeneration, logger: logger)
        upstreamKeys = try Self.openIndex(.upstreamKeys, storePath: path, entriesPerGeneration: entriesPerGeneration, logger: logger)
    }

    /// The SQL functions of every connection to the store: for the writer's steps off the normal
    /// path and the v9 upgrade, which log the key a state row holds (`WriteBatch.logKeyOfState`),
    /// and the v10 upgrade, which hashes the numbers logged before it.
    static func addFunctions(_ db: Database) {
        db.add(function: IndexKeyHash.upstreamSQLFunction)
        db.add(function: IndexKeyHash.numberSQLFunction)
    }

    /// An index file holds nothing the store does not: one that cannot be opened is set aside
    /// and made again from the log, rather than keeping the gateway from starting.
    private static func openIndex(_ layout: LoggedIndex.Layout, storePath: String, entriesPerGeneration: Int64,
                                  logger: Logger) throws -> LoggedIndex {
        do {
            return try LoggedIndex(layout, storePath: storePath, entriesPerGeneration: entriesPerGeneration)
        } catch {
            let path = layout.path(besideStore: storePath)
            let aside = path + ".damaged"
            logger.error("the index by \(layout.subject) cannot be opened; setting it aside and making it again from the store", metadata: [
                "index": "\(path)", "set_aside_as": "\(aside)", "error": "\(error)",
            ])
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: aside + suffix)
                try? FileManager.default.moveItem(atPath: path + suffix, toPath: aside + suffix)
            }
            return try LoggedIndex(layout, storePath: storePath, entriesPerGeneration: entriesPerGeneration)
        }
    }

    public func migrate() async throws {
        let migrator = Self.migrator
        let pool = self.pool
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            migrator.asyncMigrate(pool) { result in
                continuation.resume(with: result.map { _ in () })
            }
        }
        for index in [destinations, upstreamKeys] {
            try await index.open()
            if mergesInBackground { index.start() }
        }
    }

    public func close() async throws {
        try await destinations.stop()
        try await upstreamKeys.stop()
        try await checkpointer.stop()
        try pool.close()
    }

    /// Merges everything logged into the indexes in their own files now, rather than in the
    /// background's batches: for a bench that times lookups right after filling the store.
    /// Returns how many entries each had left to merge.
    @discardableResult
    public func mergeIndexes() async -> (destinations: Int64, upstreamKeys: Int64) {
        let indexes = (destinations, upstreamKeys)
        return await withCheckedContinuation { (continuation: CheckedContinuation<(Int64, Int64), Never>) in
            DispatchQueue.global().async {
                continuation.resume(returning: (indexes.0.mergeEverything(), indexes.1.mergeEverything()))
            }
        }
    }

    /// The file's page size, for tests.
    func pageSizeSetting() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") ?? -1 }
    }

    /// The writer's `PRAGMA synchronous` (1 NORMAL, 2 FULL), for tests.
    func synchronousSetting() async throws -> Int {
        try await pool.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
        }
    }

    // MARK: Writes

    public func apply(_ writes: [StoreWrite], refundOn: Set<MessageLifecycle>) async throws -> ApplyOutcome {
        if writes.isEmpty { return ApplyOutcome() }
        return try outcome(await pool.writeWithoutTransaction { db in try Self.commit([writes], refundOn: refundOn, db) })
    }

    public func applyOnCallingThread(_ parts: [[StoreWrite]], refundOn: Set<MessageLifecycle>) throws -> ApplyOutcome {
        if parts.allSatisfy(\.isEmpty) { return ApplyOutcome() }
        // GRDB runs a synchronous write on the calling thread once its writer queue is free.
        return try outcome(pool.writeWithoutTransaction { db in try Self.commit(parts, refundOn: refundOn, db) })
    }

    /// One batch in one transaction: the writes it skipped (unknown messages) and the messages
    /// it refused for credit.
    private static func commit(_ parts: [[StoreWrite]], refundOn: Set<MessageLifecycle>,
                               _ db: Database) throws -> (skipped: [MessageID], refused: [MessageID: String]) {
        // IMMEDIATE takes the write lock up front. A deferred transaction that starts
        // writing while another process holds the lock fails at once instead of waiting
        // for the busy timeout.
        var skipped: [MessageID] = []
        var refused: [MessageID: String] = [:]
        try db.inTransaction(.immediate) {
            var batch = try WriteBatch(db, refundOn: refundOn)
            for writes in parts where !writes.isEmpty { skipped += try batch.apply(writes) }
            try batch.finish()
            refused = batch.refusedForCredit
            return .commit
        }
        return (skipped, refused)
    }

    private func outcome(_ result: (skipped: [MessageID], refused: [MessageID: String])) -> ApplyOutcome {
        if !result.skipped.isEmpty {
            // Not an error: failing the batch would fail every other message in it for the sake
            // of one that is already gone.
            logger.warning("state changes for unknown messages were ignored", metadata: [
                "count": "\(result.skipped.count)", "first": "\(result.skipped[0])",
            ])
        }
        return ApplyOutcome(refusedForCredit: result.refused)
    }

    // MARK: Messages

    public func message(_ id: MessageID) async throws -> Message? {
        try await pool.read { db in
            let statement = try db.cachedStatement(sql: "SELECT \(Self.messageColumns) FROM message_view WHERE id = ?")
            return try Row.fetchOne(statement, arguments: [id.rawValue]).map(Self.message(from:))
        }
    }

    public func events(of id: MessageID) async throws -> [MessageEvent] {
        try await pool.read { db in
            let rowStatement = try db.cachedStatement(sql: "SELECT \(Timeline.rowColumns) FROM message_view WHERE id = ?")
            guard let row = try Row.fetchOne(rowStatement, arguments: [id.rawValue]) else { return [] }
            let eventStatement = try db.cachedStatement(sql: """
                SELECT \(Timeline.eventColumns) FROM message_events WHERE message_id = ? ORDER BY id
                """)
            let eventRows = try Row.fetchAll(eventStatement, arguments: [id.rawValue])
            return try Timeline.events(of: id, row: row, eventRows: eventRows)
        }
    }

    public func messagesAwaitingDispatch(limit: Int) async throws -> [Message] {
        if limit <= 0 { return [] }
        return try await pool.read { db in
            let statement = try db.cachedStatement(sql: Self.awaitingDispatchSQL)
            return try Row.fetchAll(statement, arguments: [limit]).map(Self.message(from:))
        }
    }

    public func messagesAwaitingReceipt(connector: String, limit: Int) async throws -> [Message] {
        if limit <= 0 { return [] }
        return try await pool.read { db in
            let statement = try db.cachedStatement(sql: Self.awaitingReceiptSQL)
            return try Row.fetchAll(statement, arguments: [connector, limit]).map(Self.message(from:))
        }
    }

    /// Recovery after a restart: messages to send, oldest first.
    static let awaitingDispatchSQL = """
        SELECT \(messageColumns) FROM message_view
        WHERE id IN (SELECT id FROM open_messages) AND state IN ('accepted', 'routed', 'retrying')
        ORDER BY id LIMIT ?1
        """
    /// Recovery after a restart: messages one connector sent, whose receipts are still due.
    static let awaitingReceiptSQL = """
        SELECT \(messageColumns) FROM message_view
        WHERE id IN (SELECT id FROM open_messages) AND state IN ('submitted', 'acceptedUpstream', 'unknown')
        AND connector = ?1
        ORDER BY id LIMIT ?2
        """

    /// How many `message_events` rows a message has, for tests that check which steps were
    /// kept as row columns.
    func eventRowCount(of id: MessageID) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message_events WHERE message_id = ?", arguments: [id.rawValue]) ?? 0
        }
    }

    /// How many messages `open_messages` holds, for tests that check every write keeps it right
    /// (the recovery queries filter by state too, and would hide a stale entry).
    func unfinishedCount() async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM open_messages") ?? 0
        }
    }

    /// The values of a query's rows as text (nil for NULL), for tests that look under the store's API.
    func textRows(_ sql: String, arguments: StatementArguments = StatementArguments()) async throws -> [[String?]] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                row.databaseValues.map { value in value.isNull ? nil : String.fromDatabaseValue(value) ?? value.description }
            }
        }
    }

    /// The query plan SQLite picks for a recovery query, for tests that guard the indexes.
    func queryPlan(_ sql: String, arguments: StatementArguments = StatementArguments()) async throws -> [String] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)", arguments: arguments).map { row in
                (try? row.decode(String.self, forColumn: "detail")) ?? ""
            }
        }
    }

    // MARK: Receipts waiting for a receiver session

    public func pendingReceipts(accountID: Int64, limit: Int) async throws -> [PendingReceipt] {
        if limit <= 0 { return [] }
        return try await pool.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT \(Self.pendingReceiptColumns) FROM pending_receipts
                WHERE account_id = ? ORDER BY message_id LIMIT ?
                """)
            return try Row.fetchAll(statement, arguments: [accountID, limit]).map(Self.pendingReceipt(from:))
        }
    }

    public func pendingMobileOriginated(accountID: Int64, limit: Int) async throws -> [PendingMobileOriginated] {
        if limit <= 0 { return [] }
        return try await pool.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT id, account_id, received_at, expires_at, source_ton, source_npi, source_value,
                    destination_ton, destination_npi, destination_value, esm_class, data_coding, short_message, tlvs
                FROM pending_mo WHERE account_id = ? ORDER BY id LIMIT ?
                """)
            return try Row.fetchAll(statement, arguments: [accountID, limit]).map { row in
                var reader = RowReader(row)
                let id = MessageID(rawValue: try reader.next(Int64.self))
                let account = try reader.next(Int64.self)
                let receivedAt = try reader.date()
                let expiresAt = try reader.date()
                let source = try reader.address("source")
                let destination = try reader.address("destination")
                let esmClass = try reader.byte("esm_class")
                let dataCoding = try reader.byte("data_coding")
                let message = MobileOriginatedMessage(source: source, destination: destination, esmClass: esmClass, dataCoding: dataCoding,
                                                      shortMessage: try reader.bytes(), tlvs: try reader.bytes(), receivedAt: receivedAt)
                return PendingMobileOriginated(id: id, accountID: account, message: message, expiresAt: expiresAt)
            }
        }
    }

    public func pendingReceiptCount(accountID: Int64) async throws -> Int {
        try await pool.read { db in
            let statement = try db.cachedStatement(sql: "SELECT COUNT(*) FROM pending_receipts WHERE account_id = ?")
            return try Int.fetchOne(statement, arguments: [accountID]) ?? 0
        }
    }

    // MARK: Accounts

    public func account(systemID: String) async throws -> Account? {
        try await pool.read { db in
            let statement = try db.cachedStatement(sql: "SELECT \(Self.accountColumns) FROM accounts WHERE system_id = ?")
            return try Row.fetchOne(statement, arguments: [systemID]).map(Self.account(from:))
        }
    }

    public func account(id: Int64) async throws -> Account? {
        try await pool.read { db in
            let statement = try db.cachedStatement(sql: "SELECT \(Self.accountColumns) FROM accounts WHERE id = ?")
            return try Row.fetchOne(statement, arguments: [id]).map(Self.account(from:))
        }
    }

    public func accounts() async throws -> [Account] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.accountColumns) FROM accounts ORDER BY id").map(Self.account(from:))
        }
    }

    public func messageCount(accountID: Int64, since firstID: MessageID) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages WHERE account_id = ? AND id >= ?",
                             arguments: [accountID, firstID.rawValue]) ?? 0
        }
    }

    /// The store assigns the id; an `id` already set on `account` is ignored.
    public func insertAccount(_ account: Account) async throws -> Account {
        do {
            let id = try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO accounts (system_id, password_hash, enabled, max_binds, throughput,
                            allowed_networks, receipt_keep_seconds, receipts_enabled, reseller_id, policy,
                            role, name, login_hash, allowed_senders, price_plan, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: Self.accountArguments(account) + [Date().timeIntervalSince1970])
                return db.lastInsertedRowID
            }
            var inserted = account
            inserted.id = id
            return inserted
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.duplicateAccount(account.systemID)
        }
    }

    public func updateAccount(_ account: Account) async throws {
        guard let id = account.id else { throw StoreError.accountNotFound(account.systemID) }
        let changed: Int
        do {
            changed = try await pool.write { db in
                try db.execute(
                    sql: """
                        UPDATE accounts SET system_id = ?, password_hash = ?, enabled = ?, max_binds = ?,
                            throughput = ?, allowed_networks = ?, receipt_keep_seconds = ?, receipts_enabled = ?,
                            reseller_id = ?, policy = ?, role = ?, name = ?, login_hash = ?,
                            allowed_senders = ?, price_plan = ?
                        WHERE id = ?
                        """,
                    arguments: Self.accountArguments(account) + [id])
                return db.changesCount
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            // Renamed onto another account's system_id.
            throw StoreError.duplicateAccount(account.systemID)
        }
        if changed == 0 { throw StoreError.accountNotFound(account.systemID) }
    }

    public func removeAccount(systemID: String) async throws -> Bool {
        try await pool.write { db in
            let owned = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM accounts WHERE reseller_id = (SELECT id FROM accounts WHERE system_id = ?)
                """, arguments: [systemID]) ?? 0
            if owned > 0 { throw StoreError.accountHasUsers(systemID, count: owned) }
            try db.execute(sql: "DELETE FROM accounts WHERE system_id = ?", arguments: [systemID])
            return db.changesCount > 0
        }
    }

    public func accounts(resellerID: Int64) async throws -> [Account] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.accountColumns) FROM accounts WHERE reseller_id = ? ORDER BY id",
                             arguments: [resellerID]).map(Self.account(from:))
        }
    }

    private static func accountArguments(_ account: Account) -> StatementArguments {
        [
            account.systemID, account.passwordHash.encoded, account.enabled, account.maxBinds, account.throughput,
            allowedNetworksColumn(account.allowedNetworks), account.receipts.keepSeconds, account.receipts.enabled,
            account.resellerID, account.policy, account.role.rawValue, account.name, account.loginPasswordHash?.encoded,
            account.allowedSenders.joined(separator: ","), pricePlanColumn(account.pricePlan),
        ]
    }
}
