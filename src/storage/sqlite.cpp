#include "storage/sqlite.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

#include "storage/wal_writes.hpp"

namespace loyalty::storage {

namespace {

// The n-th sleep (n from 0) of a wait for a lock, in microseconds: 50 doubling to 2,000.
constexpr std::int64_t kFirstSleepUs = 50, kLongestSleepUs = 2000;

std::int64_t sleep_us(int n) {
    if (n <= 0) return kFirstSleepUs;
    return n < 6 ? std::min(kFirstSleepUs << n, kLongestSleepUs) : kLongestSleepUs;
}

// When this thread's current wait began (SQLite calls the handler with n = 0 first). Measured,
// not added up from the sleeps: a system may sleep longer, or shorter, than asked.
thread_local std::chrono::steady_clock::time_point wait_began;

int busy_wait(void* timeout_ms, int n) {
    const auto now = std::chrono::steady_clock::now();
    if (n <= 0) wait_began = now;
    const auto limit = std::chrono::milliseconds(
        static_cast<std::int64_t>(reinterpret_cast<std::intptr_t>(timeout_ms)));
    if (now - wait_began >= limit) return 0;
    std::this_thread::sleep_for(std::chrono::microseconds(sleep_us(n)));
    return 1;
}

}  // namespace

void wait_when_busy(sqlite3* db, int timeout_ms) {
    if (timeout_ms <= 0)
        sqlite3_busy_handler(db, nullptr, nullptr);
    else
        sqlite3_busy_handler(db, &busy_wait,
                             reinterpret_cast<void*>(static_cast<std::intptr_t>(timeout_ms)));
}

void throw_sqlite(int rc, sqlite3* db, std::string_view context) {
    std::string msg(context);
    msg += ": ";
    msg += (db && sqlite3_errcode(db) == rc) ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    switch (rc & 0xFF) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            throw Error(Status::Busy, msg);
        case SQLITE_NOMEM:
            throw Error(Status::NoMemory, msg);
        case SQLITE_READONLY:
            throw Error(Status::ReadOnly, msg);
        case SQLITE_NOTADB:
        case SQLITE_CORRUPT:
            throw Error(Status::NotADatabase, msg);
        case SQLITE_IOERR:
        case SQLITE_FULL:
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
            throw Error(Status::Io, msg);
        case SQLITE_TOOBIG:
            throw Error(Status::TooLong, msg);
        default:
            throw Error(Status::Internal, msg);
    }
}

Query& Query::check(int rc) {
    if (rc != SQLITE_OK) throw_sqlite(rc, conn_.handle(), "bind");
    return *this;
}

bool Query::next() {
    if (notes_at_ == kNotStepped) notes_at_ = conn_.notes_.size();
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) {
        notes_at_ = kNotStepped;  // a step after this one runs the statement again
        return false;
    }
    // SQLite undid the statement's writes (none of ours is OR FAIL): its notes go too. A read
    // (which notes nothing) may have been stepped while other statements wrote.
    if (!sqlite3_stmt_readonly(stmt_)) conn_.drop_notes_from(notes_at_);
    notes_at_ = kNotStepped;
    // SUM() over stored amounts that no longer fits in int64: an overflow, not a bug.
    if (rc == SQLITE_ERROR &&
        std::string_view(sqlite3_errmsg(conn_.handle())) == "integer overflow")
        throw Error(Status::Overflow,
                    std::string("a total does not fit in 64 bits: ") + sqlite3_sql(stmt_));
    throw_sqlite(rc, conn_.handle(), "step");
}

Query::~Query() {
    if (!stmt_) return;
    if (owned_) {
        sqlite3_finalize(stmt_);
        return;
    }
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    auto it = conn_.by_stmt_.find(stmt_);
    if (it != conn_.by_stmt_.end()) it->second->in_use = false;
}

Connection::~Connection() {
    close();
}

void Connection::close() noexcept {
    for (auto& kv : cache_)
        sqlite3_finalize(kv.second.stmt);
    cache_.clear();
    by_stmt_.clear();
    if (db_) sqlite3_close_v2(db_);
    db_ = nullptr;
}

void Connection::open(const std::string& path, bool read_only, bool create) {
    quiet_allocator();
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    flags |= read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (create && !read_only) flags |= SQLITE_OPEN_CREATE;
    // A writer's commits reach the log in one write each (storage/wal_writes.hpp).
    open_v2(path, flags, path, read_only ? nullptr : wal_batching_vfs());
}

void Connection::quiet_allocator() noexcept {
    static const int once = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)once;
}

void Connection::open_v2(const std::string& name, int flags, const std::string& path,
                         const char* vfs) {
    const int rc = sqlite3_open_v2(name.c_str(), &db_, flags, vfs);
    if (rc != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        close();
        if ((rc & 0xFF) == SQLITE_NOMEM) throw Error(Status::NoMemory, "cannot open: " + msg);
        throw Error(Status::Io, "cannot open '" + path + "': " + msg);
    }
}

