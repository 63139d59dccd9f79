import Foundation
import Gateway
import GRDB

/// Applies the writes of one group commit inside the transaction `SQLiteMessageStore.apply`
/// opened. The hot path: values are bound straight to cached statements through the C API
/// (`BoundStatement`), and a message's normal life (accepted, routed, submitted, one final
/// state) is kept as time columns, so each step is one statement on one row: the accept
/// inserts the message row, which is not written again on the normal path; the submitted step
/// starts the message's narrow `message_state` row with what it sets, and the final state
/// updates that row (schema v7; `message_view` reads a column from it when set). Steps off the
/// normal path first copy the message row's state into it (`copyState`). `open_messages` holds
/// the messages that have not ended; `number_log` gets each new message's number and
/// `upstream_key_log` each key a state row takes, as hashes, for the indexes made from them
/// (`LoggedIndex`).
///
/// A transition goes to a time column only when the column can give it back exactly
/// (`fastPath`) and the row has no later column set yet (the UPDATE's WHERE); otherwise it is
/// a `message_events` row stamped with the phase it happened in, which is what lets
/// `events(of:)` rebuild the timeline in write order.
struct WriteBatch {
    private let db: Database
    private let connection: SQLiteConnection
    /// Fetched once per batch: `cachedStatement(sql:)` hashes the whole SQL text on every call.
    private var insertMessage: BoundStatement?
    private var insertMessages4: BoundStatement?
    private var insertMessages16: BoundStatement?
    private var insertEvent: BoundStatement?
    private var updateState: BoundStatement?
    private var markRouted: BoundStatement?
    private var markSubmitted: BoundStatement?
    private var markDone: BoundStatement?
    private var markSubmittedAndDone: BoundStatement?
    private var insertSubmittedState: BoundStatement?
    private var isOpenMessage: BoundStatement?
    private var insertDoneState: BoundStatement?
    private var copyState: BoundStatement?
    private var openMessage: BoundStatement?
    private var openMessages4: BoundStatement?
    private var openMessages16: BoundStatement?
    private var logNumber: BoundStatement?
    private var logNumbers4: BoundStatement?
    private var logNumbers16: BoundStatement?
    private var logKey: BoundStatement?
    private var logKeys4: BoundStatement?
    private var logKeys16: BoundStatement?
    private var logKeyOfState: BoundStatement?
    private var closeMessage: BoundStatement?
    private var accountOfMessage: BoundStatement?
    private var replaceMessage: BoundStatement?
    private var insertMobileOriginated: BoundStatement?
    private var deleteMobileOriginated: BoundStatement?
    private var insertReplaceEvent: BoundStatement?
    private var upsertReceipt: BoundStatement?
    private var deleteReceipt: BoundStatement?
    private var readBalance: BoundStatement?
    private var insertLedger: BoundStatement?
    private var insertLedgerRows: BoundStatement?
    private var markRefunded: BoundStatement?
    /// Keys the normal path's submitted steps gave state rows in this transaction, logged together
    /// when it ends (`writeSubmittedKeys`).
    private var submittedKeys: [LoggedKey] = []
    /// `apply` time for writes that carry none (replace_sm).
    private let now: Double
    /// Final states whose charges go back to the balances.
    private let refundOn: Set<MessageLifecycle>
    /// Messages refused because a balance could not pay, with the reason.
    private(set) var refusedForCredit: [MessageID: String] = [:]
    /// Consumption gathered over the batch, written once at the end (`finish`).
    private var usage = UsageTally()
    /// A balance as the batch has read it (nil: no such account) and changed it since. One
    /// writer holds the database for the whole transaction, so a balance read once stays true
    /// for the batch; each changed one is written back once, in `finish`.
    private struct Balance {
        var amount: Int?
        var changed = false
    }

    private var balances = LatestKeyDictionary<Int64, Balance>()

    /// A ledger row, kept until `finish` writes the batch's rows together.
    private struct LedgerRow {
        var account: Int64
        var at: Double
        var amount: Int
        /// Set by `writeLedgerRows`, which runs each account's balance back from where the batch
        /// leaves it.
        var balanceAfter = 0
        var kind: LedgerEntry.Kind
        var messageID: MessageID?
        var reason: String
        /// The charges a charge row sums up.
        var messages = 1

        /// A charge row names its message when it has one; one that sums up several says how
        /// many (each message keeps its own price in its row and its tracking).
        var text: String {
            guard kind == .charge, messages > 1 else { return reason }
            return reason.isEmpty ? "\(messages) messages" : "\(reason), \(messages) messages"
        }
    }

    /// Nothing reads the ledger inside a batch, so its rows wait for `finish`, which writes them
    /// `ledgerRowsPerStatement` to an INSERT.
    private var ledgerRows: [LedgerRow] = []
    /// A batch's charges to one account (and, for a reseller, on behalf of one user) are one
    /// ledger row, at the place of the first: a row per message made the ledger as long as the
    /// message table and cost the writer, the one serial step, 7 % of its time with one payer
    /// per message (BENCHMARKS.md, hooks, eighth pass). Value: the row's index in `ledgerRows`.
    private var chargeRows = LatestKeyDictionary<ChargeKey, Int>()

    /// Who pays, and for which user's messages (the payer itself, or a reseller's user).
    private struct ChargeKey: Hashable {
        var payer: Int64
        var user: Int64
    }
    static let ledgerRowsPerStatement = 16
    /// Parameters a ledger row binds (`bind(_:to:from:)`); its actor is NULL, the gateway's own.
    private static let ledgerRowParameters = 7
    private static let insertLedgerRowSQL = insertLedgerSQL(rows: 1)
    private static let insertLedgerRowsSQL = insertLedgerSQL(rows: ledgerRowsPerStatement)

    private static func insertLedgerSQL(rows: Int) -> String {
        let values = (0..<rows).map { row in
            let parameters = (1...ledgerRowParameters).map { "?\(row * ledgerRowParameters + $0)" }
            return "(\(parameters.joined(separator: ", ")), NULL)"
        }
        return """
            INSERT INTO ledger (account_id, at, amount, balance_after, kind, message_id, reason, actor)
            VALUES \(values.joined(separator: ", "))
            """
    }

