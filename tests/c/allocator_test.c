/*
 * SQLite's memory statistics (docs/architecture.md, "Decisions"): the first open in a process
 * that has not started SQLite turns them off, so that SQLite's allocations take no process-wide
 * lock; a host that started SQLite first keeps them. Each case needs a process of its own (a
 * process starts SQLite once): ctest runs each by name.
 */
#include <loyalty/loyalty.h>
#include <sqlite3.h>

#include "check.h"

/* Opens a new file and enrols a member: SQLite allocates and frees throughout, and holds its
 * cache and statements while the handle is open. */
static loy_db* work(const char* name) {
    loy_db* db = open_fresh(name, NULL);
    CHECK(db != NULL);
    if (db) CHECK(enrol_phone(db, "09120000001", "Sara", 1) > 0);
    return db;
}

static void loyalty_first(void) {
    loy_db* db = work("allocator_first.db");
    /* Started by the open, with its statistics off: what the open handle holds is not counted,
     * and the settings can no longer change. */
    CHECK(sqlite3_memory_used() == 0);
    CHECK(sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1) == SQLITE_MISUSE);
    loy_close(db);
}

static void host_first(void) {
    CHECK(sqlite3_initialize() == SQLITE_OK);
    loy_db* db = work("allocator_host.db");
    /* SQLite as the host started it: its statistics on, counting what the handle holds. */
    CHECK(sqlite3_memory_used() > 0);
    loy_close(db);
}

int main(int argc, char** argv) {
    static const struct test tests[] = {
        {"loyalty first", loyalty_first},
        {"host first", host_first},
    };
    return test_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