void Connection::open_immutable(const std::string& path) {
    // A file: URI. '%', '?' and '#' are escaped; on Windows "C:\x" becomes "/C:/x".
    std::string uri = "file:";
#ifdef _WIN32
    if (path.size() > 1 && path[1] == ':') uri += '/';
#endif
    for (char ch : path) {
        if (ch == '%' || ch == '?' || ch == '#') {
            static constexpr char kHex[] = "0123456789ABCDEF";
            uri += '%';
            uri += kHex[(static_cast<unsigned char>(ch) >> 4) & 15];
            uri += kHex[static_cast<unsigned char>(ch) & 15];
#ifdef _WIN32
        } else if (ch == '\\') {
            uri += '/';
#endif
        } else {
            uri += ch;
        }
    }
    uri += "?immutable=1";
    quiet_allocator();
    const int flags =
        SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
    open_v2(uri, flags, path);
}

void Connection::exec(const char* sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        throw_sqlite(rc, nullptr, msg);
    }
}

Query Connection::acquire(const char* sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end() && !it->second.in_use) {
        it->second.in_use = true;
        return Query(*this, it->second.stmt, false);
    }
    bool cache = it == cache_.end();
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, cache ? SQLITE_PREPARE_PERSISTENT : 0, &s, nullptr);
    if ((rc & 0xFF) == SQLITE_ERROR)
        // Our statements are fixed and tested against the schema: if one no longer prepares,
        // the file's schema is damaged or was changed outside libloyalty.
        throw Error(
            Status::NotADatabase,
            std::string("the database's schema is damaged or was altered outside libloyalty: ") +
                sqlite3_errmsg(db_));
    if (rc != SQLITE_OK) throw_sqlite(rc, db_, std::string("prepare: ") + sql);
    if (!cache) return Query(*this, s, true);  // the cached one is busy: a one-off statement
    Cached& slot = cache_[sql];
    slot.stmt = s;
    slot.in_use = true;
    by_stmt_[s] = &slot;
    return Query(*this, s, false);
}

void Connection::savepoint(const char* name) {
    run(intern(std::string("SAVEPOINT ") + name));
    marks_.push_back({name, notes_.size()});
}

std::size_t Connection::marks_to(const char* name) const noexcept {
    for (std::size_t i = marks_.size(); i > 0; --i)
        if (std::string_view(marks_[i - 1].name) == name) return i;
    return 0;
}

void Connection::release(const char* name) {
    run(intern(std::string("RELEASE ") + name));
    // RELEASE ends the savepoint named and those opened inside it; their notes stay.
    if (const std::size_t n = marks_to(name)) marks_.resize(n - 1);
}

void Connection::rollback_to(const char* name) {
    forget();
    run(intern(std::string("ROLLBACK TO ") + name));
    // ROLLBACK TO keeps the savepoint named, ends those opened inside it.
    if (const std::size_t n = marks_to(name)) {
        drop_notes_from(marks_[n - 1].notes);
        marks_.resize(n);
    }
}

namespace {

void note_function(sqlite3_context* ctx, int, sqlite3_value** v) {
    auto* notes = static_cast<std::vector<Note>*>(sqlite3_user_data(ctx));
    try {
        notes->push_back({sqlite3_value_int64(v[0]), sqlite3_value_int64(v[1])});
    } catch (...) {  // nothing crosses into SQLite: the statement fails, its notes undone
        sqlite3_result_error_nomem(ctx);
    }
}

}  // namespace

void Connection::enable_notes() {
    const int rc = sqlite3_create_function_v2(db_, "loy_note", 2, SQLITE_UTF8, &notes_,
                                              &note_function, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) throw_sqlite(rc, db_, "loy_note");
}

void Connection::rollback() noexcept {
    notes_.clear();
    marks_.clear();
    // ROLLBACK needs no parsing through a cached statement; if even that fails (out of memory),
    // the next transaction's start rolls back again.
    for (int attempt = 0; attempt < 3 && db_ && !sqlite3_get_autocommit(db_); ++attempt) {
        try {
            run("ROLLBACK");
        } catch (...) {
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        }
    }
}

Transaction::Transaction(Connection& c, bool write) : c_(c), write_(write) {
    // A transaction an earlier failure could not roll back is rolled back before a new one.
    if (!sqlite3_get_autocommit(c_.handle())) {
        c_.forget();
        c_.rollback();
    }
    c_.run(write ? "BEGIN IMMEDIATE" : "BEGIN");
    ++c_.transactions_;
}

Transaction::~Transaction() {
    rollback();
}

void Transaction::rollback() noexcept {
    if (!open_) return;
    // What a write transaction that ends here let be remembered may have seen its writes (SQLite
    // may have rolled it back already, on a full disk: forgotten all the same). A read
    // transaction ends here without a COMMIT and undoes nothing.
    if (write_) c_.forget();
    c_.rollback();
    open_ = false;
    ++c_.transactions_;
}

void Transaction::commit() {
    if (write_ && c_.before_commit) c_.before_commit();
    c_.run("COMMIT");
    c_.notes_.clear();  // read by before_commit, or not kept (a connection without a journal)
    c_.marks_.clear();
    open_ = false;
    ++c_.transactions_;
    if (write_) ++c_.commits_;
}

std::int64_t Connection::data_version() {
    auto q = query("PRAGMA data_version");
    return q.next() ? q.i64(0) : 0;
}

std::uint64_t Connection::epoch() {
    const std::uint64_t tx = transaction_no();
    if (tx == 0) return 0;
    if (tx != epoch_tx_) {
        epoch_tx_ = tx;
        const std::int64_t v = data_version();
        if (v != epoch_data_version_) {  // never at the first look: data_version is never -1
            epoch_data_version_ = v;
            ++epoch_;
        }
    }
    return epoch_;
}

}  // namespace loyalty::storage
