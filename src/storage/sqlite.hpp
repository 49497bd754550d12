// A thin RAII layer over sqlite3: cached prepared statements, typed binding, transactions, and
// the mapping of SQLite result codes to loyalty::Status. Only src/storage/ includes sqlite3.h.
#ifndef LOYALTY_SRC_STORAGE_SQLITE_HPP
#define LOYALTY_SRC_STORAGE_SQLITE_HPP

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "loyalty/status.hpp"

namespace loyalty::storage {

[[noreturn]] void throw_sqlite(int rc, sqlite3* db, std::string_view context);

// When a lock `db` needs is held by another connection, waits for it up to `timeout_ms` (0: not
// at all; measured on the steady clock) in short sleeps, from 50 us doubling to 2 ms, instead of
// SQLite's busy_timeout, whose sleeps of 1, 2, 5, 10, 15, 20, 25 ... 100 ms let a wait of a few
// hundred microseconds (another connection's commit, the checkpointer starting the log again)
// cost a till's sale milliseconds.
void wait_when_busy(sqlite3* db, int timeout_ms);

class Connection;

// What a write transaction notes of the rows it writes (the journal's facts, noted by triggers
// that call loy_note: storage/journal.cpp), kept in memory with the connection and undone as
// SQLite undoes the writes: a failed statement's notes go with it, a savepoint rolled back
// takes the notes made since, a rollback takes them all.
struct Note {
    std::int64_t kind;
    std::int64_t row;
};

// Nullable columns: an id of 0 and an empty string are stored as NULL.
struct NullIfZero {
    std::int64_t v;
};
struct NullIfEmpty {
    const std::string& v;
};

// Text bound without a copy (a journal record's body is megabytes after an import): the text must
// outlive the Query, whose bindings are cleared when it goes out of scope.
struct Uncopied {
    std::string_view v;
};

// Bytes bound as a BLOB (a column's TEXT affinity leaves a BLOB as it is).
struct Bytes {
    std::string_view v;
};

// A cached statement in use: bound on construction, reset when it goes out of scope.
class Query {
  public:
    // `owned`: a one-off statement (the cached one was in use), finalised on destruction.
    Query(Connection& c, sqlite3_stmt* s, bool owned) : conn_(c), stmt_(s), owned_(owned) {}
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;
    Query(Query&& o) noexcept
        : conn_(o.conn_), stmt_(o.stmt_), owned_(o.owned_), notes_at_(o.notes_at_) {
        o.stmt_ = nullptr;
    }
    ~Query();

    Query& bind(int i, std::int64_t v) { return check(sqlite3_bind_int64(stmt_, i, v)); }
    Query& bind(int i, int v) { return check(sqlite3_bind_int64(stmt_, i, v)); }
    Query& bind(int i, bool v) { return check(sqlite3_bind_int64(stmt_, i, v ? 1 : 0)); }
    Query& bind(int i, std::string_view v) {
        return check(
            sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    }
    Query& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    Query& bind(int i, Uncopied u) {
        return check(
            sqlite3_bind_text(stmt_, i, u.v.data(), static_cast<int>(u.v.size()), SQLITE_STATIC));
    }
    Query& bind(int i, Bytes b) {
        return check(sqlite3_bind_blob(stmt_, i, b.v.data(), static_cast<int>(b.v.size()),
                                       SQLITE_TRANSIENT));
    }
    Query& bind(int i, const char* v) {
        return v ? bind(i, std::string_view(v)) : bind(i, nullptr);
    }
    Query& bind(int i, std::nullptr_t) { return check(sqlite3_bind_null(stmt_, i)); }
    template <typename T>
    Query& bind(int i, const std::optional<T>& v) {
        return v ? bind(i, *v) : bind(i, nullptr);
    }
    Query& bind(int i, NullIfZero n) { return n.v ? bind(i, n.v) : bind(i, nullptr); }
    Query& bind(int i, NullIfEmpty s) { return s.v.empty() ? bind(i, nullptr) : bind(i, s.v); }

    // Steps once: true when a row is available.
    bool next();
    // Runs a statement that returns no rows.
    void run() {
        while (next()) {
        }
    }

    // The result's shape: column count, names, and a value's SQLite type (SQLITE_INTEGER...).
    int columns() const { return sqlite3_column_count(stmt_); }
    const char* column_name(int col) const { return sqlite3_column_name(stmt_, col); }
    int type(int col) const { return sqlite3_column_type(stmt_, col); }

    std::int64_t i64(int col) const { return sqlite3_column_int64(stmt_, col); }
    bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
    // The text of a column without a copy: valid until the next step or reset of the statement.
    std::string_view view(int col) const {
        auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
        return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
                 : std::string_view();
    }
    std::string text(int col) const {
        auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
                 : std::string();
    }

  private:
    Query& check(int rc);
    Connection& conn_;
    sqlite3_stmt* stmt_;
    bool owned_;
    // How many notes the connection held when this statement first stepped: a statement that
    // fails has its writes undone by SQLite, and the notes made meanwhile here.
    static constexpr std::size_t kNotStepped = static_cast<std::size_t>(-1);
    std::size_t notes_at_ = kNotStepped;
};

class Connection {
  public:
    Connection() = default;
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void open(const std::string& path, bool read_only, bool create);
    // Opens `path` as immutable (SQLite's URI parameter): no locks, no -wal or -shm file, for a
    // file on a medium that cannot be written, where nothing can change it.
    void open_immutable(const std::string& path);
    // Closes the connection (and its cached statements); it may be opened again.
    void close() noexcept;
    // True when SQLite could open the main file for reading only (a read-only medium or file).
    bool read_only() const noexcept { return sqlite3_db_readonly(db_, "main") == 1; }
    sqlite3* handle() const noexcept { return db_; }

