import Foundation
import Gateway
import GRDB
import Logging
import Synchronization

/// An index of the store's messages by a key that arrives in no order, in a file of its own
/// beside the store: by destination number (`tern.numbers.sqlite` beside `tern.sqlite`),
/// for tracking searches, and by upstream message id (`tern.upstream-keys.sqlite`), for
/// matching receipts. `Layout` says which.
///
/// An index on such a key inside the message file put each message's entry on a random page
/// of a b-tree as large as the store. With traffic spread over a million numbers, or an
/// upstream whose message ids are random, every message dirtied a page of its own, which the
/// commit wrote to the log and the checkpoint wrote again: the writer, the one serial step,
/// spent a third of its time on it, more as the store grew (BENCHMARKS.md, eleventh, twelfth
/// and thirteenth passes). So the index is kept the way an LSM tree keeps one:
/// - the writer appends each entry, the key's hash (`IndexKeyHash`) and the message id, to a
///   log table in the store (`WriteBatch`), in commit order, which only ever touches the
///   table's last page;
/// - this merger reads the log into memory every `Layout.interval` (`RecentLogEntries`, sorted
///   runs) and merges it into the index file in large sorted batches, on its own connection and
///   thread, so each page of the index is written once for many messages, and records how far
///   it got (`merged.through`) in the same transaction;
/// - a lookup reads the index file's generations and the log past that position, and checks
///   each candidate against the message's own row. A receipt's lookup takes the log's
///   unmerged entries from memory, so that only the last moments of the log are scanned.
///
/// The index is derived from the log: a crash loses at most the merges since the index file's
/// last sync, and with them the position, so they are made again. An index file that is
/// missing, or was made for another store or a later state of this one (a store restored from
/// a backup), is made again from the whole log (`open`); one that cannot be opened is set aside
/// first (`SQLiteMessageStore.openIndex`).
final class LoggedIndex: Sendable {
    /// What one index is made of: the log it merges, its key, its file.
    struct Layout: Sendable {
        /// What the index finds messages by, for log lines.
        let subject: String
        /// The store's table the writer appends to: `seq INTEGER PRIMARY KEY, message_id` and
        /// the key's column.
        let log: String
        /// The key's column: a hash of the key (`IndexKeyHash`).
        let keyColumn: String
        /// Generation tables are this and their number.
        let tablePrefix: String
        /// The file is the store's name with this before its extension.
        let fileTag: String
        /// The name the store's readers attach the file under.
        let schema: String
        /// Linux thread names hold 15 characters.
        let threadName: String
        /// Seconds between two reads of the log into memory (`recent`).
        let interval: TimeInterval

        /// A search by number scans the log's unmerged tail (an admin's search can afford a
        /// millisecond or two); memory serves the merges.
        static let destinations = Layout(
            subject: "destination number", log: "number_log", keyColumn: "number_hash", tablePrefix: "numbers_",
            fileTag: "numbers", schema: "number_index", threadName: "tern-index", interval: 0.2)
        /// A receipt's lookup reads the log's unmerged entries from memory, and scans only
        /// what was logged since the last read: at 50,000 messages a second, 50 ms of it is
        /// 2,500 rows, some 0.3 ms; the second a merge waits for would be 5 ms a lookup.
        static let upstreamKeys = Layout(
            subject: "upstream message id", log: "upstream_key_log", keyColumn: "key_hash", tablePrefix: "upstream_keys_",
            fileTag: "upstream-keys", schema: "upstream_key_index", threadName: "tern-keys", interval: 0.05)

        /// The index file beside the store at `storePath`: `x.numbers.sqlite` for `x.sqlite`.
        func path(besideStore storePath: String) -> String { Self.path(tagged: fileTag, besideStore: storePath) }

        /// Schema v8's index by number, made from the text of the numbers (`x.destinations.sqlite`).
        static func retiredDestinationsPath(besideStore storePath: String) -> String {
            path(tagged: "destinations", besideStore: storePath)
        }

        private static func path(tagged tag: String, besideStore storePath: String) -> String {
            let fileStart = storePath.lastIndex(of: "/").map(storePath.index(after:)) ?? storePath.startIndex
            let file = storePath[fileStart...]
            guard let dot = file.lastIndex(of: "."), dot > file.startIndex else { return storePath + "." + tag }
            return storePath[..<dot] + "." + tag + storePath[dot...]
        }