    /// Accepted messages whose rows are not written yet: they go in INSERTs of up to
    /// `acceptRowsPerStatement` rows (their `open_messages` entries likewise), so that a
    /// statement's fixed cost (a cursor on the table and on each of its five indexes, the
    /// program's start and halt, and SQLite's allocations for them) is paid once for many
    /// messages. A write that reads or changes one of them writes them all first
    /// (`writeAccepts(before:)`), and `apply` writes the rest before it returns: no statement
    /// sees the store without them. Only a plain accept waits; one that needs more than its row
    /// and its open entry (an event) writes the waiting ones, then itself. A full statement's
    /// worth is written at once, so fewer than `acceptRowsPerStatement` ever wait.
    private var unwritten: [Message] = []
    static let acceptRowsPerStatement = 16
    /// Parameters a message row binds (`bind(_:to:from:)`).
    private static let messageRowParameters: Int32 = 36
    private static let insertMessageSQL = insertMessagesSQL(rows: 1)
    private static let insertMessages4SQL = insertMessagesSQL(rows: 4)
    private static let insertMessages16SQL = insertMessagesSQL(rows: acceptRowsPerStatement)
    private static let openMessageSQL = openMessagesSQL(rows: 1)
    private static let openMessages4SQL = openMessagesSQL(rows: 4)
    private static let openMessages16SQL = openMessagesSQL(rows: acceptRowsPerStatement)
    private static let logNumberSQL = logSQL(.destinations, rows: 1)
    private static let logNumbers4SQL = logSQL(.destinations, rows: 4)
    private static let logNumbers16SQL = logSQL(.destinations, rows: acceptRowsPerStatement)
    private static let logKeySQL = logSQL(.upstreamKeys, rows: 1)
    private static let logKeys4SQL = logSQL(.upstreamKeys, rows: 4)
    private static let logKeys16SQL = logSQL(.upstreamKeys, rows: acceptRowsPerStatement)

    /// How many of `left` rows the next multi-row statement takes: 16, else 4, else 1. Three
    /// statement shapes a table, each prepared once.
    private static func rowsPerStatement(left: Int) -> Int {
        left >= acceptRowsPerStatement ? acceptRowsPerStatement : left >= 4 ? 4 : 1
    }

    /// OR FAIL: a statement of many rows inside a transaction otherwise keeps a statement
    /// journal (each page it changes copied first, so a failing row could undo the rows before
    /// it), and with that journal 16 rows a statement cost more than one row a statement had
    /// (store bench). A failure fails the whole batch's transaction anyway.
    private static func insertMessagesSQL(rows: Int) -> String {
        let values = (0..<rows).map { row in
            let base = row * Int(messageRowParameters)
            // updated_at is the received time, the row's ?21.
            let parameters = (1...29).map { base + $0 } + [base + 21] + (30...36).map { base + $0 }
            return "(" + parameters.map { "?\($0)" }.joined(separator: ", ") + ")"
        }
        return """
            INSERT OR FAIL INTO messages (id, account_id, system_id, service_type,
                source_ton, source_npi, source_value, destination_ton, destination_npi, destination_value,
                esm_class, protocol_id, priority, registered_delivery, data_coding, short_message, tlvs,
                concat_reference, concat_total, concat_sequence, received_at, scheduled_at, expires_at,
                state, connector, upstream_id, upstream_key, attempts, error_code, updated_at,
                routed_at, routed_connector, price, reseller_price, reseller_id, campaign, charged)
            VALUES \(values.joined(separator: ", "))
            """
    }

    /// OR IGNORE for the same reason; the key is the table's only constraint, so it ignores
    /// exactly what `ON CONFLICT (id) DO NOTHING` did.
    private static func openMessagesSQL(rows: Int) -> String {
        let values = (1...rows).map { "(?\($0))" }.joined(separator: ", ")
        return "INSERT OR IGNORE INTO open_messages (id) VALUES \(values)"
    }

    /// Entries of an index's log (`LoggedIndex`), `(message id, key hash)` a row: each new
    /// message's number, and each key a submitted step gives a state row. An index on either in
    /// the store put each message's entry on a random page (BENCHMARKS.md, twelfth and
    /// thirteenth passes). In the batch's own statements rather than a trigger on `messages`:
    /// SQLite runs a trigger's program once a row, and that cost the writer 0.5 µs a message and
    /// the p99 of submit_sm_resp 12 → 20 ms at 50,000 msg/s.
    private static func logSQL(_ index: LoggedIndex.Layout, rows: Int) -> String {
        let values = (0..<rows).map { "(?\($0 * 2 + 1), ?\($0 * 2 + 2))" }.joined(separator: ", ")
        return "INSERT INTO \(index.log) (message_id, \(index.keyColumn)) VALUES \(values)"
    }

    /// A key the normal path gave a state row, hashed, to log when the transaction ends.
    private struct LoggedKey {
        var messageID: Int64
        var hash: Int64
    }

    init(_ db: Database, refundOn: Set<MessageLifecycle> = []) throws {
        guard let connection = db.sqliteConnection else { throw StoreError.unavailable("the database connection is closed") }
        self.db = db
        self.connection = connection
        self.refundOn = refundOn
        now = Date().timeIntervalSince1970
    }

    /// Writes what the batch gathered for the whole transaction: ledger rows, balances, the
    /// usage rollup.
    mutating func finish() throws {
        try writeSubmittedKeys()
        try writeLedgerRows()
        let changed = balances.all.filter(\.value.changed)
        if !changed.isEmpty {
            let statement = try db.cachedStatement(sql: "UPDATE accounts SET balance = ? WHERE id = ?")
            for (account, balance) in changed {
                if let amount = balance.amount { try statement.execute(arguments: [amount, account]) }
            }
        }
        try usage.write(db)
    }

    /// The parts of one long message accepted together, charged all or none: a recipient must
    /// not get half a message because the credit ran out at its third part.
    private struct PartGroup {
        /// The parts found together in this batch (the first included).
        var members: Set<MessageID> = []
        /// What all parts cost the account and the reseller.
        var price: Int
        var resellerPrice: Int
        /// Set when the balances cannot pay for the whole group.
        var refusal: String?
        var checked = false
    }

    private var group: PartGroup?

