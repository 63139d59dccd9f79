import GRDB

extension SQLiteMessageStore {
    /// States a message may still leave: the predicate of v2's `messages_open` partial index,
    /// which v6 replaced by the `unfinished` column (and which v6 reads once to fill it).
    ///
    /// An OR chain, not `IN (…)`: while that index existed SQLite evaluated this predicate on
    /// every insert and every update of `state`, and a constant IN list of more than two values
    /// builds an ephemeral b-tree each time a statement runs (measured: half of the write path's CPU).
    static let openStatePredicate = """
        (state = 'accepted' OR state = 'routed' OR state = 'submitted' OR state = 'retrying' \
        OR state = 'unknown' OR state = 'acceptedUpstream')
        """

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
                -- v1's own predicate text; v2 recreates the index with `openStatePredicate`.
                CREATE INDEX messages_open ON messages(state, connector, id)
                    WHERE state IN ('accepted', 'routed', 'submitted', 'retrying', 'unknown', 'acceptedUpstream');
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
        migrator.registerMigration("v2: normal lifecycle as message columns") { db in
            // The accepted/routed/submitted/final steps move from event rows to the message row
            // (see `Timeline`); v1 wrote every message's first event at accept, which the row
            // now stands for.
            try db.execute(sql: """
                ALTER TABLE messages ADD COLUMN routed_at REAL;
                ALTER TABLE messages ADD COLUMN routed_connector TEXT;
                ALTER TABLE messages ADD COLUMN submitted_at REAL;
                ALTER TABLE messages ADD COLUMN submitted_connector TEXT;
                ALTER TABLE messages ADD COLUMN submitted_upstream_id TEXT;
                ALTER TABLE messages ADD COLUMN done_at REAL;
                ALTER TABLE messages ADD COLUMN done_kind INTEGER;
                ALTER TABLE messages ADD COLUMN done_error_code INTEGER;
                ALTER TABLE message_events ADD COLUMN phase INTEGER NOT NULL DEFAULT 0;
                DELETE FROM message_events WHERE id IN (SELECT MIN(id) FROM message_events GROUP BY message_id);
                -- No query reads by destination yet, and its random inserts cost about a tenth of
                -- the write path (2-3 µs a message measured); the admin search can bring it back.
                DROP INDEX messages_by_destination;
                DROP INDEX messages_open;
                CREATE INDEX messages_open ON messages(state, connector, id) WHERE \(openStatePredicate);
                """)
        }
        migrator.registerMigration("v3: what each message costs") { db in
            // Integer minor units from the bill hook: what the account pays, and what its
            // reseller pays (nil without a bill answer or without a reseller).
            try db.execute(sql: """
                ALTER TABLE messages ADD COLUMN price INTEGER;
                ALTER TABLE messages ADD COLUMN reseller_price INTEGER;
                """)
        }
        migrator.registerMigration("v4: MO messages waiting for a receiver") { db in
            // Held in memory before: an MO acknowledged to the upstream was lost on a restart.
            try db.execute(sql: """
                CREATE TABLE pending_mo (
                    id INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL,
                    received_at REAL NOT NULL,
                    expires_at REAL NOT NULL,
                    source_ton INTEGER NOT NULL, source_npi INTEGER NOT NULL, source_value TEXT NOT NULL,
                    destination_ton INTEGER NOT NULL, destination_npi INTEGER NOT NULL, destination_value TEXT NOT NULL,
                    esm_class INTEGER NOT NULL,
                    data_coding INTEGER NOT NULL,
                    short_message BLOB NOT NULL,
                    tlvs BLOB NOT NULL
                );
                CREATE INDEX pending_mo_by_account ON pending_mo(account_id, id);
                """)
        }
        migrator.registerMigration("v5: roles, credit and ledger, tokens, audit, campaigns, usage") { db in
            try db.execute(sql: """
                ALTER TABLE accounts ADD COLUMN role TEXT NOT NULL DEFAULT 'user';
                ALTER TABLE accounts ADD COLUMN name TEXT NOT NULL DEFAULT '';
                ALTER TABLE accounts ADD COLUMN login_hash TEXT;
                ALTER TABLE accounts ADD COLUMN allowed_senders TEXT NOT NULL DEFAULT '';
                ALTER TABLE accounts ADD COLUMN price_plan TEXT;
                -- Integer minor units; changed only together with a ledger row.
                ALTER TABLE accounts ADD COLUMN balance INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0);
                CREATE INDEX accounts_by_reseller ON accounts(reseller_id) WHERE reseller_id IS NOT NULL;

                ALTER TABLE messages ADD COLUMN campaign TEXT;
                ALTER TABLE messages ADD COLUMN reseller_id INTEGER;
                ALTER TABLE messages ADD COLUMN charged INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE messages ADD COLUMN refunded INTEGER NOT NULL DEFAULT 0;
                -- Tracking searches: by number, by sender, by campaign; each newest first.
                CREATE INDEX messages_by_destination ON messages(destination_value, id);
                CREATE INDEX messages_by_source ON messages(source_value, id);
                CREATE INDEX messages_by_campaign ON messages(campaign, id) WHERE campaign IS NOT NULL;

                CREATE TABLE ledger (
                    id INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL,
                    at REAL NOT NULL,
                    amount INTEGER NOT NULL,
                    balance_after INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    message_id INTEGER,
                    reason TEXT NOT NULL DEFAULT '',
                    actor TEXT
                );
                CREATE INDEX ledger_by_account ON ledger(account_id, id);

                CREATE TABLE api_tokens (
                    id INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    secret_hash TEXT NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE INDEX api_tokens_by_account ON api_tokens(account_id);

                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY,
                    at REAL NOT NULL,
                    actor TEXT NOT NULL,
                    actor_id INTEGER,
                    remote TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT NOT NULL,
                    target_account_id INTEGER,
                    detail TEXT NOT NULL
                );
                CREATE INDEX audit_by_actor ON audit(actor_id, id);
                CREATE INDEX audit_by_target ON audit(target_account_id, id);

                -- Consumption by account and hour (seconds since 1970 / 3600), kept as messages
                -- are accepted and end, so stats never scan the messages.
                CREATE TABLE usage (
                    account_id INTEGER NOT NULL,
                    hour INTEGER NOT NULL,
                    messages INTEGER NOT NULL DEFAULT 0,
                    parts INTEGER NOT NULL DEFAULT 0,
                    spent INTEGER NOT NULL DEFAULT 0,
                    refused_credit INTEGER NOT NULL DEFAULT 0,
                    sessions_peak INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (account_id, hour)
                ) WITHOUT ROWID;
                CREATE TABLE usage_final (
                    account_id INTEGER NOT NULL,
                    hour INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (account_id, hour, state)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v6: unfinished messages by a flag the normal path sets twice") { db in
            // `messages_open` had the state as its first key column, so every state change moved
            // the message's entry: the `submitted` UPDATE cost as much as the INSERT (BENCHMARKS.md).
            // `unfinished` is 1 from the insert until a final state is written and NULL after;
            // the submitted step no longer touches any column of this index, so SQLite leaves it.
            try db.execute(sql: """
                ALTER TABLE messages ADD COLUMN unfinished INTEGER;
                UPDATE messages SET unfinished = 1 WHERE \(openStatePredicate);
                DROP INDEX messages_open;
                CREATE INDEX messages_unfinished ON messages(id) WHERE unfinished IS NOT NULL;
                """)
        }
        migrator.registerMigration("v7: a message's changing state in a narrow row of its own") { db in
            // Every step after the accept rewrote the whole message row (some forty columns, the
            // text among them) and the page it sits on: the writer, the one serial step, spent
            // half its SQLite time on those UPDATEs and their WAL frames. The message row is now
            // written once; its later steps go to its narrow `message_state` row, which holds
            // only what they set: `message_view` takes each column from there when it is set,
            // and from the message row otherwise. No step ever sets a column back to NULL, so
            // that is always the latest value. Messages that ended before the upgrade need no
            // state row.
            //
            // `open_messages` replaces the `unfinished` flag and its index (clearing the flag
            // rewrote the message row): it holds exactly the messages a restart must pick up
            // again. The column stays (SQLite 3.40 cannot drop it cheaply); nothing reads it.
            try db.execute(sql: """
                CREATE TABLE message_state (
                    id INTEGER PRIMARY KEY,
                    state TEXT NOT NULL,
                    connector TEXT,
                    upstream_id TEXT,
                    upstream_key TEXT,
                    attempts INTEGER,
                    error_code INTEGER,
                    updated_at REAL NOT NULL,
                    routed_at REAL,
                    routed_connector TEXT,
                    submitted_at REAL,
                    submitted_connector TEXT,
                    submitted_upstream_id TEXT,
                    done_at REAL,
                    done_kind INTEGER,
                    done_error_code INTEGER
                );
                CREATE INDEX message_state_by_upstream_key ON message_state(connector, upstream_key)
                    WHERE upstream_key IS NOT NULL;

                CREATE TABLE open_messages (id INTEGER PRIMARY KEY);
                INSERT INTO open_messages (id) SELECT id FROM messages WHERE unfinished IS NOT NULL;
                -- Only the messages still open can change, and their rows may have later steps
                -- set already: those copy their state now, so that a message without a state
                -- row is always one whose row has only its accept in it. Written out rather than
                -- shared with WriteBatch.copyState: a migration keeps the SQL it shipped with.
                INSERT INTO message_state (id, state, connector, upstream_id, upstream_key, attempts, error_code,
                    updated_at, routed_at, routed_connector, submitted_at, submitted_connector, submitted_upstream_id,
                    done_at, done_kind, done_error_code)
                SELECT id, state, connector, upstream_id, upstream_key, attempts, error_code,
                    updated_at, routed_at, routed_connector, submitted_at, submitted_connector, submitted_upstream_id,
                    done_at, done_kind, done_error_code
                FROM messages WHERE unfinished IS NOT NULL;
                DROP INDEX messages_unfinished;

                CREATE VIEW message_view AS SELECT
                    m.id, m.account_id, m.system_id, m.service_type, m.source_ton, m.source_npi, m.source_value,
                    m.destination_ton, m.destination_npi, m.destination_value, m.esm_class, m.protocol_id,
                    m.priority, m.registered_delivery, m.data_coding, m.short_message, m.tlvs,
                    m.concat_reference, m.concat_total, m.concat_sequence, m.received_at, m.scheduled_at,
                    m.expires_at,
                    COALESCE(s.state, m.state) AS state,
                    COALESCE(s.connector, m.connector) AS connector,
                    COALESCE(s.upstream_id, m.upstream_id) AS upstream_id,
                    COALESCE(s.upstream_key, m.upstream_key) AS upstream_key,
                    COALESCE(s.attempts, m.attempts) AS attempts,
                    COALESCE(s.error_code, m.error_code) AS error_code,
                    COALESCE(s.routed_at, m.routed_at) AS routed_at,
                    COALESCE(s.routed_connector, m.routed_connector) AS routed_connector,
                    COALESCE(s.submitted_at, m.submitted_at) AS submitted_at,
                    COALESCE(s.submitted_connector, m.submitted_connector) AS submitted_connector,
                    COALESCE(s.submitted_upstream_id, m.submitted_upstream_id) AS submitted_upstream_id,
                    COALESCE(s.done_at, m.done_at) AS done_at,
                    COALESCE(s.done_kind, m.done_kind) AS done_kind,
                    COALESCE(s.done_error_code, m.done_error_code) AS done_error_code,
                    -- replace_sm changes the message row, which is newer then.
                    CASE WHEN s.id IS NULL THEN m.updated_at ELSE max(m.updated_at, s.updated_at) END AS updated_at,
                    m.price, m.reseller_price, m.campaign, m.reseller_id, m.charged, m.refunded
                FROM messages m LEFT JOIN message_state s ON s.id = m.id;
                """)
        }
        migrator.registerMigration("v8: a log of destination numbers for the index in its own file") { db in
            // Each entry of `messages_by_destination` went to a random page of a b-tree as large
            // as the store, a page written per message (BENCHMARKS.md, twelfth pass). The
            // accept now appends the message's number here (`WriteBatch`), in commit order, and
            // `LoggedIndex` merges the log into a file of its own in sorted batches. The
            // stored messages are logged now, oldest first. The store's id tells an index file
            // made from this store from one made from another.
            try db.execute(sql: """
                CREATE TABLE destination_log (
                    seq INTEGER PRIMARY KEY,
                    message_id INTEGER NOT NULL,
                    number TEXT NOT NULL
                );
                INSERT INTO destination_log (message_id, number) SELECT id, destination_value FROM messages ORDER BY id;
                DROP INDEX messages_by_destination;
                CREATE TABLE store_identity (id TEXT NOT NULL);
                INSERT INTO store_identity (id) VALUES (lower(hex(randomblob(16))));
                """)
        }
        migrator.registerMigration("v9: a log of upstream keys for the index in its own file") { db in
            // `message_state_by_upstream_key` took each submitted message's key on a random
            // page when an upstream's message ids come in no order (most SMSCs' are random or
            // hashed): with `tern bench gateway --scattered-upstream-ids` the writer went from
            // 9.3 to 14.3 µs a message and the p99 of submit_sm_resp to 53–62 ms (BENCHMARKS.md,
            // twelfth pass). As for destination numbers, `WriteBatch` now appends each key a
            // state row takes to this log, as its hash (`IndexKeyHash`), and `LoggedIndex`
            // merges it into a file of its own; the keys the state rows hold now are logged
            // here, oldest message first.
            try db.execute(sql: """
                CREATE TABLE upstream_key_log (
                    seq INTEGER PRIMARY KEY,
                    message_id INTEGER NOT NULL,
                    key_hash INTEGER NOT NULL
                );
                INSERT INTO upstream_key_log (message_id, key_hash)
                    SELECT id, tern_upstream_key_hash(connector, upstream_key) FROM message_state
                    WHERE connector IS NOT NULL AND upstream_key IS NOT NULL ORDER BY id;
                DROP INDEX message_state_by_upstream_key;
                """)
        }
        migrator.registerMigration("v10: destination numbers logged as hashes") { db in
            // As upstream keys since v9: the index by number keeps a hash of each number
            // (`IndexKeyHash`) and a search checks the message's own number, so the log and
            // the index's batches are integers, sorted and compared without `memcmp`, and merged
            // from the merger's memory (BENCHMARKS.md, thirteenth pass). The index file of v8
            // (`x.destinations.sqlite`) is removed when the store opens; the new one
            // (`x.numbers.sqlite`) is made from this log.
            try db.execute(sql: """
                CREATE TABLE number_log (
                    seq INTEGER PRIMARY KEY,
                    message_id INTEGER NOT NULL,
                    number_hash INTEGER NOT NULL
                );
                INSERT INTO number_log (message_id, number_hash)
                    SELECT message_id, tern_number_hash(number) FROM destination_log ORDER BY seq;
                DROP TABLE destination_log;
                """)
        }
        return migrator
    }
}