        /// The log position the index file holds everything through, read through the store's
        /// readers (which attach the file as `schema`).
        var mergedThroughSQL: String { "SELECT through FROM \(schema).merged" }

        /// A generation's table: message ids by key, each key's newest last in the key.
        func generationTable(_ generation: Int64) -> String { "\(tablePrefix)\(generation)" }
    }

    /// A generation takes merges until it holds this many entries; the next merge starts a new
    /// one. A merge's sorted batch lands on pages all over its generation's b-tree, so in one
    /// that grew with the store each merge rewrote more of it: over a 60-second run, one
    /// generation's merges grew to 3 µs a message and the p99 of submit_sm_resp to 29 ms; with
    /// generations of a million, 1.9–2.1 µs and 21–38 ms; of 250,000, 1.2–1.4 µs and 17–24 ms
    /// (BENCHMARKS.md, twelfth pass). Bounded, a merge costs the same on a store of any size; a
    /// lookup pays one index lookup per generation it has to read (400 for 100 million messages).
    static let defaultEntriesPerGeneration: Int64 = 250_000
    let entriesPerGeneration: Int64
    /// A merge waits for this many logged entries, or for `mergeAge`: the larger a merge, the
    /// more entries share each index page it writes.
    static let mergeRows: Int64 = 50_000
    static let mergeAge: Duration = .seconds(1)
    /// At most this many a merge, so that a store rebuilding its index goes in steps.
    static let mergeBatchLimit: Int64 = 200_000
    /// Log rows copied out of the store by one read (`merge`, `readRecent`).
    static let copyRows: Int64 = 2_000

    let layout: Layout
    let path: String
    /// The log's unmerged entries.
    let recent = RecentLogEntries()
    private let connection: DatabaseQueue
    private let logger: Logger
    /// When the last merge ran, for `mergeAge`.
    private let mergedAt = Mutex<ContinuousClock.Instant>(.now)
    private let loop = Mutex<Loop>(.idle)
    private let stopped = Atomic<Bool>(false)

    private enum Loop {
        case idle
        /// Signalled when the thread ends.
        case running(DispatchSemaphore)
        case stopped
    }