    /// Applies writes in order; returns the ids of messages writes were about but which do not
    /// exist (nothing was written for those).
    mutating func apply(_ writes: [StoreWrite]) throws -> [MessageID] {
        var missing: [MessageID] = []
        let endings = Self.endingsAfterSubmits(writes)
        // By write index, like `endings`: arrays, so that no write pays for hashing its index.
        var endedWithSubmit = [Bool](repeating: false, count: endings.isEmpty ? 0 : writes.count)
        // By index, each write looked at once (`apply(_:at:)`): `enumerated()` handed out a copy
        // of each, and every look at `writes[index]` copies the whole write (some 300 octets)
        // to the stack; a copy of an accept is a copy of every field of its message (perf).
        for index in writes.indices {
            if !endings.isEmpty {
                if endedWithSubmit[index] { continue }
                let end = endings[index]
                if end >= 0, case .transition(let submitted) = writes[index], case .transition(let ending) = writes[end],
                   try submitAndEnd(submitted, ending) {
                    endedWithSubmit[end] = true
                    continue
                }
            }
            if let id = try apply(writes, at: index) { missing.append(id) }
        }
        try writeAccepts()
        return missing
    }

    /// Messages whose `submitted` and final state are both in this batch, with nothing else about
    /// them in between (an upstream that sends its receipt within a commit or two): at the index
    /// of the submitted write, the index of the final one (-1 elsewhere); empty when there are
    /// none. Each such pair is one UPDATE instead of two, rewriting the row once.
    private static func endingsAfterSubmits(_ writes: [StoreWrite]) -> [Int] {
        var submitted: [MessageID: Int] = [:]
        var endings: [Int] = []
        for index in writes.indices {
            switch writes[index] {
            case .transition(let transition):
                let id = transition.messageID
                switch fastPath(transition) {
                case .submitted?:
                    submitted[id] = index
                case .done?:
                    if !submitted.isEmpty, let start = submitted.removeValue(forKey: id) {
                        if endings.isEmpty { endings = [Int](repeating: -1, count: writes.count) }
                        endings[start] = index
                    }
                default:
                    if !submitted.isEmpty { submitted[id] = nil }
                }
            case .replace(let id, _, _, _, _):
                if !submitted.isEmpty { submitted[id] = nil }
            default:
                break
            }
        }
        return endings
    }

    /// Writes a submitted step and the final state after it as the message's state row, made
    /// whole at once. False when the message is not as the submitted step expects (ended, missing,
    /// or past its accept already): then each is applied on its own, in order, as if they had
    /// come in separate batches.
    private mutating func submitAndEnd(_ submitted: MessageTransition, _ ending: MessageTransition) throws -> Bool {
        guard case .done(let kind)? = Self.fastPath(ending) else { return false }
        let id = submitted.messageID.rawValue
        try writeAccepts(before: id)
        // As for a submitted step alone: open and without a state row means nothing since the
        // accept; one that names no connector takes the slower way there.
        guard submitted.connector != nil, try isOpen(id) else { return false }
        let statement = try cached(\.markSubmittedAndDone, """
            INSERT INTO message_state (id, connector, upstream_id, upstream_key, submitted_at,
                submitted_connector, submitted_upstream_id, state, error_code, done_error_code, done_kind,
                done_at, updated_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?2, ?3, ?6, ?7, ?7, ?8, ?9, ?9)
            ON CONFLICT (id) DO NOTHING
            """)
        try Self.bindSubmitted(statement, submitted, at: submitted.at.timeIntervalSince1970)
        try statement.bind(6, ending.state.rawValue)
        try statement.bind(7, ending.errorCode)
        try statement.bind(8, kind)
        try statement.bind(9, ending.at.timeIntervalSince1970)
        guard try statement.run() > 0 else { return false }
        keep(submitted)
        try close(id)
        try endedOnRow(ending)
        return true
    }

    /// The parts of `first`'s message that follow it in this batch, and what they cost together.
    private static func group(starting first: Message, in writes: ArraySlice<StoreWrite>) -> PartGroup? {
        guard let parts = first.concatenation else { return nil }
        var group = PartGroup(price: 0, resellerPrice: 0)
        for write in writes.prefix(parts.total) {
            guard case .accept(let message) = write, message.accountID == first.accountID,
                  message.destination.value == first.destination.value,
                  message.concatenation?.reference == parts.reference, message.concatenation?.total == parts.total else { break }
            group.members.insert(message.id)
            group.price += message.price ?? 0
            group.resellerPrice += message.resellerID == nil ? 0 : message.resellerPrice ?? 0
        }
        return group
    }

    /// Returns the id of a message a write was about but which does not exist; nothing was
    /// written for it.
    private mutating func apply(_ writes: [StoreWrite], at index: Int) throws -> MessageID? {
        switch writes[index] {
        case .accept(let message):
            if let parts = message.concatenation, parts.sequence == 1, parts.total > 1 {
                group = Self.group(starting: message, in: writes[index...])
            }
            try accept(message)
        case .transition(let transition):
            if try !apply(transition) { return transition.messageID }
        case .replace(let id, let shortMessage, let expiresAt, let scheduledAt, let registeredDelivery):
            if try !replace(id, shortMessage: shortMessage, expiresAt: expiresAt, scheduledAt: scheduledAt,
                            registeredDelivery: registeredDelivery) { return id }
        case .queueReceipt(let receipt):
            let statement = try cached(\.upsertReceipt, """
                INSERT OR REPLACE INTO pending_receipts (message_id, account_id, state, error_code, done_at, expires_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                """)
            try statement.bind(1, receipt.messageID.rawValue)
            try statement.bind(2, receipt.accountID)
            try statement.bind(3, receipt.state.rawValue)
            try statement.bind(4, receipt.errorCode)
            try statement.bind(5, receipt.doneAt.timeIntervalSince1970)
            try statement.bind(6, receipt.expiresAt.timeIntervalSince1970)
            try statement.run()
        case .removeReceipt(let id):
            let statement = try cached(\.deleteReceipt, "DELETE FROM pending_receipts WHERE message_id = ?1")
            try statement.bind(1, id.rawValue)
            try statement.run()
        case .queueMobileOriginated(let pending):
            let statement = try cached(\.insertMobileOriginated, """
                INSERT OR REPLACE INTO pending_mo (id, account_id, received_at, expires_at, source_ton, source_npi, source_value,
                    destination_ton, destination_npi, destination_value, esm_class, data_coding, short_message, tlvs)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                """)
            let message = pending.message
            try statement.bind(1, pending.id.rawValue)
            try statement.bind(2, pending.accountID)
            try statement.bind(3, message.receivedAt.timeIntervalSince1970)
            try statement.bind(4, pending.expiresAt.timeIntervalSince1970)
            try statement.bind(5, message.source)
            try statement.bind(8, message.destination)
            try statement.bind(11, Int(message.esmClass))
            try statement.bind(12, Int(message.dataCoding))
            try statement.bind(13, message.shortMessage)
            try statement.bind(14, message.tlvs)
            try statement.run()
        case .removeMobileOriginated(let id):
            let statement = try cached(\.deleteMobileOriginated, "DELETE FROM pending_mo WHERE id = ?1")
            try statement.bind(1, id.rawValue)
            try statement.run()
        case .sessionsBound(let accountID, let at, let count):
            usage.sessions(accountID: accountID, hour: UsageTally.hour(at.timeIntervalSince1970), count: count)
        }
        return nil
    }

