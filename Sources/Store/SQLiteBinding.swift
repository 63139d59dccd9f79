import Gateway
import GRDB
// The C module GRDB itself compiles against, so the statement handles it hands out fit.
#if canImport(GRDBSQLite)
import GRDBSQLite
#elseif canImport(SQLite3)
import SQLite3
#endif

/// SQLite's "copy the bytes now" destructor, a macro that Swift does not import.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A cached GRDB statement driven through the C API: packing `StatementArguments` costs several
/// times what SQLite spends on a row, so the write path binds each value straight from the Swift
/// value it already has.
///
/// Parameters are numbered (`?1`, `?2`, …) so one value used twice in the SQL is bound once.
/// Every parameter is bound before each `run()`; `run()` resets the statement, leaving it ready
/// for the next row and for GRDB, which owns it.
struct BoundStatement {
    /// Held so the handle stays valid even if GRDB's cache lets go of the statement.
    private let statement: Statement
    private let handle: SQLiteStatement
    private let connection: SQLiteConnection

    init(_ statement: Statement, connection: SQLiteConnection) {
        self.statement = statement
        handle = statement.sqliteStatement
        self.connection = connection
    }

    /// An address as three parameters from `index`: TON, NPI, value.
    func bind(_ index: Int32, _ address: WireAddress) throws {
        try bind(index, Int(address.ton))
        try bind(index + 1, Int(address.npi))
        try bind(index + 2, address.value)
    }

    func bind(_ index: Int32, _ value: Int64) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    func bind(_ index: Int32, _ value: Int) throws {
        try check(sqlite3_bind_int64(handle, index, Int64(value)))
    }

    func bind(_ index: Int32, _ value: Int?) throws {
        if let value { try bind(index, value) } else { try bindNull(index) }
    }

    func bind(_ index: Int32, _ value: Double) throws {
        try check(sqlite3_bind_double(handle, index, value))
    }

    func bind(_ index: Int32, _ value: Double?) throws {
        if let value { try bind(index, value) } else { try bindNull(index) }
    }

    /// Native Swift strings are contiguous UTF-8, so `withUTF8` lends their own buffer; SQLite
    /// copies it (transient) because the buffer is only valid inside the closure.
    func bind(_ index: Int32, _ value: String) throws {
        var value = value
        let code = value.withUTF8 { bytes -> Int32 in
            // An empty buffer may have no address, which SQLite would store as NULL, not ''.
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                return sqlite3_bind_text(handle, index, "", 0, transient)
            }
            return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_bind_text(handle, index, $0, Int32(bytes.count), transient)
            }
        }
        try check(code)
    }

    func bind(_ index: Int32, _ value: String?) throws {
        if let value { try bind(index, value) } else { try bindNull(index) }
    }

    /// Text given as UTF-8 bytes (a key formatted on the stack).
    func bindText(_ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            try check(sqlite3_bind_text(handle, index, "", 0, transient))
            return
        }
        let code = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            sqlite3_bind_text(handle, index, $0, Int32(bytes.count), transient)
        }
        try check(code)
    }

    /// An empty array is stored as an empty blob; the readers take NULL as empty too.
    func bind(_ index: Int32, _ bytes: [UInt8]) throws {
        let code = bytes.withUnsafeBytes { buffer -> Int32 in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return sqlite3_bind_zeroblob(handle, index, 0) }
            return sqlite3_bind_blob(handle, index, base, Int32(buffer.count), transient)
        }
        try check(code)
    }

    func bindNull(_ index: Int32) throws {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Executes the statement and returns how many rows it changed.
    @discardableResult
    func run() throws -> Int {
        let code = sqlite3_step(handle)
        try finish(code)
        return Int(sqlite3_changes(connection))
    }

    /// Executes a lookup and says whether it found a row, reading nothing of it.
    func runFindsRow() throws -> Bool {
        var code = sqlite3_step(handle)
        let found = code == SQLITE_ROW
        while code == SQLITE_ROW { code = sqlite3_step(handle) }
        try finish(code)
        return found
    }

    /// Executes a statement that yields at most one row (`RETURNING`, a lookup) and returns its
    /// first column; nil when there is no row or the value is NULL.
    func runReturningInteger() throws -> Int64? {
        try runReturningRow(1)?.first ?? nil
    }

    /// Executes a statement that yields at most one row and returns its first `count` integer
    /// columns (NULL as nil); nil when there is no row.
    func runReturningRow(_ count: Int32) throws -> [Int64?]? {
        var code = sqlite3_step(handle)
        var values: [Int64?]?
        if code == SQLITE_ROW {
            values = (0..<count).map { column in
                sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
            }
            repeat { code = sqlite3_step(handle) } while code == SQLITE_ROW
        }
        try finish(code)
        return values
    }

    /// Resets the statement for its next run, and throws unless stepping it ended well.
    private func finish(_ code: Int32) throws {
        // The error is read before the reset, which may replace its message.
        let failure = code == SQLITE_DONE ? nil : error(code)
        sqlite3_reset(handle)
        if let failure { throw failure }
    }

    private func check(_ code: Int32) throws {
        if code != SQLITE_OK { throw error(code) }
    }

    private func error(_ code: Int32) -> DatabaseError {
        // The extended code, so callers can tell a UNIQUE violation from other constraints.
        let extended = sqlite3_extended_errcode(connection)
        return DatabaseError(
            resultCode: ResultCode(rawValue: extended != 0 ? extended : code),
            message: String(cString: sqlite3_errmsg(connection)),
            sql: sqlite3_sql(handle).map { String(cString: $0) })
    }
}
