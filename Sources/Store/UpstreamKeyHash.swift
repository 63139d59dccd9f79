import GRDB

/// What the index by upstream message id keeps of a key: a 64-bit hash of the connector and the
/// key (`upstream_key`, the id's canonical form), not their text.
///
/// Every candidate an index lookup finds is checked against the message's own state row, so two
/// keys that share a hash cannot match the wrong message; and an integer key is what made the
/// index cheap: its log rows and sorted batches are a fifth of the size, compared without
/// `memcmp`. FNV-1a, written out here because it is stored: changing it is a schema change.
enum UpstreamKeyHash {
    static func of(connector: String, key: UnsafeBufferPointer<UInt8>) -> Int64 {
        var hash = offsetBasis
        var connector = connector
        connector.withUTF8 { for octet in $0 { hash = mix(hash, octet) } }
        hash = mix(hash, separator)
        for octet in key { hash = mix(hash, octet) }
        return Int64(bitPattern: hash)
    }

    static func of(connector: String, key: String) -> Int64 {
        var key = key
        return key.withUTF8 { of(connector: connector, key: $0) }
    }

    /// `tern_upstream_key_hash(connector, upstream_key)`, for the statements that log a key a
    /// state row holds (`WriteBatch.logKeyOfState`, the v9 migration); NULL when either is NULL.
    static let sqlFunction = DatabaseFunction("tern_upstream_key_hash", argumentCount: 2, pure: true) { values in
        guard let connector = String.fromDatabaseValue(values[0]), let key = String.fromDatabaseValue(values[1]) else { return nil }
        return of(connector: connector, key: key)
    }

    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// Between connector and key, so that ("ab", "c") and ("a", "bc") differ.
    private static let separator: UInt8 = 0x1F

    @inline(__always)
    private static func mix(_ hash: UInt64, _ octet: UInt8) -> UInt64 {
        (hash ^ UInt64(octet)) &* 0x0000_0100_0000_01B3
    }
}
