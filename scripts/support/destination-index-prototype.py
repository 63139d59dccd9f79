#!/usr/bin/env python3
"""What an index on random destination numbers costs the store's writer, and what it would cost
kept apart (a measurement for BENCHMARKS.md, never shipped).

Three layouts of a message table like Tern's (8 KiB pages, WAL, synchronous NORMAL, 64 MiB
cache, the same libsqlite3 Tern links), written 200 messages to a commit after PRELOAD messages,
each to one of a million numbers:

  none    no destination index at all (the floor)
  inline  an index on (destination, id) in the message table's file, as Tern had it before the twelfth pass
  staged  the commit appends (destination, id) in arrival order to a small table (cheap: the
          pages it touches are the last ones); every MERGE_EVERY messages they are sorted and
          inserted into an index in a second file, and deleted from the small table

It prints CPU per message for the commits (the serial step a client waits for) and for the
merges and checkpoints.

    scripts/support/destination-index-prototype.py inline 1000000 200000
    MERGE_EVERY=20000 scripts/support/destination-index-prototype.py staged 1000000 200000
"""
import os
import random
import resource
import shutil
import sqlite3
import sys

if len(sys.argv) != 4 or sys.argv[1] not in ("none", "inline", "staged"):
    sys.exit("usage: destination-index-prototype.py none|inline|staged PRELOAD COUNT")
mode, preload, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
merge_every = int(os.environ.get("MERGE_EVERY", "50000"))
directory = f"/tmp/tern-destination-index-{mode}"
shutil.rmtree(directory, ignore_errors=True)
os.makedirs(directory)


def open_database(path):
    database = sqlite3.connect(path, isolation_level=None)
    # Commits never checkpoint, as in Tern: the checkpoints are timed with the merges.
    for pragma in ("page_size=8192", "journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536", "wal_autocheckpoint=0"):
        database.execute(f"PRAGMA {pragma}")
    return database


main = open_database(f"{directory}/main.sqlite")
main.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, account INTEGER, source TEXT, destination TEXT, body BLOB, received REAL)")
main.execute("CREATE INDEX by_source ON messages(source, id)")
main.execute("CREATE INDEX by_account ON messages(account, id)")
index = None
if mode == "inline":
    main.execute("CREATE INDEX by_destination ON messages(destination, id)")
elif mode == "staged":
    main.execute("CREATE TABLE staged (seq INTEGER PRIMARY KEY, destination TEXT, id INTEGER)")
    index = open_database(f"{directory}/index.sqlite")
    index.execute("CREATE TABLE by_destination (destination TEXT, id INTEGER, PRIMARY KEY (destination, id)) WITHOUT ROWID")

numbers = random.Random(7)
body = b"x" * 60
next_id = 1


def messages(howmany):
    global next_id
    rows = [(next_id + i, 1, "Bench", str(447700000000 + numbers.randrange(1_000_000)), body, 0.0) for i in range(howmany)]
    next_id += howmany
    return rows


def insert_sorted(rows):
    index.execute("BEGIN")
    index.executemany("INSERT INTO by_destination VALUES (?, ?)", sorted(rows))
    index.execute("COMMIT")


# The preload is not timed: large transactions, and the index filled in sorted batches.
for _ in range(0, preload, 50_000):
    rows = messages(50_000)
    main.execute("BEGIN")
    main.executemany("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?)", rows)
    main.execute("COMMIT")
    if index:
        insert_sorted([(row[3], row[0]) for row in rows])
for database in (main, index):
    if database:
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


commits = 0.0
merges = 0.0
staged = 0
for batch in range(count // 200):
    rows = messages(200)
    started = cpu_seconds()
    main.execute("BEGIN")
    main.executemany("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?)", rows)
    if index:
        main.executemany("INSERT INTO staged (destination, id) VALUES (?, ?)", [(row[3], row[0]) for row in rows])
    main.execute("COMMIT")
    commits += cpu_seconds() - started
    staged += 200
    started = cpu_seconds()
    if index and staged >= merge_every:
        entries = main.execute("SELECT seq, destination, id FROM staged ORDER BY seq").fetchall()
        insert_sorted([(entry[1], entry[2]) for entry in entries])
        main.execute("DELETE FROM staged WHERE seq <= ?", (entries[-1][0],))
        staged = 0
    if batch % 50 == 0:
        for database in (main, index):
            if database:
                database.execute("PRAGMA wal_checkpoint(PASSIVE)")
    merges += cpu_seconds() - started

print(f"{mode}, {preload} messages before, {count} timed, merge every {merge_every}: "
      f"commits {commits / count * 1e6:.1f} µs a message, merges and checkpoints {merges / count * 1e6:.1f}, "
      f"together {(commits + merges) / count * 1e6:.1f}")
shutil.rmtree(directory, ignore_errors=True)