    // MARK: Credit

    /// Takes the message's prices from its account and its reseller, or neither: returns why
    /// not when a balance is short.
    private mutating func charge(_ message: Message) throws -> String? {
        let price = message.price ?? 0
        let resellerPrice = message.resellerID == nil ? 0 : message.resellerPrice ?? 0
        var needed = (price, resellerPrice)
        if var group, group.members.contains(message.id) {
            if let refusal = group.refusal { return refusal }
            if !group.checked {
                // The first part answers for the whole message.
                needed = (group.price, group.resellerPrice)
                group.checked = true
                self.group = group
            } else {
                needed = (0, 0)
            }
        }
        if needed.0 > 0 {
            let balance = try balance(of: message.accountID)
            if balance < needed.0 {
                return refuseGroup("insufficient credit: '\(message.systemID)' has \(balance), the message costs \(needed.0)")
            }
        }
        if needed.1 > 0, let reseller = message.resellerID {
            let balance = try balance(of: reseller)
            if balance < needed.1 {
                // The user sees this reason in tracking: its reseller's balance is not its business.
                return refuseGroup("insufficient credit: the reseller's balance cannot pay for it")
            }
        }
        let hour = UsageTally.hour(message.receivedAt.timeIntervalSince1970)
        if price > 0 {
            try take(price, from: message.accountID, for: message)
            usage.spend(accountID: message.accountID, hour: hour, amount: price)
        }
        if resellerPrice > 0, let reseller = message.resellerID {
            try take(resellerPrice, from: reseller, for: message)
            usage.spend(accountID: reseller, hour: hour, amount: resellerPrice)
        }
        return nil
    }

    /// Debits a charge and adds it to the batch's charge row for this payer and user, which it
    /// opens at the first charge (a reseller's row names the user).
    private mutating func take(_ price: Int, from payer: Int64, for message: Message) throws {
        guard try change(payer, by: -price) else { return }
        let at = message.receivedAt.timeIntervalSince1970
        let key = ChargeKey(payer: payer, user: message.accountID)
        if let index = chargeRows[key] {
            ledgerRows[index].amount -= price
            ledgerRows[index].messages += 1
            ledgerRows[index].messageID = nil
            ledgerRows[index].at = at
            return
        }
        chargeRows[key] = ledgerRows.count
        ledgerRows.append(LedgerRow(account: payer, at: at, amount: -price, kind: .charge, messageID: message.id,
                                    reason: payer == message.accountID ? "" : "user \(message.systemID)"))
    }

    /// The refusal, remembered for the remaining parts of the message being charged.
    private mutating func refuseGroup(_ reason: String) -> String {
        group?.refusal = reason
        return reason
    }

    /// Gives a charged message's prices back, once.
    private mutating func refund(_ id: MessageID, state: MessageLifecycle, at: Double) throws {
        let statement = try cached(\.markRefunded, """
            UPDATE messages SET refunded = 1 WHERE id = ?1 AND charged = 1 AND refunded = 0
            RETURNING account_id, price, reseller_id, reseller_price
            """)
        try statement.bind(1, id.rawValue)
        guard let row = try statement.runReturningRow(4) else { return }
        let hour = UsageTally.hour(at)
        if let account = row[0], let price = row[1], price > 0 {
            try move(Int(price), account: account, kind: .refund, messageID: id, reason: state.rawValue, at: at)
            usage.spend(accountID: account, hour: hour, amount: -Int(price))
        }
        if let reseller = row[2], let price = row[3], price > 0 {
            try move(Int(price), account: reseller, kind: .refund, messageID: id, reason: state.rawValue, at: at)
            usage.spend(accountID: reseller, hour: hour, amount: -Int(price))
        }
    }

    private mutating func balance(of account: Int64) throws -> Int {
        try cachedBalance(account) ?? 0
    }

    private mutating func cachedBalance(_ account: Int64) throws -> Int? {
        if let known = balances[account] { return known.amount }
        let statement = try cached(\.readBalance, "SELECT balance FROM accounts WHERE id = ?1")
        try statement.bind(1, account)
        let balance = try statement.runReturningInteger().map(Int.init)
        balances[account] = Balance(amount: balance)
        return balance
    }

    /// Changes a balance and writes its ledger row; an account that no longer exists is skipped.
    private mutating func move(_ amount: Int, account: Int64, kind: LedgerEntry.Kind, messageID: MessageID?, reason: String, at: Double) throws {
        guard try change(account, by: amount) else { return }
        ledgerRows.append(LedgerRow(account: account, at: at, amount: amount, kind: kind, messageID: messageID, reason: reason))
    }

    /// Changes a balance for the batch to write back; false when the account no longer exists.
    private mutating func change(_ account: Int64, by amount: Int) throws -> Bool {
        guard let before = try cachedBalance(account) else { return false }
        balances[account] = Balance(amount: before + amount, changed: true)
        return true
    }

    /// The ledger rows of the batch, in the order they were made (their ids follow it), each
    /// with its account's balance after it.
    private mutating func writeLedgerRows() throws {
        guard !ledgerRows.isEmpty else { return }
        // Backwards from the balance the batch leaves: the last row of an account ends there.
        var running: [Int64: Int] = [:]
        for index in ledgerRows.indices.reversed() {
            let account = ledgerRows[index].account
            let after = running[account] ?? balances[account]?.amount ?? 0
            ledgerRows[index].balanceAfter = after
            running[account] = after - ledgerRows[index].amount
        }
        let width = Self.ledgerRowsPerStatement
        var written = 0
        if ledgerRows.count >= width {
            let insert = try cached(\.insertLedgerRows, Self.insertLedgerRowsSQL)
            while ledgerRows.count - written >= width {
                for row in 0..<width {
                    try bind(ledgerRows[written + row], to: insert, from: Int32(row * Self.ledgerRowParameters + 1))
                }
                try insert.run()
                written += width
            }
        }
        if written < ledgerRows.count {
            let insert = try cached(\.insertLedger, Self.insertLedgerRowSQL)
            for row in ledgerRows[written...] {
                try bind(row, to: insert, from: 1)
                try insert.run()
            }
        }
        ledgerRows.removeAll()
        chargeRows = LatestKeyDictionary()
    }

