import Foundation
import Gateway
import GRDB
@testable import Store

/// A fresh database file in its own temporary directory, removed after `body`.
func withTemporaryDatabase<T>(_ body: (String) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-store-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory.appendingPathComponent("tern.sqlite").path)
}

/// A migrated store on a fresh file, closed after `body`.
func withStore<T>(durability: StoreSettings.Durability = .full, mergesInBackground: Bool = true,
                  _ body: (SQLiteMessageStore) async throws -> T) async throws -> T {
    try await withTemporaryDatabase { path in
        let store = try SQLiteMessageStore(path: path, durability: durability, mergesInBackground: mergesInBackground)
        try await store.migrate()
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// Whole binary fractions, so the REAL column gives back exactly the same Date.
let baseTime = Date(timeIntervalSince1970: 1_780_000_000.125)

func time(_ offset: Double) -> Date { baseTime.addingTimeInterval(offset) }

func makeMessage(_ id: Int64, accountID: Int64 = 1, state: MessageLifecycle = .accepted, connector: String? = nil,
                 destination: String = "447700900123") -> Message {
    Message(
        id: MessageID(rawValue: id), accountID: accountID, systemID: "client\(accountID)",
        source: WireAddress(ton: 5, npi: 0, value: "Tern"), destination: WireAddress(ton: 1, npi: 1, value: destination),
        registeredDelivery: 1, shortMessage: Array("hello \(id)".utf8), receivedAt: time(Double(id % 1000)),
        state: state, connector: connector)
}

func accept(_ messages: Message...) -> [StoreWrite] { messages.map(StoreWrite.accept) }

/// A store on a file written by an older schema: migrated up to `migration`, filled by `fill`
/// through plain SQL, then opened and migrated to the current schema as `tern` would.
func upgradedStore(at path: String, from migration: String, _ fill: @escaping @Sendable (Database) throws -> Void) async throws -> SQLiteMessageStore {
    try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
    // The functions the store's own connections have, which migrations since v9 call.
    var configuration = Configuration()
    configuration.prepareDatabase(SQLiteMessageStore.addFunctions)
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    try SQLiteMessageStore.migrator.migrate(queue, upTo: migration)
    try await queue.write(fill)
    try queue.close()
    let store = try SQLiteMessageStore(path: path)
    try await store.migrate()
    return store
}

/// A message row as a v7 or v8 file holds it (the columns every schema since has), for the
/// upgrade tests that fill an old file.
func insertOldMessage(_ db: Database, id: Int, destination: String, state: String) throws {
    try db.execute(sql: """
        INSERT INTO messages (id, account_id, system_id, service_type, source_ton, source_npi, source_value,
            destination_ton, destination_npi, destination_value, esm_class, protocol_id, priority,
            registered_delivery, data_coding, received_at, state, attempts, updated_at)
        VALUES (?1, 1, 'c', '', 0, 0, 'T', 1, 1, ?2, 0, 0, 0, 0, 0, 100, ?3, 0, 100)
        """, arguments: [id, destination, state])
}

/// The store at `path`, migrated, with its indexes merged only when a test says so
/// (`LoggedIndex.mergeEverything`, `rememberLogged`), so it can look at what is merged and what
/// is not.
func openUnmerged(_ path: String, entriesPerGeneration: Int64 = LoggedIndex.defaultEntriesPerGeneration) async throws -> SQLiteMessageStore {
    let store = try SQLiteMessageStore(path: path, durability: .full, mergesInBackground: false, entriesPerGeneration: entriesPerGeneration)
    try await store.migrate()
    return store
}

/// Removes an index's file beside the store at `path` with its log files (gone already when its
/// last connection closed cleanly); returns its path.
@discardableResult
func removeIndex(_ index: LoggedIndex.Layout, besideStore path: String) throws -> String {
    let indexPath = index.path(besideStore: path)
    try FileManager.default.removeItem(atPath: indexPath)
    for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: indexPath + suffix) }
    return indexPath
}
