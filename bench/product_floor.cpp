// The product floor (bench/product_floor.hpp).
#include "product_floor.hpp"

#include <cstdio>
#include <cstdlib>
#include <random>

namespace bench {
namespace {

void exec(sqlite3* db, const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
        std::fprintf(stderr, "product floor: %s\n  %s\n", msg ? msg : "?", sql);
        std::exit(1);
    }
}

sqlite3_stmt* prepare(sqlite3* db, const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
        std::fprintf(stderr, "product floor: %s\n  %s\n", sqlite3_errmsg(db), sql);
        std::exit(1);
    }
    return s;
}

int step(sqlite3_stmt* s) {
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc;
}

// The library's pragmas (src/storage/database.cpp).
void pragmas(sqlite3* db, bool full) {
    exec(db, "PRAGMA journal_mode=WAL");
    exec(db, full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    exec(db, "PRAGMA foreign_keys=ON");
    exec(db, "PRAGMA secure_delete=ON");
    exec(db, "PRAGMA cache_size=-32768");
    exec(db, "PRAGMA temp_store=MEMORY");
}

// Five lines as a sale row carries them: sku, category, quantity, unit price, amount, points.
const char kLines[] =
    "SKU-17|cat-3|1000|45000|45000|4;SKU-48|cat-4|1250|55000|68750|6;SKU-79|cat-5|1500|65000|"
    "97500|9;SKU-110|cat-6|1750|75000|131250|13;SKU-141|cat-7|2000|85000|170000|34";

}  // namespace

void ProductFloor::create(const std::string& path, std::int64_t members, std::int64_t entries,
                          std::string (*phone_of)(std::int64_t)) {
    for (const char* suffix : {"", "-wal", "-shm"})
        std::remove((path + suffix).c_str());
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    pragmas(db, false);
    exec(db,
         "CREATE TABLE members(id INTEGER PRIMARY KEY, phone TEXT NOT NULL UNIQUE, tier TEXT NOT "
         "NULL, balance INTEGER NOT NULL, lifetime INTEGER NOT NULL, updated_at INTEGER NOT "
         "NULL)");
    exec(db,
         "CREATE TABLE sales(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, member_id INTEGER, "
         "created_at INTEGER NOT NULL, total INTEGER NOT NULL, points_earned INTEGER NOT NULL, "
         "points_redeemed INTEGER NOT NULL, lines TEXT NOT NULL)");
    exec(db,
         "CREATE TABLE entries(id INTEGER PRIMARY KEY, member_id INTEGER NOT NULL, sale_id "
         "INTEGER, kind INTEGER NOT NULL, points INTEGER NOT NULL, created_at INTEGER NOT NULL)");
    exec(db, "CREATE INDEX entries_member ON entries(member_id, created_at)");
    exec(db, "PRAGMA synchronous=OFF");
    exec(db, "BEGIN");
    sqlite3_stmt* m = prepare(db,
                              "INSERT INTO members(id, phone, tier, balance, lifetime, "
                              "updated_at) VALUES (?, ?, 'bronze', 0, 0, 0)");
    for (std::int64_t i = 1; i <= members; ++i) {
        const std::string ph = phone_of(i);
        sqlite3_bind_int64(m, 1, i);
        sqlite3_bind_text(m, 2, ph.c_str(), -1, SQLITE_TRANSIENT);
        step(m);
    }
    sqlite3_finalize(m);
    sqlite3_stmt* e = prepare(db,
                              "INSERT INTO entries(member_id, kind, points, created_at) VALUES "
                              "(?, 1, ?, ?)");
    sqlite3_stmt* b = prepare(db,
                              "UPDATE members SET balance = balance + ?2, lifetime = lifetime + "
                              "?2 WHERE id = ?1");
    std::mt19937_64 rng(42);
    for (std::int64_t i = 0; i < entries; ++i) {
        const std::int64_t member =
            1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(members));
        const std::int64_t pts = 1 + static_cast<std::int64_t>(rng() % 40);
        sqlite3_bind_int64(e, 1, member);
        sqlite3_bind_int64(e, 2, pts);
        sqlite3_bind_int64(e, 3, static_cast<std::int64_t>(rng() % 1000000000));
        step(e);
        sqlite3_bind_int64(b, 1, member);
        sqlite3_bind_int64(b, 2, pts);
        step(b);
        if (i % 200000 == 199999) {
            exec(db, "COMMIT");
            exec(db, "BEGIN");
        }
    }
    sqlite3_finalize(e);
    sqlite3_finalize(b);
    exec(db, "COMMIT");
    exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_close(db);
}

