import GRDB

extension SQLiteMessageStore {
    /// States a message may still leave: the predicate of the `messages_open` partial index.
    ///
    /// SQLite uses a partial index only when the query's WHERE clause contains the index's
    /// predicate term for term, so every query meant to use the index repeats this exact text.
    /// Changing it needs a migration that recreates the index.
    static let openStatePredicate =
        "state IN ('accepted', 'routed', 'submitted', 'retrying', 'unknown', 'acceptedUpstream')"

    /// Every schema version, in order. Migrations are append-only: a shipped one is never edited.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: accounts, messages, events, pending receipts") { db in
            try db.execute(sql: """
                CREATE TABLE accounts (
                    id INTEGER PRIMARY KEY,
                    system_id TEXT NOT NULL UNIQUE,
                    password_hash TEXT NOT NULL,
                    enabled INTEGER NOT NULL,
                    max_binds INTEGER NOT NULL,
                    throughput INTEGER,
                    allowed_networks TEXT NOT NULL DEFAULT '',
                    receipt_keep_seconds INTEGER NOT NULL,
                    receipts_enabled INTEGER NOT NULL,
                    reseller_id INTEGER,
                    policy TEXT,
                    created_at REAL NOT NULL
                );

                -- id is the MessageID itself: time-ordered, so appends go to the end of the b-tree.
                -- No foreign key to accounts: a message stays traceable after its account is gone.
                CREATE TABLE messages (
                    id INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL,
                    system_id TEXT NOT NULL,
                    service_type TEXT NOT NULL,
                    source_ton INTEGER NOT NULL,
                    source_npi INTEGER NOT NULL,
                    source_value TEXT NOT NULL,
                    destination_ton INTEGER NOT NULL,
                    destination_npi INTEGER NOT NULL,
                    destination_value TEXT NOT NULL,
                    esm_class INTEGER NOT NULL,
                    protocol_id INTEGER NOT NULL,
                    priority INTEGER NOT NULL,
                    registered_delivery INTEGER NOT NULL,
                    data_coding INTEGER NOT NULL,
                    short_message BLOB,
                    tlvs BLOB,
                    concat_reference INTEGER,
                    concat_total INTEGER,
                    concat_sequence INTEGER,
                    received_at REAL NOT NULL,
                    scheduled_at REAL,
                    expires_at REAL,
                    state TEXT NOT NULL,
                    connector TEXT,
                    upstream_id TEXT,
                    upstream_key TEXT,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    error_code INTEGER,
                    updated_at REAL NOT NULL
                );

                -- Receipt correlation. Partial: messages never submitted upstream have no key.
                CREATE INDEX messages_by_upstream_key ON messages(connector, upstream_key)
                    WHERE upstream_key IS NOT NULL;
                -- Restart recovery and receipt sweeps read only unfinished messages; finished ones
                -- (the vast majority over time) leave this index, so it stays small.
                CREATE INDEX messages_open ON messages(state, connector, id)
                    WHERE \(openStatePredicate);
                CREATE INDEX messages_by_destination ON messages(destination_value);
                CREATE INDEX messages_by_account ON messages(account_id, id);

                CREATE TABLE message_events (
                    id INTEGER PRIMARY KEY,
                    message_id INTEGER NOT NULL,
                    at REAL NOT NULL,
                    state TEXT NOT NULL,
                    connector TEXT,
                    upstream_id TEXT,
                    error_code INTEGER,
                    detail TEXT
                );
                CREATE INDEX message_events_by_message ON message_events(message_id);

                CREATE TABLE pending_receipts (
                    message_id INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    error_code INTEGER NOT NULL,
                    done_at REAL NOT NULL,
                    expires_at REAL NOT NULL
                );
                CREATE INDEX pending_receipts_by_account ON pending_receipts(account_id);
                """)
        }
        return migrator
    }
}