    private func bind(_ row: LedgerRow, to statement: BoundStatement, from first: Int32) throws {
        try statement.bind(first, row.account)
        try statement.bind(first + 1, row.at)
        try statement.bind(first + 2, row.amount)
        try statement.bind(first + 3, row.balanceAfter)
        try statement.bind(first + 4, row.kind.rawValue)
        if let messageID = row.messageID { try statement.bind(first + 5, messageID.rawValue) } else { try statement.bindNull(first + 5) }
        try statement.bind(first + 6, row.text)
    }

    private mutating func accept(_ message: Message) throws {
        var message = message
        var refusal: String?
        if (message.price ?? 0) > 0 || (message.resellerPrice ?? 0) > 0 && message.resellerID != nil {
            refusal = try charge(message)
            message.charged = refusal == nil
        }
        try insert(message)
        let hour = UsageTally.hour(message.receivedAt.timeIntervalSince1970)
        usage.accept(accountID: message.accountID, hour: hour, firstPart: (message.concatenation?.sequence ?? 1) == 1)
        if let refusal {
            refusedForCredit[message.id] = refusal
            usage.refusedForCredit(accountID: message.accountID, hour: hour)
            // Tracking shows why: the message is kept, ended as rejected with the reason.
            _ = try apply(MessageTransition(messageID: message.id, at: message.receivedAt, state: .rejected,
                                            errorCode: 0x45, detail: refusal))
        }
    }

    private mutating func insert(_ message: Message) throws {
        let routedOnArrival = Self.routedOnArrival(message)
        // Anything else a new message already carries is kept as an event after `accepted`, so
        // the timeline still shows the state it arrived in.
        let needsEvent = !routedOnArrival && (message.state != .accepted || message.connector != nil
            || message.upstreamID != nil || message.errorCode != nil)
        if !needsEvent, !message.state.isFinal {
            unwritten.append(message)
            if unwritten.count == Self.acceptRowsPerStatement { try writeAccepts() }
            return
        }
        try writeAccepts()
        let statement = try cached(\.insertMessage, Self.insertMessageSQL)
        try Self.bind(message, to: statement, from: 1)
        try statement.run()
        let log = try cached(\.logNumber, Self.logNumberSQL)
        try log.bind(1, message.id.rawValue)
        try log.bind(2, IndexKeyHash.number(message.destination.value))
        try log.run()
        if !message.state.isFinal { try open(message.id.rawValue) }
        if needsEvent {
            try appendEvent(MessageEvent(
                messageID: message.id, at: message.receivedAt, state: message.state, connector: message.connector,
                upstreamID: message.upstreamID, errorCode: message.errorCode))
        }
    }

    /// Routed on arrival (the gateway picks the connector before the write): both steps of the
    /// timeline from the message's row.
    private static func routedOnArrival(_ message: Message) -> Bool {
        message.state == .routed && message.connector != nil && message.upstreamID == nil && message.errorCode == nil
    }

    /// Writes the accepted messages that wait, if `id` is one of them (a look at fewer than 16).
    private mutating func writeAccepts(before id: Int64) throws {
        if unwritten.contains(where: { $0.id.rawValue == id }) { try writeAccepts() }
    }

    /// Writes the accepted messages that wait, in their order: as many rows to a statement as
    /// fit (16, then 4, then 1), their rows first, then their open entries.
    private mutating func writeAccepts() throws {
        guard !unwritten.isEmpty else { return }
        var written = 0
        while written < unwritten.count {
            let rows = Self.rowsPerStatement(left: unwritten.count - written)
            let insert: BoundStatement
            let open: BoundStatement
            let log: BoundStatement
            switch rows {
            case Self.acceptRowsPerStatement:
                insert = try cached(\.insertMessages16, Self.insertMessages16SQL)
                open = try cached(\.openMessages16, Self.openMessages16SQL)
                log = try cached(\.logNumbers16, Self.logNumbers16SQL)
            case 4:
                insert = try cached(\.insertMessages4, Self.insertMessages4SQL)
                open = try cached(\.openMessages4, Self.openMessages4SQL)
                log = try cached(\.logNumbers4, Self.logNumbers4SQL)
            default:
                insert = try cached(\.insertMessage, Self.insertMessageSQL)
                open = try cached(\.openMessage, Self.openMessageSQL)
                log = try cached(\.logNumber, Self.logNumberSQL)
            }
            for row in 0..<rows {
                let message = unwritten[written + row]
                try Self.bind(message, to: insert, from: Int32(row) * Self.messageRowParameters + 1)
                try open.bind(Int32(row + 1), message.id.rawValue)
                try log.bind(Int32(row * 2 + 1), message.id.rawValue)
                try log.bind(Int32(row * 2 + 2), IndexKeyHash.number(message.destination.value))
            }
            try insert.run()
            try open.run()
            try log.run()
            written += rows
        }
        unwritten.removeAll(keepingCapacity: true)
    }

    /// Binds a message row's `messageRowParameters` values from parameter `first` on. Static, as
    /// the other binding helpers: called on `self` from a mutating method, an instance method
    /// copied the whole batch (its thirty-odd statements) for every message (perf).
    private static func bind(_ message: Message, to statement: BoundStatement, from first: Int32) throws {
        let base = first - 1
        let receivedAt = message.receivedAt.timeIntervalSince1970
        try statement.bind(base + 1, message.id.rawValue)
        try statement.bind(base + 2, message.accountID)
        try statement.bind(base + 3, message.systemID)
        try statement.bind(base + 4, message.serviceType)
        try statement.bind(base + 5, message.source)
        try statement.bind(base + 8, message.destination)
        try statement.bind(base + 11, Int(message.esmClass))
        try statement.bind(base + 12, Int(message.protocolID))
        try statement.bind(base + 13, Int(message.priority))
        try statement.bind(base + 14, Int(message.registeredDelivery))
        try statement.bind(base + 15, Int(message.dataCoding))
        try statement.bind(base + 16, message.shortMessage)
        try statement.bind(base + 17, message.tlvs)
        try statement.bind(base + 18, message.concatenation?.reference)
        try statement.bind(base + 19, message.concatenation?.total)
        try statement.bind(base + 20, message.concatenation?.sequence)
        try statement.bind(base + 21, receivedAt)
        try statement.bind(base + 22, message.scheduledAt?.timeIntervalSince1970)
        try statement.bind(base + 23, message.expiresAt?.timeIntervalSince1970)
        try statement.bind(base + 24, message.state.rawValue)
        try statement.bind(base + 25, message.connector)
        try statement.bind(base + 26, message.upstreamID)
        try Self.bindUpstreamKey(statement, base + 27, message.upstreamID)
        try statement.bind(base + 28, message.attempts)
        try statement.bind(base + 29, message.errorCode)
        if Self.routedOnArrival(message) {
            try statement.bind(base + 30, receivedAt)
            try statement.bind(base + 31, message.connector)
        } else {
            try statement.bindNull(base + 30)
            try statement.bindNull(base + 31)
        }
        try statement.bind(base + 32, message.price)
        try statement.bind(base + 33, message.resellerPrice)
        if let reseller = message.resellerID { try statement.bind(base + 34, reseller) } else { try statement.bindNull(base + 34) }
        try statement.bind(base + 35, message.campaign)
        try statement.bind(base + 36, message.charged ? 1 : 0)
    }

