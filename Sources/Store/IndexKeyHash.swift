import GRDB

/// What the indexes in their own files keep of a key (`LoggedIndex`): a 64-bit hash, not the
/// text. Of a destination number for the index by number; of the connector and the key
/// (`upstream_key`, the id's canonical form) for the index by upstream id.
///
/// Every candidate an index finds is checked against the message's own row (its number, or its
/// state row's connector and key), so two keys that share a hash cannot match the wrong message;
/// and an integer key is what made the indexes cheap: their log rows and sorted batches are a
/// fraction of the size, compared without `memcmp` (BENCHMARKS.md, thirteenth pass). FNV-1a,
/// written out here because it is stored: changing it is a schema change.
enum IndexKeyHash {
    static func number(_ number: String) -> Int64 {
        var number = number
        return number.withUTF8 { Int64(bitPattern: fold(offsetBasis, $0)) }
    }

    static func upstream(connector: String, key: UnsafeBufferPointer<UInt8>) -> Int64 {
        var connector = connector
        let prefix = connector.withUTF8 { fold(offsetBasis, $0) }
        return Int64(bitPattern: fold(mix(prefix, separator), key))
    }

    static func upstream(connector: String, key: String) -> Int64 {
        var key = key
        return key.withUTF8 { upstream(connector: connector, key: $0) }
    }

    /// `tern_upstream_key_hash(connector, upstream_key)`, for the statements that log a key a
    /// state row holds (`WriteBatch.logKeyOfState`, the v9 upgrade); NULL when either is NULL.
    static let upstreamSQLFunction = DatabaseFunction("tern_upstream_key_hash", argumentCount: 2, pure: true) { values in
        guard let connector = String.fromDatabaseValue(values[0]), let key = String.fromDatabaseValue(values[1]) else { return nil }
        return upstream(connector: connector, key: key)
    }

    /// `tern_number_hash(number)`, for the v10 upgrade, which hashes the numbers logged before.
    static let numberSQLFunction = DatabaseFunction("tern_number_hash", argumentCount: 1, pure: true) { values in
        String.fromDatabaseValue(values[0]).map(number)
    }

    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// Between connector and key, so that ("ab", "c") and ("a", "bc") differ.
    private static let separator: UInt8 = 0x1F

    private static func fold(_ start: UInt64, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash = start
        for octet in bytes { hash = mix(hash, octet) }
        return hash
    }

    @inline(__always)
    private static func mix(_ hash: UInt64, _ octet: UInt8) -> UInt64 {
        (hash ^ UInt64(octet)) &* 0x0000_0100_0000_01B3
    }
}