ProductFloor::ProductFloor(const std::string& path, bool full) {
    sqlite3_open(path.c_str(), &db_);
    pragmas(db_, full);
    exec(db_, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_wal_autocheckpoint(db_, 0);
    begin_ = prepare(db_, "BEGIN IMMEDIATE");
    commit_ = prepare(db_, "COMMIT");
    rollback_ = prepare(db_, "ROLLBACK");
    find_ = prepare(db_, "SELECT id, balance FROM members WHERE phone = ?");
    sale_ = prepare(db_,
                    "INSERT INTO sales(key, member_id, created_at, total, points_earned, "
                    "points_redeemed, lines) VALUES (?, ?, ?, 512500, ?, ?, ?)");
    entry_ = prepare(db_,
                     "INSERT INTO entries(member_id, sale_id, kind, points, created_at) VALUES "
                     "(?, ?, ?, ?, ?)");
    member_ = prepare(db_,
                      "UPDATE members SET balance = ?, lifetime = lifetime + ?, updated_at = ? "
                      "WHERE id = ?");
}

ProductFloor::~ProductFloor() {
    for (sqlite3_stmt* s : {begin_, commit_, rollback_, find_, sale_, entry_, member_})
        sqlite3_finalize(s);
    sqlite3_close(db_);
}

bool ProductFloor::checkout(const std::string& phone, const std::string& key, std::int64_t redeem,
                            std::int64_t earn) {
    return sale(phone, key, redeem, earn, kLines, true);
}

bool ProductFloor::minimal(const std::string& phone, const std::string& key, std::int64_t earn) {
    return sale(phone, key, 0, earn, "", false);
}

bool ProductFloor::sale(const std::string& phone, const std::string& key, std::int64_t redeem,
                        std::int64_t earn, const char* lines, bool entries) {
    const std::int64_t now = 1795242600000LL;
    step(begin_);
    sqlite3_bind_text(find_, 1, phone.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(find_);
    const std::int64_t member = sqlite3_column_int64(find_, 0);
    std::int64_t balance = sqlite3_column_int64(find_, 1);
    sqlite3_reset(find_);
    if (balance < redeem) redeem = 0;
    sqlite3_bind_text(sale_, 1, key.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(sale_, 2, member);
    sqlite3_bind_int64(sale_, 3, now);
    sqlite3_bind_int64(sale_, 4, earn);
    sqlite3_bind_int64(sale_, 5, redeem);
    sqlite3_bind_text(sale_, 6, lines, -1, SQLITE_STATIC);
    if (step(sale_) != SQLITE_DONE) {  // the key was used: the sale is not written twice
        step(rollback_);
        return false;
    }
    const std::int64_t sale = sqlite3_last_insert_rowid(db_);
    for (auto [kind, points] : {std::pair<std::int64_t, std::int64_t>{2, -redeem}, {1, earn}}) {
        if (!entries || points == 0) continue;
        sqlite3_bind_int64(entry_, 1, member);
        sqlite3_bind_int64(entry_, 2, sale);
        sqlite3_bind_int64(entry_, 3, kind);
        sqlite3_bind_int64(entry_, 4, points);
        sqlite3_bind_int64(entry_, 5, now);
        step(entry_);
    }
    balance += earn - redeem;
    sqlite3_bind_int64(member_, 1, balance);
    sqlite3_bind_int64(member_, 2, earn);
    sqlite3_bind_int64(member_, 3, now);
    sqlite3_bind_int64(member_, 4, member);
    step(member_);
    return step(commit_) == SQLITE_DONE;
}

int ProductFloor::checkpoint() {
    int frames = 0, copied = 0;
    sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
    return frames;
}

}  // namespace bench
