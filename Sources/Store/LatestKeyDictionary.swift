/// A dictionary that keeps the value of the key used last outside its hash table.
///
/// The write batch counts per account (balances, usage) for every message, and a batch is mostly
/// runs of one account's messages: with the latest key kept aside, a run hashes its key once
/// instead of once or twice per message, which cost the writer more than a ledger row
/// (BENCHMARKS.md, gateway, fifth pass). Changing keys costs two table operations.
struct LatestKeyDictionary<Key: Hashable, Value> {
    private var table: [Key: Value] = [:]
    private var latestKey: Key?
    /// The latest key's value (nil: none); the table's entry for that key, if any, is stale.
    private var latest: Value?

    /// The value of `key`; setting nil removes it.
    subscript(key: Key) -> Value? {
        mutating get {
            select(key)
            return latest
        }
        set {
            select(key)
            latest = newValue
        }
    }

    /// Changes the value of `key`, starting from `defaultValue` when it has none.
    mutating func modify(_ key: Key, default defaultValue: @autoclosure () -> Value, _ change: (inout Value) -> Void) {
        select(key)
        var value = latest ?? defaultValue()
        latest = nil
        change(&value)
        latest = value
    }

    /// Every key with its value.
    var all: [Key: Value] {
        var all = table
        if let latestKey { all[latestKey] = latest }
        return all
    }

    private mutating func select(_ key: Key) {
        guard key != latestKey else { return }
        if let latestKey { table[latestKey] = latest }
        latestKey = key
        latest = table[key]
    }
}
