#ifndef TERN_CSQLITE_TUNING_H
#define TERN_CSQLITE_TUNING_H

// What Swift cannot call itself: sqlite3_config is variadic. This header does not include
// sqlite3.h, which GRDB's module already exports (two modules exporting it would clash).

/// Turns off SQLite's memory statistics for the whole process. Returns SQLITE_OK, or
/// SQLITE_MISUSE when SQLite was initialized before (then the statistics stay on).
int tern_sqlite_disable_memory_statistics(void);

#endif