    /// Which time column can hold a transition with nothing lost; nil when only an event row can.
    private enum FastPath { case routed, submitted, done(kind: Int) }

    private static func fastPath(_ transition: MessageTransition) -> FastPath? {
        switch transition.state {
        case .routed:
            guard transition.upstreamID == nil, transition.errorCode == nil, transition.detail == nil else { return nil }
            return .routed
        case .submitted:
            guard transition.errorCode == nil, transition.detail == nil else { return nil }
            return .submitted
        default:
            // Receipts name neither connector nor upstream id: the row already has both.
            guard transition.connector == nil, transition.upstreamID == nil else { return nil }
            guard let code = Timeline.doneCode(transition.state) else { return nil }
            switch transition.detail {
            case nil: return .done(kind: code)
            case "receipt"?: return .done(kind: code | Timeline.receiptFlag)
            default: return nil
            }
        }
    }

    /// Returns false when the message does not exist.
    private mutating func apply(_ transition: MessageTransition) throws -> Bool {
        let id = transition.messageID.rawValue
        try writeAccepts(before: id)
        let at = transition.at.timeIntervalSince1970
        if let path = Self.fastPath(transition) {
            // Each step refuses a message for which this or a later step is already set (a
            // second final state, a routed after submitted), and one that ended by a final state
            // kept as an event: those become event rows, below, so the timeline keeps its order,
            // the message is open again, and an end is not counted twice.
            switch path {
            case .routed:
                try copyState(id)
                let statement = try cached(\.markRouted, """
                    UPDATE message_state SET state = 'routed', connector = COALESCE(?2, connector),
                        routed_connector = ?2, routed_at = ?3, updated_at = ?3
                    WHERE id = ?1 AND routed_at IS NULL AND submitted_at IS NULL AND done_at IS NULL
                        AND EXISTS (SELECT 1 FROM open_messages WHERE id = ?1)
                    """)
                try statement.bind(1, id)
                try statement.bind(2, transition.connector)
                try statement.bind(3, at)
                if try statement.run() > 0 {
                    // A new connector with the key of an earlier submission is a pair the state
                    // row shows, as an index on the row found it.
                    if transition.connector != nil { try logKeyOfState(id) }
                    return true
                }
            case .submitted:
                // The normal case: the message's first step after the accept, so its state row
                // starts here, with what this step sets. An open message without a state row has
                // had no step since its accept (the v7 migration gave the others theirs). A
                // statement of its own for the check and VALUES for the insert: the same in one
                // INSERT … SELECT … WHERE EXISTS runs a third more instructions (callgrind).
                // Checked once here: the UPDATE below, for a message past its accept, relies on it.
                guard try isOpen(id) else { break }
                if transition.connector != nil {
                    let insert = try cached(\.insertSubmittedState, """
                        INSERT INTO message_state (id, state, connector, upstream_id, upstream_key, updated_at,
                            submitted_at, submitted_connector, submitted_upstream_id)
                        VALUES (?1, 'submitted', ?2, ?3, ?4, ?5, ?5, ?2, ?3)
                        ON CONFLICT (id) DO NOTHING
                        """)
                    try Self.bindSubmitted(insert, transition, at: at)
                    if try insert.run() > 0 {
                        keep(transition)
                        return true
                    }
                } else {
                    // A state row's upstream key is found with its own connector: one that names
                    // none keeps the message's, copied first.
                    try copyState(id)
                }
                let statement = try cached(\.markSubmitted, """
                    UPDATE message_state SET state = 'submitted', connector = COALESCE(?2, connector),
                        upstream_id = COALESCE(?3, upstream_id), upstream_key = COALESCE(?4, upstream_key),
                        submitted_connector = ?2, submitted_upstream_id = ?3, submitted_at = ?5, updated_at = ?5
                    WHERE id = ?1 AND submitted_at IS NULL AND done_at IS NULL
                    """)
                try Self.bindSubmitted(statement, transition, at: at)
                if try statement.run() > 0 {
                    try logKeyOfState(id)
                    return true
                }
            case .done(let kind):
                // Taking the message out of `open_messages` first is the check that it was open.
                guard try close(id) else { break }
                // No RETURNING: SQLite runs such a statement through a temporary table, which
                // cost twice the UPDATE itself; the account is read after, when needed.
                let statement = try cached(\.markDone, """
                    UPDATE message_state SET state = ?2, error_code = COALESCE(?3, error_code),
                        done_error_code = ?3, done_kind = ?4, done_at = ?5, updated_at = ?5
                    WHERE id = ?1 AND done_at IS NULL
                    """)
                try statement.bind(1, id)
                try statement.bind(2, transition.state.rawValue)
                try statement.bind(3, transition.errorCode)
                try statement.bind(4, kind)
                try statement.bind(5, at)
                var changed = try statement.run()
                if changed == 0 {
                    // Ended straight from the accept (no state row yet).
                    let insert = try cached(\.insertDoneState, """
                        INSERT INTO message_state (id, state, error_code, updated_at, done_at, done_kind, done_error_code)
                        VALUES (?1, ?2, ?3, ?5, ?5, ?4, ?3)
                        ON CONFLICT (id) DO NOTHING
                        """)
                    try insert.bind(1, id)
                    try insert.bind(2, transition.state.rawValue)
                    try insert.bind(3, transition.errorCode)
                    try insert.bind(4, kind)
                    try insert.bind(5, at)
                    changed = try insert.run()
                }
                if changed > 0 {
                    try endedOnRow(transition)
                    return true
                }
                // Open, but with a final state set (a step written as an event after its end
                // opened it again): as an event, open as before.
                try open(id)
            }
        }

        // Read before the change: a final state for a message that had ended already (a late
        // receipt after an expiry, a second receipt) goes into its timeline, but its end was
        // counted the first time. Not RETURNING on the UPDATE: that shows only the changed row,
        // and SQLite runs it through a temporary table.
        guard let row = try storedRow(id) else { return false }

        // COALESCE keeps what an earlier transition recorded when this one says nothing about it
        // (a receipt names no connector; the connector stays the one that submitted).
        try copyState(id)
        let statement = try cached(\.updateState, """
            UPDATE message_state SET state = ?2, connector = COALESCE(?3, connector),
                upstream_id = COALESCE(?4, upstream_id), upstream_key = COALESCE(?5, upstream_key),
                error_code = COALESCE(?6, error_code),
                attempts = COALESCE(attempts, (SELECT attempts FROM messages WHERE id = ?1)) + ?7, updated_at = ?8
            WHERE id = ?1
            """)
        try statement.bind(1, id)
        try statement.bind(2, transition.state.rawValue)
        try statement.bind(3, transition.connector)
        try statement.bind(4, transition.upstreamID)
        try Self.bindUpstreamKey(statement, 5, transition.upstreamID)
        try statement.bind(6, transition.errorCode)
        try statement.bind(7, transition.state == .retrying ? 1 : 0)
        try statement.bind(8, at)
        try statement.run()
        if transition.connector != nil || transition.upstreamID != nil { try logKeyOfState(id) }
        if transition.state.isFinal { try close(id) } else { try open(id) }
        try appendEvent(transition)
        if transition.state.isFinal { try ended(transition, account: row.account, countedBefore: row.ended) }
        return true
    }

