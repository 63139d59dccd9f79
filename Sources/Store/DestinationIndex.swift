import Foundation
import Gateway
import GRDB
import Logging
import Synchronization

/// Messages by destination number, for tracking searches, in a file of their own beside the
/// store (`tern.destinations.sqlite` beside `tern.sqlite`).
///
/// An index on the number inside the message file put each message's entry on a random page
/// of a b-tree as large as the store. With traffic spread over a million numbers every message
/// dirtied a page of its own, which the commit wrote to the log and the checkpoint wrote again:
/// the writer, the one serial step, spent a third of its time on it, more as the store grew
/// (BENCHMARKS.md, eleventh and twelfth passes). So the index is kept the way an LSM tree keeps
/// one:
/// - the accept appends each new message's number to `destination_log` in the store
///   (`WriteBatch`), in commit order, which only ever touches the table's last page;
/// - this merger copies the log into the index file in large sorted batches, on its own
///   connection and thread, so each page of the index is written once for many messages, and
///   records how far it got (`merged.through`) in the same transaction;
/// - a search by number reads the index file's generations and the log past that position
///   (`SQLiteMessageStore.searchByNumber`).
///
/// The index is derived from the log: a crash loses at most the merges since the index file's
/// last sync, and with them the position, so they are made again. An index file that is
/// missing, or was made for another store or a later state of this one (a store restored from
/// a backup), is made again from the whole log (`open`); one that cannot be opened is set aside
/// first (`SQLiteMessageStore.openDestinationIndex`).
final class DestinationIndex: Sendable {
    /// A generation takes merges until it holds this many numbers; the next merge starts a new
    /// one. A merge's sorted batch lands on pages all over its generation's b-tree, so in one
    /// that grew with the store each merge rewrote more of it: over a 60-second run, one
    /// generation's merges grew to 3 µs a message and the p99 of submit_sm_resp to 29 ms; with
    /// generations of a million, 1.9–2.1 µs and 21–38 ms; of 250,000, 1.2–1.4 µs and 17–24 ms
    /// (BENCHMARKS.md, twelfth pass). Bounded, a merge costs the same on a store of any size; a
    /// search pays one index lookup per generation it has to read (400 for 100 million messages).
    static let defaultEntriesPerGeneration: Int64 = 250_000
    let entriesPerGeneration: Int64
    /// A merge waits for this many logged numbers, or for `mergeAge`: the larger a merge, the
    /// more entries share each index page it writes; the log's tail a search reads stays short.
    static let mergeRows: Int64 = 50_000
    static let mergeAge: Duration = .seconds(1)
    /// At most this many a merge, so that a store rebuilding its index goes in steps.
    static let mergeBatchLimit: Int64 = 200_000
    /// Seconds between two looks at the log.
    static let interval: TimeInterval = 0.2
    /// Log rows copied out of the store by one read (`merge`).
    static let copyRows: Int64 = 2_000

    let path: String
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

    /// The index file beside the store at `storePath`: `x.destinations.sqlite` for `x.sqlite`.
    static func path(besideStore storePath: String) -> String {
        let fileStart = storePath.lastIndex(of: "/").map(storePath.index(after:)) ?? storePath.startIndex
        let file = storePath[fileStart...]
        guard let dot = file.lastIndex(of: "."), dot > file.startIndex else { return storePath + ".destinations" }
        return storePath[..<dot] + ".destinations" + storePath[dot...]
    }