    void exec(const char* sql);
    // Rolls back any open transaction; never throws.
    void rollback() noexcept;
    // One cached statement that returns no rows (BEGIN, COMMIT, SAVEPOINT…): parsed once.
    void run(const char* sql) { query(sql).run(); }
    // A cached prepared statement, with the arguments bound in order (1-based).
    template <typename... Args>
    Query query(const char* sql, const Args&... args) {
        Query q = acquire(sql);
        int i = 0;
        (q.bind(++i, args), ...);
        return q;
    }
    // A text made at run time (an INSERT of the columns a fact has), kept for the connection's
    // life so that its address is stable and its statement is cached like a fixed text's.
    const char* intern(const std::string& sql) { return texts_.insert(sql).first->c_str(); }
    std::int64_t last_id() const { return sqlite3_last_insert_rowid(db_); }
    // Runs inside every write transaction just before its COMMIT (the journal's record of the
    // transaction is written there); a throw fails the commit, which then rolls back.
    std::function<void()> before_commit;
    int changes() const { return sqlite3_changes(db_); }
    // Rows inserted, changed or deleted by every statement this connection completed (those of
    // triggers included): unchanged across a call, the call wrote nothing.
    std::int64_t total_changes() const { return sqlite3_total_changes64(db_); }
    // The number of the transaction open on this connection, 0 outside one: what is
    // remembered for the length of one transaction is remembered with its number. The number
    // moves on at each transaction's start and end, so one left open (a rollback that failed)
    // or begun outside a Transaction never answers to a number an earlier one used.
    std::uint64_t transaction_no() const { return sqlite3_get_autocommit(db_) ? 0 : transactions_; }
    // A number that stays the same from one transaction to the next while no other connection
    // commits to the file (PRAGMA data_version, read once a transaction); 0 outside a
    // transaction. What this connection remembered of the file at one epoch holds at the same
    // epoch, provided this connection's own writes forget what they change.
    std::uint64_t epoch();
    // What was remembered at `epoch` may be used now (inside a transaction only).
    bool unchanged_since(std::uint64_t e) { return e != 0 && e == epoch(); }
    // SAVEPOINT `name` and RELEASE `name` (a name this library writes: no quoting).
    void savepoint(const char* name);
    void release(const char* name);
    // Undoes this transaction's writes since SAVEPOINT `name`; what was remembered meanwhile
    // (it may have seen them) is forgotten, as it is by a rollback, and the notes made since.
    void rollback_to(const char* name);
    // The SQL function loy_note(kind, row), which appends to notes(): for triggers of this
    // connection (TEMP triggers) to note the rows a transaction writes.
    void enable_notes();
    // The transaction's notes, in the order made; whoever reads them at the commit clears them.
    std::vector<Note>& notes() noexcept { return notes_; }
    // Write transactions this connection committed; with PRAGMA data_version (which other
    // connections' commits change), whether the file changed since a moment.
    std::uint64_t commits() const { return commits_; }
    std::int64_t data_version();

  private:
    friend class Query;
    Query acquire(const char* sql);
    // Turns off SQLite's memory statistics (SQLITE_CONFIG_MEMSTATUS) if nothing in the process
    // has started SQLite yet: each of its allocations then takes no global lock.
    static void quiet_allocator() noexcept;
    // sqlite3_open_v2 of `name` (a path or a file: URI) with `vfs` (null: SQLite's default); a
    // failure names `path`.
    void open_v2(const std::string& name, int flags, const std::string& path,
                 const char* vfs = nullptr);
    struct Cached {
        sqlite3_stmt* stmt = nullptr;
        bool in_use = false;
    };
    sqlite3* db_ = nullptr;
    std::unordered_map<const char*, Cached> cache_;
    std::unordered_map<sqlite3_stmt*, Cached*> by_stmt_;
    std::unordered_set<std::string> texts_;
    std::uint64_t transactions_ = 0, commits_ = 0;
    std::vector<Note> notes_;
    // Each open savepoint, with how many notes there were at its start.
    struct Mark {
        const char* name;
        std::size_t notes;
    };
    std::vector<Mark> marks_;
    // How many marks there are up to the innermost savepoint named `name`, it included (0: none).
    std::size_t marks_to(const char* name) const noexcept;
    void drop_notes_from(std::size_t n) noexcept {
        if (n < notes_.size()) notes_.resize(n);
    }
    // A new epoch: what was remembered may have seen writes now undone.
    void forget() noexcept { ++epoch_; }
    std::uint64_t epoch_ = 0, epoch_tx_ = 0;
    std::int64_t epoch_data_version_ = -1;
    friend class Transaction;
};

// BEGIN IMMEDIATE (writers) or BEGIN (readers); rolls back unless committed.
class Transaction {
  public:
    Transaction(Connection& c, bool write);
    ~Transaction();
    void commit();
    // Rolls back now, as the destructor would.
    void rollback() noexcept;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

  private:
    Connection& c_;
    bool open_ = true;
    bool write_ = false;
};

}  // namespace loyalty::storage

#endif