    /// A stored message's account, and whether it has ended (it is not in `open_messages`).
    private mutating func storedRow(_ id: Int64) throws -> (account: Int64, ended: Bool)? {
        let lookup = try cached(\.accountOfMessage, """
            SELECT account_id, NOT EXISTS (SELECT 1 FROM open_messages WHERE id = ?1) FROM messages WHERE id = ?1
            """)
        try lookup.bind(1, id)
        guard let row = try lookup.runReturningRow(2), let account = row[0] else { return nil }
        return (account, row[1] == 1)
    }

    /// `ended` for a final state the fast path wrote, which returned no account: the transition
    /// names it (a matched receipt) or the row is read for it. The fast path writes only the
    /// first end of a message.
    private mutating func endedOnRow(_ transition: MessageTransition) throws {
        guard let account = try transition.accountID ?? storedRow(transition.messageID.rawValue)?.account else { return }
        try ended(transition, account: account, countedBefore: false)
    }

    /// A message reached a final state: count it (unless its end was counted before), and
    /// refund it when the config says so.
    private mutating func ended(_ transition: MessageTransition, account: Int64, countedBefore: Bool) throws {
        let at = transition.at.timeIntervalSince1970
        if !countedBefore { usage.ended(accountID: account, hour: UsageTally.hour(at), state: transition.state) }
        if refundOn.contains(transition.state) { try refund(transition.messageID, state: transition.state, at: at) }
    }

    /// Returns false when the message does not exist. nil keeps the stored value, as a NULL
    /// field does in replace_sm (SMPP 3.4 §4.10.1).
    private mutating func replace(_ id: MessageID, shortMessage: [UInt8], expiresAt: Date?, scheduledAt: Date?,
                                  registeredDelivery: UInt8?) throws -> Bool {
        try writeAccepts(before: id.rawValue)
        let update = try cached(\.replaceMessage, """
            UPDATE messages SET short_message = ?2, expires_at = COALESCE(?3, expires_at),
                scheduled_at = COALESCE(?4, scheduled_at),
                registered_delivery = COALESCE(?5, registered_delivery), updated_at = ?6
            WHERE id = ?1
            """)
        try update.bind(1, id.rawValue)
        try update.bind(2, shortMessage)
        try update.bind(3, expiresAt?.timeIntervalSince1970)
        try update.bind(4, scheduledAt?.timeIntervalSince1970)
        try update.bind(5, registeredDelivery.map(Int.init))
        try update.bind(6, now)
        if try update.run() == 0 { return false }
        // The timeline shows the replacement under the state the message was in.
        let event = try cached(\.insertReplaceEvent, """
            INSERT INTO message_events (message_id, at, state, detail, phase)
            SELECT id, ?2, state, 'replace_sm', \(Timeline.phaseExpression) FROM message_view WHERE id = ?1
            """)
        try event.bind(1, id.rawValue)
        try event.bind(2, now)
        try event.run()
        return true
    }

    private mutating func appendEvent(_ event: MessageEvent) throws {
        let statement = try cached(\.insertEvent, """
            INSERT INTO message_events (message_id, at, state, connector, upstream_id, error_code, detail, phase)
            SELECT id, ?2, ?3, ?4, ?5, ?6, ?7, \(Timeline.phaseExpression) FROM message_view WHERE id = ?1
            """)
        try statement.bind(1, event.messageID.rawValue)
        try statement.bind(2, event.at.timeIntervalSince1970)
        try statement.bind(3, event.state.rawValue)
        try statement.bind(4, event.connector)
        try statement.bind(5, event.upstreamID)
        try statement.bind(6, event.errorCode)
        try statement.bind(7, event.detail)
        try statement.run()
    }

    /// Gives the message its `message_state` row, a copy of what its `messages` row says, unless
    /// it has one; nothing for a message that does not exist. For the steps off the normal path,
    /// whose guards read columns a state row started by the normal path leaves unset.
    private mutating func copyState(_ id: Int64) throws {
        let statement = try cached(\.copyState, """
            INSERT INTO message_state (id, state, connector, upstream_id, upstream_key, attempts, error_code,
                updated_at, routed_at, routed_connector, submitted_at, submitted_connector, submitted_upstream_id,
                done_at, done_kind, done_error_code)
            SELECT id, state, connector, upstream_id, upstream_key, attempts, error_code,
                updated_at, routed_at, routed_connector, submitted_at, submitted_connector, submitted_upstream_id,
                done_at, done_kind, done_error_code
            FROM messages WHERE id = ?1
            ON CONFLICT (id) DO NOTHING
            """)
        try statement.bind(1, id)
        // A key in the message row (stored with its upstream id) is found there only while the
        // state row has none (`correlationByMessageSQL`): from here on, by the log.
        if try statement.run() > 0 { try logKeyOfState(id) }
    }

