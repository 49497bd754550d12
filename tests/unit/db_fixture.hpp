// Shared helpers for tests that need a database file.
#ifndef LOYALTY_TESTS_DB_FIXTURE_HPP
#define LOYALTY_TESTS_DB_FIXTURE_HPP

#include <sqlite3.h>
#ifdef _WIN32
#include <process.h>
#else
#include <unistd.h>
#endif

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "loyalty/database.hpp"

namespace fixture {

constexpr std::int64_t kDay = 86400000;
constexpr std::int64_t kT0 = 1795242600000LL;  // Saturday 2026-11-21 10:00 Tehran

inline int process_id() {
#ifdef _WIN32
    return ::_getpid();
#else
    return static_cast<int>(::getpid());
#endif
}

// A database file's path with SQLite's files beside it.
inline void remove_database(const std::string& p) {
    for (const char* s : {"", "-wal", "-shm", "-journal"})
        std::remove((p + s).c_str());
}

// The paths temp_path gave out, removed when the test program ends (the files of a run that
// crashed stay, as do all of them when LOYALTY_KEEP_TEST_FILES is set, to look into).
struct TempFiles {
    std::vector<std::string> paths;
    ~TempFiles() {
        if (std::getenv("LOYALTY_KEEP_TEST_FILES")) return;
        for (const auto& p : paths)
            remove_database(p);
    }
};

// A fresh path in the system's temporary folder, unique to this process and call.
inline std::string temp_path(const std::string& name) {
    static int counter = 0;
    static const std::string dir = std::filesystem::temp_directory_path().string();
    static TempFiles files;
    std::string p = dir + "/loyalty-test-" + std::to_string(process_id()) + "-" +
                    std::to_string(++counter) + "-" + name;
    remove_database(p);
    files.paths.push_back(p);
    return p;
}

inline std::unique_ptr<loyalty::Database> open(const std::string& path, int busy_ms = 5000) {
    loyalty::OpenOptions o;
    o.path = path;
    o.busy_timeout_ms = busy_ms;
    auto db = loyalty::Database::open(o);
    db->set_clock(kT0);
    return db;
}

// Every row of every table, as text: equal snapshots mean nothing was written.
inline std::string snapshot(const std::string& path) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    std::string out;
    sqlite3_stmt* tables = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name", -1,
                       &tables, nullptr);
    while (sqlite3_step(tables) == SQLITE_ROW) {
        std::string t = reinterpret_cast<const char*>(sqlite3_column_text(tables, 0));
        out += "[" + t + "]\n";
        sqlite3_stmt* rows = nullptr;
        sqlite3_prepare_v2(db, ("SELECT * FROM \"" + t + "\" ORDER BY 1, 2").c_str(), -1, &rows,
                           nullptr);
        while (rows && sqlite3_step(rows) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(rows); ++i) {
                auto v = sqlite3_column_text(rows, i);
                out += v ? reinterpret_cast<const char*>(v) : "NULL";
                out += "|";
            }
            out += "\n";
        }
        sqlite3_finalize(rows);
    }
    sqlite3_finalize(tables);
    sqlite3_close(db);
    return out;
}

inline void raw_exec(const std::string& path, const std::string& sql,
                     std::string* error = nullptr) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    char* msg = nullptr;
    sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg);
    if (error) *error = msg ? msg : "";
    sqlite3_free(msg);
    sqlite3_close(db);
}

// Runs `sql` on the file at `path` (read-only) and gives `read` its statement after the first
// step (SQLITE_ROW or not).
template <typename Read>
auto raw_first(const std::string& path, const std::string& sql, Read read) {
    sqlite3* db = nullptr;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
        const std::string why = std::string(sqlite3_errmsg(db)) + " in: " + sql;
        sqlite3_close(db);
        throw std::runtime_error(why);  // a query that cannot run proves nothing
    }
    const auto v = read(st, sqlite3_step(st) == SQLITE_ROW);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

// The first column of the first row of `sql` on the file at `path`, as an integer (0: no row).
inline std::int64_t raw_int(const std::string& path, const std::string& sql) {
    return raw_first(path, sql, [](sqlite3_stmt* st, bool row) -> std::int64_t {
        return row ? sqlite3_column_int64(st, 0) : 0;
    });
}

// The same as text ("": no row, or NULL).
inline std::string raw_text(const std::string& path, const std::string& sql) {
    return raw_first(path, sql, [](sqlite3_stmt* st, bool row) {
        const unsigned char* t = row ? sqlite3_column_text(st, 0) : nullptr;
        return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
    });
}

// A small seeded generator for property tests: next(bound) is in [0, bound), the same sequence
// on every platform (64-bit arithmetic, a size_t result for 32-bit Windows too).
struct Lcg {
    std::uint64_t seed;
    std::size_t operator()(std::size_t bound) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::size_t>((seed >> 33) % bound);
    }
};

inline loyalty::Status status_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const loyalty::Error& e) {
        return e.status();
    }
    return loyalty::Status::Ok;
}

inline loyalty::MemberFields phone(const std::string& p) {
    loyalty::MemberFields f;
    f.phone = p;
    return f;
}

inline loyalty::Basket basket(std::int64_t member, std::initializer_list<std::int64_t> prices,
                              std::int64_t redeem = 0) {
    loyalty::Basket b;
    b.member_id = member;
    int i = 0;
    for (auto p : prices)
        b.lines.push_back({"SKU" + std::to_string(++i), "general", 1000, p, 0, {}});
    b.redeem_points = redeem;
    return b;
}

// SQL that takes a file back to schema 24's shape (not its version): the ledger's and the sales'
// indexes by member, the open lots in a table of their own (storage/member_index.hpp).
constexpr const char* kUndoSchema25 =
    "DROP TRIGGER ledger_member_i;"
    "DROP TRIGGER sales_member_i; DROP TRIGGER sales_member_u; DROP TRIGGER sales_member_d;"
    "DROP VIEW member_entries; DROP VIEW member_sales; DROP VIEW lots_left;"
    "CREATE TABLE lots_left(member_id INTEGER NOT NULL, id INTEGER NOT NULL, expires_at INTEGER "
    "NOT NULL, available_at INTEGER NOT NULL, remaining INTEGER NOT NULL, PRIMARY KEY(member_id, "
    "id)) WITHOUT ROWID;"
    "INSERT INTO lots_left SELECT member_id, id, expires_at, available_at, remaining FROM "
    "member_index WHERE part = 2;"
    "DROP TABLE member_index;"
    "CREATE INDEX sales_member ON sales(member_id, created_at, uses_from, uses_to) WHERE "
    "member_id IS NOT NULL;"
    "CREATE INDEX ledger_member ON ledger(member_id, id);";

constexpr const char* kProgramme = R"({
  "currency": "IRR",
  "spend": [{"id": "base", "name": "Every 100,000 = 10 points", "points": 10, "per": 100000}],
  "events": [{"action": "review", "points": 5, "cap": 1, "per": "day"},
             {"action": "app_login", "points": 1, "cap": 1, "per": "day"}],
  "redeem": {"point_value": "1000", "min_points": 1, "max_share": "1"},
  "expiry_days": 365
})";

}  // namespace fixture

#endif