    /// Opens (creating if needed) the index file beside the store at `storePath`. `open` makes
    /// it ready once the store's schema is current.
    init(storePath: String, entriesPerGeneration: Int64 = defaultEntriesPerGeneration,
         logger: Logger = Logger(label: "tern.store.destinations")) throws {
        self.logger = logger
        self.entriesPerGeneration = entriesPerGeneration
        path = Self.path(besideStore: storePath)
        var configuration = Configuration()
        configuration.label = "tern.store.destinations"
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
                -- of message ids merged into it: a search by number reads them newest first and
                -- stops when the older ones cannot hold anything newer than what it has.
                CREATE TABLE IF NOT EXISTS generations (
                    generation INTEGER PRIMARY KEY,
                    entries INTEGER NOT NULL DEFAULT 0,
                    first_id INTEGER,
                    last_id INTEGER
                );
                -- One row: the store this index is made from, and the log position merged so far.
                CREATE TABLE IF NOT EXISTS merged (store TEXT NOT NULL, through INTEGER NOT NULL);
                CREATE TEMP TABLE IF NOT EXISTS merging (number TEXT NOT NULL, message_id INTEGER NOT NULL);
                """)
        }
    }

    /// After the store's migrations, before the merger starts: starts the index over when it
    /// was not made from this store's log as it is now.
    func open() async throws {
        try await connection.write { db in
            let store = try String.fetchOne(db, sql: "SELECT id FROM store.store_identity") ?? ""
            let logEnd = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM store.destination_log") ?? 0
            let merged = try Row.fetchOne(db, sql: "SELECT store, through FROM merged")
            if let merged, merged["store"] == store, (merged["through"] as Int64) <= logEnd { return }
            if let merged {
                self.logger.notice("the index by destination number was made for another store, or a later state of this one; making it again", metadata: [
                    "index": "\(self.path)", "made_for": "\(merged["store"] as String)", "merged_through": "\(merged["through"] as Int64)",
                    "store": "\(store)", "log_end": "\(logEnd)",
                ])
            } else if logEnd > 0 {
                // A first start after the upgrade, or a deleted file: searches by number read
                // the log until the merges catch up, which an operator should know is under way.
                self.logger.notice("making the index by destination number from the store's log", metadata: [
                    "index": "\(self.path)", "logged_numbers": "\(logEnd)",
                ])
            }
            for generation in try Int64.fetchAll(db, sql: "SELECT generation FROM generations") {
                try db.execute(sql: "DROP TABLE \(Self.generationTable(generation))")
            }
            try db.execute(sql: "DELETE FROM generations; DELETE FROM merged")
            try db.execute(sql: "INSERT INTO merged (store, through) VALUES (?, 0)", arguments: [store])
            try Self.startGeneration(1, db)
        }
    }

    /// A generation's table: message ids by number, each number's newest first from the key.
    static func generationTable(_ generation: Int64) -> String { "numbers_\(generation)" }

    private static func startGeneration(_ generation: Int64, _ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE \(generationTable(generation)) (
                number TEXT NOT NULL,
                message_id INTEGER NOT NULL,
                PRIMARY KEY (number, message_id)
            ) WITHOUT ROWID;
            INSERT INTO generations (generation) VALUES (\(generation));
            """)
    }

    /// One part of the index as a search sees it.
    struct Generation {
        var table: String
        /// Bounds of the message ids in it.
        var firstID: Int64
        var lastID: Int64
    }

    /// The generations that hold anything, the one with the newest messages first, read
    /// through `schema` (the name the index file is attached under).
    static func generations(_ db: Database, schema: String) throws -> [Generation] {
        try Row.fetchAll(db, sql: """
            SELECT generation, first_id, last_id FROM \(schema).generations WHERE last_id IS NOT NULL ORDER BY last_id DESC
            """).map { row in
            Generation(table: "\(schema).\(generationTable(row[0]))", firstID: row[1], lastID: row[2])
        }
    }

    /// Starts the merge loop on a thread of its own; a no-op once it runs or after `stop`.
    ///
    /// The thread runs at a lower priority (nice 10): a merge is a burst of sorting and page
    /// writes every second, and nothing waits on it (a search reads the log's tail meanwhile),
    /// while the event loops answering clients share the same cores.
    func start() {
        loop.withLock { loop in
            guard case .idle = loop else { return }
            let finished = DispatchSemaphore(value: 0)
            let thread = Thread { [weak self] in
                defer { finished.signal() }
                Thread.current.name = "tern-index"
                // On Linux a nice value is per thread, and `who` 0 is the calling thread.
                setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
                while true {
                    Thread.sleep(forTimeInterval: Self.interval)
                    guard let self, !self.stopped.load(ordering: .acquiring) else { return }
                    self.pass(force: false)
                }
            }
            thread.start()
            loop = .running(finished)
        }
    }

    /// One merge if enough is logged or the oldest unmerged number waited long enough
    /// (`force`: whatever is logged, up to `mergeBatchLimit`); returns how many numbers it
    /// merged. A failure is logged and the next pass tries again: the log keeps everything.
    @discardableResult
    func pass(force: Bool) -> Int64 {
        do {
            return try connection.writeWithoutTransaction { db in try self.merge(db, force: force) }
        } catch {
            if stopped.load(ordering: .acquiring) { return 0 }
            logger.warning("merging destination numbers into the index failed; the next pass retries",
                           metadata: ["error": "\(error)", "index": "\(path)"])
            return 0
        }
    }

    /// Merges until the log is merged to its end (a bench or a test that searches right after
    /// writing); returns how many numbers that took.
    @discardableResult
    func mergeEverything() -> Int64 {
        var total: Int64 = 0
        while case let merged = pass(force: true), merged > 0 { total += merged }
        return total
    }

    private func merge(_ db: Database, force: Bool) throws -> Int64 {
        guard let mergedThrough = try Int64.fetchOne(db, sql: "SELECT through FROM merged"),
              let logEnd = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM store.destination_log"),
              logEnd > mergedThrough else {
            mergedAt.withLock { $0 = .now }
            return 0
        }
        if !force, logEnd - mergedThrough < Self.mergeRows, mergedAt.withLock({ $0.duration(to: .now) }) < Self.mergeAge { return 0 }
        // Left by a merge that failed half way.
        try db.execute(sql: "DELETE FROM temp.merging")
        // Copied out first, `copyRows` to a read of the store: while a read holds its snapshot,
        // the checkpointer's RESTART waits for it, and holds the writer meanwhile, so each read
        // must be short, even on this low-priority thread.
        let last = min(logEnd, mergedThrough + Self.mergeBatchLimit)
        var position = mergedThrough
        while position < last {
            let through = min(last, position + Self.copyRows)
            try db.execute(sql: """
                INSERT INTO temp.merging (number, message_id)
                SELECT number, message_id FROM store.destination_log WHERE seq > ?1 AND seq <= ?2
                """, arguments: [position, through])
            position = through
        }
        var merged = try Int64.fetchOne(db, sql: "SELECT count(*) FROM temp.merging") ?? 0
        try db.inTransaction(.deferred) {
            // First, so the transaction writes from its first statement (a read first would
            // leave it a snapshot it may not be able to write from). Another process's merger
            // (a `tern admin` command beside `tern serve`) that got here first moved the position:
            // this merge is then its merge again, and goes.
            try db.execute(sql: "UPDATE merged SET through = ?1 WHERE through = ?2", arguments: [last, mergedThrough])
            if db.changesCount == 0 {
                merged = 0
                return .rollback
            }
            guard let current = try Row.fetchOne(db, sql: "SELECT generation, entries FROM generations ORDER BY generation DESC LIMIT 1") else {
                throw StoreError.unavailable("the index by destination number in \(path) has no generation (its generations table is empty)")
            }
            var generation: Int64 = current[0]
            if (current[1] as Int64) >= entriesPerGeneration {
                generation += 1
                try Self.startGeneration(generation, db)
            }
            // OR IGNORE: a message logged twice (nothing does) must not stop every merge after it.
            try db.execute(sql: """
                INSERT OR IGNORE INTO \(Self.generationTable(generation)) (number, message_id)
                SELECT number, message_id FROM temp.merging ORDER BY number, message_id
                """)
            try db.execute(sql: """
                UPDATE generations SET entries = entries + ?2,
                    first_id = min(coalesce(first_id, ?3), ?3), last_id = max(coalesce(last_id, ?4), ?4)
                WHERE generation = ?1
                """, arguments: [generation, db.changesCount,
                                 try Int64.fetchOne(db, sql: "SELECT min(message_id) FROM temp.merging"),
                                 try Int64.fetchOne(db, sql: "SELECT max(message_id) FROM temp.merging")])
            return .commit
        }
        try db.execute(sql: "DELETE FROM temp.merging")
        mergedAt.withLock { $0 = .now }
        return merged
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

    /// How many numbers each generation holds, oldest first, for tests.
    func generationEntries() async throws -> [Int] {
        try await connection.read { db in try Int.fetchAll(db, sql: "SELECT entries FROM generations ORDER BY generation") }
    }

    /// How many numbers the index file holds, for tests.
    func entryCount() async throws -> Int {
        try await generationEntries().reduce(0, +)
    }
}