    /// Logs the key the message's state row holds, with its connector, if it holds both: after
    /// a step off the normal path, which may have changed either.
    private mutating func logKeyOfState(_ id: Int64) throws {
        let statement = try cached(\.logKeyOfState, Self.logKeyOfStateSQL)
        try statement.bind(1, id)
        try statement.run()
    }

    private static let logKeyOfStateSQL = """
        INSERT INTO \(LoggedIndex.Layout.upstreamKeys.log) (message_id, \(LoggedIndex.Layout.upstreamKeys.keyColumn))
        SELECT id, tern_upstream_key_hash(connector, upstream_key) FROM message_state
        WHERE id = ?1 AND connector IS NOT NULL AND upstream_key IS NOT NULL
        """

    /// Keeps a submitted step's key for `writeSubmittedKeys`, hashed as the state row stores it
    /// (`bindUpstreamKey`); a step without an id has none.
    private mutating func keep(_ submitted: MessageTransition) {
        guard let connector = submitted.connector, let upstreamID = submitted.upstreamID else { return }
        let hash = UpstreamKey.withCanonical(upstreamID) { IndexKeyHash.upstream(connector: connector, key: $0) }
        submittedKeys.append(LoggedKey(messageID: submitted.messageID.rawValue, hash: hash))
    }

    /// Logs the kept keys, as many to a statement as fit (16, then 4, then 1).
    private mutating func writeSubmittedKeys() throws {
        var written = 0
        while written < submittedKeys.count {
            let rows = Self.rowsPerStatement(left: submittedKeys.count - written)
            let statement: BoundStatement
            switch rows {
            case Self.acceptRowsPerStatement: statement = try cached(\.logKeys16, Self.logKeys16SQL)
            case 4: statement = try cached(\.logKeys4, Self.logKeys4SQL)
            default: statement = try cached(\.logKey, Self.logKeySQL)
            }
            for row in 0..<rows {
                let key = submittedKeys[written + row]
                try statement.bind(Int32(row * 2 + 1), key.messageID)
                try statement.bind(Int32(row * 2 + 2), key.hash)
            }
            try statement.run()
            written += rows
        }
        submittedKeys.removeAll(keepingCapacity: true)
    }

    /// The message may change state again: a restart picks it up.
    private mutating func open(_ id: Int64) throws {
        let statement = try cached(\.openMessage, Self.openMessageSQL)
        try statement.bind(1, id)
        try statement.run()
    }

    /// The message ended; false when it was not open.
    @discardableResult
    private mutating func close(_ id: Int64) throws -> Bool {
        let statement = try cached(\.closeMessage, "DELETE FROM open_messages WHERE id = ?1")
        try statement.bind(1, id)
        return try statement.run() > 0
    }

    private mutating func isOpen(_ id: Int64) throws -> Bool {
        let statement = try cached(\.isOpenMessage, "SELECT 1 FROM open_messages WHERE id = ?1")
        try statement.bind(1, id)
        return try statement.runFindsRow()
    }

    /// A submitted step's values: ?1 the message, ?2 connector, ?3 upstream id, ?4 its key, ?5 when.
    private static func bindSubmitted(_ statement: BoundStatement, _ transition: MessageTransition, at: Double) throws {
        try statement.bind(1, transition.messageID.rawValue)
        try statement.bind(2, transition.connector)
        try statement.bind(3, transition.upstreamID)
        try Self.bindUpstreamKey(statement, 4, transition.upstreamID)
        try statement.bind(5, at)
    }

    /// Binds `UpstreamMessageID.canonical(raw)` (or NULL), formatting the common shapes (decimal,
    /// hex that fits 64 bits) on the stack instead of building Strings for every submitted message.
    private static func bindUpstreamKey(_ statement: BoundStatement, _ index: Int32, _ raw: String?) throws {
        guard let raw else { return try statement.bindNull(index) }
        try UpstreamKey.withCanonical(raw) { try statement.bindText(index, $0) }
    }

    private mutating func cached(_ slot: WritableKeyPath<WriteBatch, BoundStatement?>, _ sql: String) throws -> BoundStatement {
        if let statement = self[keyPath: slot] { return statement }
        let statement = BoundStatement(try db.cachedStatement(sql: sql), connection: connection)
        self[keyPath: slot] = statement
        return statement
    }
}

/// The allocation-free part of `UpstreamMessageID.canonical`: ids made only of ASCII digits and
/// letters a–f/A–F. Anything else (spaces, other letters, hex longer than 64 bits) returns nil
/// and goes through the Gateway's function, so both always agree.
enum UpstreamKey {
    enum Form {
        /// Decimal digits; the key is the text from this offset (leading zeros dropped).
        case decimal(start: Int)
        /// Hex that fits 64 bits; the key is its value in decimal.
        case hex(UInt64)
    }

    static func plainForm(_ bytes: UnsafeBufferPointer<UInt8>) -> Form? {
        if bytes.isEmpty { return nil }
        var decimal = true
        var value: UInt64 = 0
        for byte in bytes {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10); decimal = false
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10); decimal = false
            default: return nil
            }
            value = value &<< 4 | digit
        }
        if decimal {
            // canonical strips leading zeros but keeps a lone "0".
            var start = 0
            while start < bytes.count - 1, bytes[start] == UInt8(ascii: "0") { start += 1 }
            return .decimal(start: start)
        }
        // canonical only rewrites hex of at most 16 digits; longer is lower-cased text.
        return bytes.count <= 16 ? .hex(value) : nil
    }

    /// `UpstreamMessageID.canonical(raw)`'s text, built on the stack for the common shapes.
    static func withCanonical<Result>(_ raw: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        var text = raw
        let plain = try text.withUTF8 { bytes -> Result? in
            switch plainForm(bytes) {
            case .decimal(let start)?: return try body(UnsafeBufferPointer(rebasing: bytes[start...]))
            case .hex(let value)?: return try withDecimal(value, body)
            case nil: return nil
            }
        }
        if let plain { return plain }
        var canonical = UpstreamMessageID.canonical(raw)
        return try canonical.withUTF8(body)
    }

    static func withDecimal<Result>(_ value: UInt64, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        // UInt64.max has 20 digits.
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var index = 20
            var rest = value
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            return try body(UnsafeBufferPointer(rebasing: buffer[index...]))
        }
    }
}