    /// Opens (creating if needed) the index file beside the store at `storePath`. `open` makes
    /// it ready once the store's schema is current.
    init(_ layout: Layout, storePath: String, entriesPerGeneration: Int64 = defaultEntriesPerGeneration) throws {
        self.layout = layout
        logger = Logger(label: "tern.store.\(layout.fileTag)")
        self.entriesPerGeneration = entriesPerGeneration
        path = layout.path(besideStore: storePath)
        var configuration = Configuration()
        configuration.label = "tern.store.\(layout.fileTag)"
        configuration.busyMode = .callback(SQLiteMessageStore.waitWhileLocked)
        configuration.prepareDatabase { db in
            // The store, where the log is. A merge's transaction only reads it, so it never
            // takes the store's write lock.
            try db.execute(sql: "ATTACH DATABASE ? AS store", arguments: [storePath])
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        connection = try DatabaseQueue(path: path, configuration: configuration)
        try connection.writeWithoutTransaction { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            // No fsync a merge: a merge lost in a crash is lost with its position, and made again.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: """
                -- The index's parts, each a table of its own (`generationTable`), with the range
                -- of message ids merged into it: a lookup reads them newest first and stops
                -- when the older ones cannot hold anything newer than what it has.
                CREATE TABLE IF NOT EXISTS generations (
                    generation INTEGER PRIMARY KEY,
                    entries INTEGER NOT NULL DEFAULT 0,
                    first_id INTEGER,
                    last_id INTEGER
                );
                -- One row: the store this index is made from, and the log position merged so far.
                CREATE TABLE IF NOT EXISTS merged (store TEXT NOT NULL, through INTEGER NOT NULL);
                CREATE TEMP TABLE IF NOT EXISTS merging (\(layout.keyColumn) INTEGER NOT NULL, message_id INTEGER NOT NULL);
                """)
        }
    }

    /// After the store's migrations, before the merger starts: starts the index over when it
    /// was not made from this store's log as it is now.
    func open() async throws {
        try await connection.write { db in
            let store = try String.fetchOne(db, sql: "SELECT id FROM store.store_identity") ?? ""
            let logEnd = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM store.\(self.layout.log)") ?? 0
            let merged = try Row.fetchOne(db, sql: "SELECT store, through FROM merged")
            if let merged, merged["store"] == store, (merged["through"] as Int64) <= logEnd { return }
            if let merged {
                self.logger.notice("the index by \(self.layout.subject) was made for another store, or a later state of this one; making it again", metadata: [
                    "index": "\(self.path)", "made_for": "\(merged["store"] as String)", "merged_through": "\(merged["through"] as Int64)",
                    "store": "\(store)", "log_end": "\(logEnd)",
                ])
            } else if logEnd > 0 {
                // A first start after the upgrade, or a deleted file: lookups read the log
                // until the merges catch up, which an operator should know is under way.
                self.logger.notice("making the index by \(self.layout.subject) from the store's log", metadata: [
                    "index": "\(self.path)", "logged_entries": "\(logEnd)",
                ])
            }
            for generation in try Int64.fetchAll(db, sql: "SELECT generation FROM generations") {
                try db.execute(sql: "DROP TABLE \(self.layout.generationTable(generation))")
            }
            try db.execute(sql: "DELETE FROM generations; DELETE FROM merged")
            try db.execute(sql: "INSERT INTO merged (store, through) VALUES (?, 0)", arguments: [store])
            try self.startGeneration(1, db)
        }
    }

    private func startGeneration(_ generation: Int64, _ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE \(layout.generationTable(generation)) (
                \(layout.keyColumn) INTEGER NOT NULL,
                message_id INTEGER NOT NULL,
                PRIMARY KEY (\(layout.keyColumn), message_id)
            ) WITHOUT ROWID;
            INSERT INTO generations (generation) VALUES (\(generation));
            """)
    }

    /// One part of the index as a lookup sees it.
    struct Generation {
        var table: String
        /// Bounds of the message ids in it.
        var firstID: Int64
        var lastID: Int64
    }

    /// The generations that hold anything, the one with the newest messages first, read
    /// through the store's reader (which has the file attached as `Layout.schema`).
    static func generations(_ db: Database, _ layout: Layout) throws -> [Generation] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT generation, first_id, last_id FROM \(layout.schema).generations WHERE last_id IS NOT NULL ORDER BY last_id DESC
            """)).map { row in
            Generation(table: "\(layout.schema).\(layout.generationTable(row[0]))", firstID: row[1], lastID: row[2])
        }
    }

    /// Starts the merge loop on a thread of its own; a no-op once it runs or after `stop`.
    ///
    /// The thread runs at a lower priority (nice 10): a merge is a burst of sorting and page
    /// writes every second, and nothing waits on it (a lookup reads the log's tail meanwhile),
    /// while the event loops answering clients share the same cores.
    func start() {
        loop.withLock { loop in
            guard case .idle = loop else { return }
            let finished = DispatchSemaphore(value: 0)
            let interval = layout.interval
            let thread = Thread { [weak self] in
                defer { finished.signal() }
                Thread.current.name = self?.layout.threadName
                // On Linux a nice value is per thread, and `who` 0 is the calling thread.
                setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
                while true {
                    Thread.sleep(forTimeInterval: interval)
                    guard let self, !self.stopped.load(ordering: .acquiring) else { return }
                    self.pass(force: false)
                }
            }
            thread.start()
            loop = .running(finished)
        }
    }

    /// One merge if enough is logged or the oldest unmerged entry waited long enough
    /// (`force`: whatever is logged, up to `mergeBatchLimit`), then, for a layout that keeps
    /// them, a read of the entries logged since the last into memory; returns how many entries
    /// it merged. A failure is logged and the next pass tries again: the log keeps everything.
    @discardableResult
    func pass(force: Bool) -> Int64 {
        do {
            return try connection.writeWithoutTransaction { db in
                let merged = try self.merge(db, force: force)
                try self.readRecent(into: self.recent, db)
                return merged
            }
        } catch {
            if stopped.load(ordering: .acquiring) { return 0 }
            logger.warning("merging into the index by \(layout.subject) failed; the next pass retries",
                           metadata: ["error": "\(error)", "index": "\(path)"])
            return 0
        }
    }

    /// Reads what was logged since the last read into memory, without merging (tests that look
    /// at what a lookup finds there).
    func rememberLogged() throws {
        try connection.writeWithoutTransaction { db in try self.readRecent(into: recent, db) }
    }

    /// Merges until the log is merged to its end (a bench or a test that searches right after
    /// writing); returns how many entries that took.
    @discardableResult
    func mergeEverything() -> Int64 {
        var total: Int64 = 0
        while case let merged = pass(force: true), merged > 0 { total += merged }
        return total
    }

    private func merge(_ db: Database, force: Bool) throws -> Int64 {
        guard let mergedThrough = try Int64.fetchOne(db, sql: "SELECT through FROM merged") else { return 0 }
        // Entries another process's merger merged too, and those of a merge that committed but
        // failed after: what memory holds must start where the file's position is.
        recent.forget(through: mergedThrough)
        guard let logEnd = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM store.\(layout.log)"), logEnd > mergedThrough else {
            mergedAt.withLock { $0 = .now }
            return 0
        }
        if !force, logEnd - mergedThrough < Self.mergeRows, mergedAt.withLock({ $0.duration(to: .now) }) < Self.mergeAge { return 0 }
        var last = min(logEnd, mergedThrough + Self.mergeBatchLimit)
        let batch: MergeBatch
        if case let through = min(last, recent.readThrough), through > mergedThrough,
           let entries = recent.entries(after: mergedThrough, through: through) {
            last = through
            batch = .remembered(keys: entries.keys, messageIDs: entries.messageIDs)
        } else {
            try copy(after: mergedThrough, through: last, db)
            batch = .copied
        }
        var merged: Int64 = 0
        try db.inTransaction(.deferred) {
            // First, so the transaction writes from its first statement (a read first would
            // leave it a snapshot it may not be able to write from). Another process's merger
            // (a `tern admin` command beside `tern serve`) that got here first moved the position:
            // this merge is then its merge again, and goes.
            try db.execute(sql: "UPDATE merged SET through = ?1 WHERE through = ?2", arguments: [last, mergedThrough])
            if db.changesCount == 0 { return .rollback }
            guard let current = try Row.fetchOne(db, sql: "SELECT generation, entries FROM generations ORDER BY generation DESC LIMIT 1") else {
                throw StoreError.unavailable("the index by \(layout.subject) in \(path) has no generation (its generations table is empty)")
            }
            var generation: Int64 = current[0]
            if (current[1] as Int64) >= entriesPerGeneration {
                generation += 1
                try startGeneration(generation, db)
            }
            let written = try write(batch, into: layout.generationTable(generation), db)
            merged = written.entries
            try db.execute(sql: """
                UPDATE generations SET entries = entries + ?2,
                    first_id = min(coalesce(first_id, ?3), ?3), last_id = max(coalesce(last_id, ?4), ?4)
                WHERE generation = ?1
                """, arguments: [generation, written.added, written.firstID, written.lastID])
            return .commit
        }
        if case .copied = batch { try db.execute(sql: "DELETE FROM temp.merging") }
        // After the commit: a lookup that finds the memory without these entries finds the
        // file with them (`RecentLogEntries`).
        if merged > 0 { recent.forget(through: last) }
        mergedAt.withLock { $0 = .now }
        return merged
    }

    /// What one merge writes: the log's rows copied into `temp.merging`, or, when memory holds
    /// all of them, memory's sorted entries. Memory saves the merger reading the log a second
    /// time into a table and sorting it again (BENCHMARKS.md, thirteenth pass).
    private enum MergeBatch {
        case copied
        case remembered(keys: [Int64], messageIDs: [Int64])
    }

    /// Copies the log's rows in `(after, through]` into `temp.merging`, `copyRows` to a read of
    /// the store: while a read holds its snapshot, the checkpointer's RESTART waits for it, and
    /// holds the writer meanwhile, so each read must be short, even on this low-priority thread.
    private func copy(after: Int64, through last: Int64, _ db: Database) throws {
        // Left by a merge that failed half way.
        try db.execute(sql: "DELETE FROM temp.merging")
        var position = after
        while position < last {
            let through = min(last, position + Self.copyRows)
            try db.execute(sql: """
                INSERT INTO temp.merging (\(layout.keyColumn), message_id)
                SELECT \(layout.keyColumn), message_id FROM store.\(layout.log) WHERE seq > ?1 AND seq <= ?2
                """, arguments: [position, through])
            position = through
        }
    }

    /// Rows a statement when writing memory's entries.
    private static let rowsPerInsert = 64

    /// Writes a batch into a generation, in key order: how many entries it had, how many were
    /// new to the generation, and the bounds of their message ids.
    private func write(_ batch: MergeBatch, into table: String,
                       _ db: Database) throws -> (entries: Int64, added: Int, firstID: Int64?, lastID: Int64?) {
        // OR IGNORE: an entry logged twice (a message submitted again with the same id) must
        // not stop every merge after it.
        let insert = "INSERT OR IGNORE INTO \(table) (\(layout.keyColumn), message_id) VALUES "
        switch batch {
        case .copied:
            try db.execute(sql: """
                INSERT OR IGNORE INTO \(table) (\(layout.keyColumn), message_id)
                SELECT \(layout.keyColumn), message_id FROM temp.merging ORDER BY \(layout.keyColumn), message_id
                """)
            let added = db.changesCount
            let row = try Row.fetchOne(db, sql: "SELECT count(*), min(message_id), max(message_id) FROM temp.merging")
            return (row?[0] ?? 0, added, row?[1], row?[2])
        case .remembered(let keys, let messageIDs):
            guard let connection = db.sqliteConnection else { throw StoreError.unavailable("the index connection is closed") }
            let values = (0..<Self.rowsPerInsert).map { "(?\($0 * 2 + 1), ?\($0 * 2 + 2))" }.joined(separator: ", ")
            let many = BoundStatement(try db.cachedStatement(sql: insert + values), connection: connection)
            let one = BoundStatement(try db.cachedStatement(sql: insert + "(?1, ?2)"), connection: connection)
            var added = 0
            var index = 0
            while index < keys.count {
                let statement = keys.count - index >= Self.rowsPerInsert ? many : one
                let rows = keys.count - index >= Self.rowsPerInsert ? Self.rowsPerInsert : 1
                for row in 0..<rows {
                    try statement.bind(Int32(row * 2 + 1), keys[index + row])
                    try statement.bind(Int32(row * 2 + 2), messageIDs[index + row])
                }
                added += try statement.run()
                index += rows
            }
            return (Int64(keys.count), added, messageIDs.min(), messageIDs.max())
        }
    }

    /// Reads the log's entries past what memory holds, `copyRows` a read, into memory; at most
    /// `RecentLogEntries.capacity` are held (a merger that keeps failing): past that, lookups
    /// scan the log instead.
    private func readRecent(into recent: RecentLogEntries, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            SELECT seq, message_id, \(layout.keyColumn) FROM store.\(layout.log) WHERE seq > ? ORDER BY seq LIMIT \(Self.copyRows)
            """)
        for _ in 0..<50 {
            let after = recent.readThrough
            guard recent.count < RecentLogEntries.capacity else { return }
            var entries: [RecentLogEntries.Entry] = []
            entries.reserveCapacity(Int(Self.copyRows))
            let rows = try Row.fetchCursor(statement, arguments: [after])
            while let row = try rows.next() {
                entries.append(RecentLogEntries.Entry(seq: row[0], messageID: row[1], key: row[2]))
            }
            recent.append(entries, after: after)
            if entries.count < Int(Self.copyRows) { return }
        }
    }

    func stop() async throws {
        stopped.store(true, ordering: .releasing)
        let finished = loop.withLock { loop -> DispatchSemaphore? in
            defer { loop = .stopped }
            if case .running(let finished) = loop { return finished }
            return nil
        }
        if let finished {
            // At most one pass and its sleep: off the caller's executor.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async {
                    finished.wait()
                    continuation.resume()
                }
            }
        }
        try connection.close()
    }

    /// How many entries each generation holds, oldest first, for tests.
    func generationEntries() async throws -> [Int] {
        try await connection.read { db in try Int.fetchAll(db, sql: "SELECT entries FROM generations ORDER BY generation") }
    }

    /// How many entries the index file holds, for tests.
    func entryCount() async throws -> Int {
        try await generationEntries().reduce(0, +)
    }
}
