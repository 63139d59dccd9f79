/// The balances one write batch has read, as they stand after its charges and refunds so far.
/// One writer holds the database for the whole transaction, so a balance read once stays true
/// for the batch; each changed one is written back once, when the batch ends.
///
/// The account used last is kept apart from the table: a batch is mostly runs of one account's
/// messages, and hashing the account for each read and each change (four times a charge) cost
/// the writer more than the ledger row itself (measured in BENCHMARKS.md).
struct BatchBalances {
    struct Entry {
        /// nil: no such account.
        var balance: Int?
        var changed = false
    }

    private var table: [Int64: Entry] = [:]
    private var latestAccount: Int64?
    private var latest = Entry(balance: nil)

    /// The entry of `account`, or nil when the batch has not read it yet.
    mutating func entry(_ account: Int64) -> Entry? {
        if account == latestAccount { return latest }
        guard let found = table[account] else { return nil }
        makeLatest(account, found)
        return found
    }

    /// Remembers a balance read from the database.
    mutating func remember(_ account: Int64, balance: Int?) {
        makeLatest(account, Entry(balance: balance))
    }

    /// Sets the balance of an account read before, to be written back.
    mutating func change(_ account: Int64, to balance: Int) {
        if account != latestAccount { makeLatest(account, table[account] ?? Entry(balance: nil)) }
        latest = Entry(balance: balance, changed: true)
    }

    /// Every changed balance, in no particular order.
    var changed: [(account: Int64, balance: Int)] {
        var all = table
        if let latestAccount { all[latestAccount] = latest }
        return all.compactMap { account, entry in
            guard entry.changed, let balance = entry.balance else { return nil }
            return (account, balance)
        }
    }

    private mutating func makeLatest(_ account: Int64, _ entry: Entry) {
        if let latestAccount { table[latestAccount] = latest }
        latestAccount = account
        latest = entry
    }
}
