// libloyalty benchmark: builds a realistic database, measures the till's operations through the
// C ABI, and compares the checkout, side by side and interleaved, with what raw SQLite needs for
// the least any implementation must do (the floor) and for the least a correct loyalty checkout
// must write (the product floor, bench/product_floor.hpp).
//
//   loyalty_bench [--members N] [--entries N] [--checkouts N] [--rounds N] [--dir DIR] [--quick]
//
// Defaults are the full scale (1,000,000 members, 10,000,000 ledger entries); --quick is a
// small run that CI uses so the program cannot rot. It prints its figures; it asserts nothing
// about speed.
#include <loyalty/loyalty.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "bench_sale.hpp"
#include "product_floor.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::int64_t members = 1000000;
    std::int64_t entries = 10000000;
    int checkouts = 2000;  // per side and durability, over all rounds
    int rounds = 5;
    std::string dir = ".";
};

constexpr std::int64_t kDay = 86400000;
using bench::check;
using bench::err;
using bench::kNow;
using bench::phone_of;
using bench::typed_phone;
constexpr std::int64_t kNever = INT64_MAX;

void sql(sqlite3* db, const std::string& s) {
    char* msg = nullptr;
    if (sqlite3_exec(db, s.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
        std::fprintf(stderr, "sql failed: %s\n  %s\n", msg ? msg : "?", s.c_str());
        std::exit(1);
    }
}

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

struct Stats {
    std::vector<double> us;
    void add(double v) { us.push_back(v); }
    double pct(double p) {
        std::sort(us.begin(), us.end());
        if (us.empty()) return 0;
        std::size_t i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(us.size() - 1));
        return us[i];
    }
    double mean() const {
        double s = 0;
        for (double v : us)
            s += v;
        return us.empty() ? 0 : s / static_cast<double>(us.size());
    }
    void print(const char* name) {
        double total_ms = mean() * static_cast<double>(us.size()) / 1000.0;
        std::printf("  %-34s n=%-6zu %9.0f/s  p50 %8.1f us  p99 %8.1f us  max %8.1f us\n", name,
                    us.size(),
                    total_ms > 0 ? static_cast<double>(us.size()) * 1000.0 / total_ms : 0.0,
                    pct(50), pct(99), pct(100));
    }
};

template <typename F>
double time_us(F&& f) {
    auto t = Clock::now();
    f();
    return std::chrono::duration<double, std::micro>(Clock::now() - t).count();
}

const char* kProgramme = R"({
  "name": "Benchmark club", "currency": "IRR",
  "spend": [{"id": "base", "name": "Every 100,000 = 10 points", "points": 10, "per": 100000}],
  "multipliers": [{"id": "coffee", "name": "Double points on coffee", "factor": "2", "categories": ["cat-7"]}],
  "redeem": {"point_value": "1000", "min_points": 1, "max_share": "0.5"},
  "expiry_days": 365,
  "tiers": {"levels": [{"id": "bronze", "threshold": 0},
                       {"id": "silver", "threshold": 500, "multiplier": "1.25"},
                       {"id": "gold", "threshold": 1000, "multiplier": "1.5", "discount": "0.05"}]},
  "campaigns": [{"id": "bench", "name": "5% off", "effect": "percent", "percent": "0.05", "code": "BENCH5",
                 "combinable": true}]
})";

loy_db* open_db(const std::string& path, int32_t durability,
                int32_t checkpoint = LOY_CHECKPOINT_BACKGROUND) {
    loy_open_options o;
    loy_open_options_init(&o);
    o.path = path.c_str();
    o.durability = durability;
    o.checkpoint = checkpoint;
    o.origin = "bench";
    loy_db* db = nullptr;
    check(loy_open(&o, &db, &err), "open");
    check(loy_set_clock(db, kNow, &err), "clock");
    return db;
}

// Bulk history straight into the schema (one transaction per chunk, synchronous off): members
// with phones and tiers, earn entries with their lots spread over two years, balances that
// equal their entries. Appends entries [from, to).
void generate(const std::string& path, std::int64_t members, std::int64_t from, std::int64_t to,
              bool create_members) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sql(db, "PRAGMA synchronous=OFF");
    sql(db, "PRAGMA temp_store=MEMORY");  // as the library sets it
    std::mt19937_64 rng(42 + static_cast<unsigned>(from));
    if (create_members) {
        sql(db, "BEGIN");
        sqlite3_stmt* ins = nullptr;
        sqlite3_prepare_v2(
            db,
            "INSERT INTO members(id, origin, phone, referral_code, created_at, updated_at, tier) "
            "VALUES (?, 1, ?, ?, ?, ?, 'bronze')",
            -1, &ins, nullptr);
        for (std::int64_t i = 1; i <= members; ++i) {
            std::string ph = phone_of(i), code = "R" + std::to_string(i);
            std::int64_t created =
                kNow - 730 * kDay + static_cast<std::int64_t>(rng() % (700 * kDay));
            sqlite3_bind_int64(ins, 1, i);
            sqlite3_bind_text(ins, 2, ph.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 3, code.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(ins, 4, created);
            sqlite3_bind_int64(ins, 5, created);
            sqlite3_step(ins);
            sqlite3_reset(ins);
        }
        sqlite3_finalize(ins);
        sql(db, "COMMIT");
    }
    sqlite3_stmt *led = nullptr, *left = nullptr, *bal = nullptr;
    // Each entry with its lot packed in its row, as the library writes it (storage/lots_sql.hpp):
    // [n, points, available_at, expires_at]; one numbering of parameters for it and what is left
    // of the lot, each statement naming those it stores.
    sqlite3_prepare_v2(
        db,
        "INSERT INTO ledger(id, origin, member_id, kind, points, reason, program_version, "
        "created_at, source, lots) VALUES (?2, 1, ?1, 1, ?3, 'purchase', 1, ?5, 'purchase', "
        "json_array(json_array(0, ?3, ?5, ?6)))",
        -1, &led, nullptr);
    sqlite3_prepare_v2(
        db,
        "INSERT INTO member_index(member_id, part, id, expires_at, available_at, remaining) "
        "VALUES (?1, 2, ?2 * 1048576, ?6, ?5, ?4)",
        -1, &left, nullptr);
    sqlite3_prepare_v2(
        db,
        "UPDATE members SET balance = balance + ?2, lifetime_earned = lifetime_earned + ?2 "
        "WHERE id = ?1",
        -1, &bal, nullptr);
    const std::int64_t chunk = 200000;
    for (std::int64_t start = from; start < to; start += chunk) {
        sql(db, "BEGIN");
        for (std::int64_t e = start; e < std::min(to, start + chunk); ++e) {
            std::int64_t member =
                1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(members));
            std::int64_t pts = 1 + static_cast<std::int64_t>(rng() % 40);
            std::int64_t at = kNow - 730 * kDay + static_cast<std::int64_t>(rng() % (730 * kDay));
            for (sqlite3_stmt* st : {led, left}) {
                sqlite3_bind_int64(st, 1, member);
                sqlite3_bind_int64(st, 2, e + 1);
                sqlite3_bind_int64(st, 3, pts);
                sqlite3_bind_int64(st, 4, pts);
                sqlite3_bind_int64(st, 5, at);
                sqlite3_bind_int64(st, 6, at + 365 * kDay);  // half of them are past their date
                sqlite3_step(st);
                sqlite3_reset(st);
            }
            sqlite3_bind_int64(bal, 1, member);
            sqlite3_bind_int64(bal, 2, pts);
            sqlite3_step(bal);
            sqlite3_reset(bal);
        }
        sql(db, "COMMIT");
    }
    sqlite3_finalize(led);
    sqlite3_finalize(left);
    sqlite3_finalize(bal);
    sql(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_close(db);
}

// The generators write without syncing: before anything is timed, what they wrote goes to the
// disk, so that no measurement waits behind the kernel writing back a file just made (at full
// scale, gigabytes). Prints how long that took.
void settle(const char* what) {
    auto t = Clock::now();
    ::sync();
    std::printf("  %s written out to the disk in %.1f s\n", what, ms_since(t) / 1000.0);
}

// Reads a file once from end to end, so that the operating system's cache holds it before the
// checkout rounds, as it holds a busy till's file. Without it, at full scale (files of 2.5 GB
// on a machine whose cache had let them go), the first side of each round paid for every page
// it was the first to touch and the second library side, on the same file, did not.
void cache_file(const std::string& path) {
    auto t = Clock::now();
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return;
    std::vector<char> buf(1 << 20);
    std::size_t total = 0, n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0)
        total += n;
    std::fclose(f);
    std::printf("  %s read into the cache (%.0f MB) in %.1f s\n", path.c_str(),
                static_cast<double>(total) / 1e6, ms_since(t) / 1000.0);
}

// Lookup by phone and balance read, as the till does when the customer gives a number.
void measure_lookups(loy_db* db, std::int64_t members, int n, Stats& st) {
    std::mt19937_64 rng(7);
    for (int i = 0; i < n; ++i) {
        std::string ph =
            "0" +
            phone_of(1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(members)))
                .substr(3);
        st.add(time_us([&] {
            loy_member* m = nullptr;
            check(loy_member_find_by_phone(db, ph.c_str(), &m, &err), "find_by_phone");
            volatile int64_t b = loy_member_balance(m);
            (void)b;
            loy_member_free(m);
        }));
    }
}

// The members a block of checkouts serves: the same for every side of one round.
std::vector<std::int64_t> pick_members(std::int64_t members, int n, unsigned seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::int64_t> out;
    for (int i = 0; i < n; ++i)
        out.push_back(1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(members)));
    return out;
}

// One side of the comparison: how it checks out one customer (the i-th of the block).
enum class Side { Floor, ProductFloor, Library, LibraryInline };
const char* side_name(Side s) {
    switch (s) {
        case Side::Floor:
            return "floor";
        case Side::ProductFloor:
            return "product floor";
        case Side::Library:
            return "libloyalty";
        case Side::LibraryInline:
            return "libloyalty, inline checkpoints";
    }
    return "?";
}

struct Block {
    double rate = 0;  // checkouts a second over the block
    Stats st;
    double pages = 0;  // WAL pages written per checkout
};

// A block of checkouts on one side, from a fresh handle whose log was emptied first; the
// handle is warmed by looking up 200 members, unmeasured. A library checkout is: find the member
// by phone, quote the 5-line basket, commit it.
Block run_block(Side side, const std::string& lib_path, const std::string& floor_path, bool full,
                const std::vector<std::int64_t>& who, const std::string& prefix,
                std::vector<std::int64_t>* sales) {
    Block out;
    std::mt19937_64 warm(99);
    if (side == Side::Floor || side == Side::ProductFloor) {
        bench::ProductFloor f(floor_path, full);
        for (int i = 0; i < 200; ++i)
            f.minimal(phone_of(1 + static_cast<std::int64_t>(warm() % 1000)), prefix + "warm", 0);
        f.checkpoint();
        auto t0 = Clock::now();
        for (std::size_t i = 0; i < who.size(); ++i) {
            const std::string ph = phone_of(who[i]), key = prefix + std::to_string(i);
            out.st.add(time_us([&] {
                if (side == Side::Floor)
                    f.minimal(ph, key, 70);
                else
                    f.checkout(ph, key, 5, 70);
            }));
        }
        out.rate = static_cast<double>(who.size()) / (ms_since(t0) / 1000.0);
        out.pages = static_cast<double>(f.checkpoint()) / static_cast<double>(who.size());
        return out;
    }
    loy_db* db = open_db(lib_path, full ? LOY_DURABILITY_FULL : LOY_DURABILITY_NORMAL,
                         side == Side::Library ? LOY_CHECKPOINT_BACKGROUND : LOY_CHECKPOINT_INLINE);
    check(loy_checkpoint(db, nullptr, nullptr, &err), "checkpoint");
    for (int i = 0; i < 200; ++i) {
        loy_member* m = nullptr;
        check(loy_member_find_by_phone(
                  db, typed_phone(1 + static_cast<std::int64_t>(warm() % 1000)).c_str(), &m, &err),
              "warm");
        loy_member_free(m);
    }
    auto t0 = Clock::now();
    for (std::size_t i = 0; i < who.size(); ++i) {
        const std::string ph = typed_phone(who[i]), key = prefix + std::to_string(i);
        out.st.add(time_us([&] {
            loy_member* m = nullptr;
            check(loy_member_find_by_phone(db, ph.c_str(), &m, &err), "find_by_phone");
            loy_basket* b = bench::basket(loy_member_id(m), static_cast<int>(i), true);
            loy_member_free(m);
            loy_quote* q = nullptr;
            check(loy_quote_basket(db, b, &q, &err), "quote");
            loy_quote_free(q);
            loy_receipt* r = nullptr;
            int32_t rc = loy_commit(db, b, key.c_str(), &r, &err);
            if (rc != LOY_OK && rc != LOY_ERR_INSUFFICIENT_POINTS) check(rc, "commit");
            if (rc == LOY_OK && sales) sales->push_back(loy_receipt_sale_id(r));
            loy_receipt_free(r);
            loy_basket_free(b);
        }));
    }
    out.rate = static_cast<double>(who.size()) / (ms_since(t0) / 1000.0);
    loy_close(db);
    return out;
}

// The frames in the file's log, by the b-tree (table or index) each page belongs to, per
// checkout: where a checkout's pages go. Read from the log's frame headers (a page number each,
// and on a transaction's last frame the file's size; frames of an earlier pass through the
// log, left past its end, carry another salt) and SQLite's dbstat table (each page's
// b-tree). A commit that writes three or more pages of one b-tree has rebalanced it: SQLite
// spreads the cells of a full leaf over it and its siblings and rewrites them and their parent.
void print_wal_pages(const std::string& path, int n) {
    std::FILE* f = std::fopen((path + "-wal").c_str(), "rb");
    if (!f) return;
    unsigned char head[32];
    std::vector<std::vector<std::uint32_t>> commits(1);  // the pages of each commit, in order
    if (std::fread(head, 1, 32, f) == 32) {
        const std::uint32_t page_size = (std::uint32_t{head[8]} << 24) |
                                        (std::uint32_t{head[9]} << 16) |
                                        (std::uint32_t{head[10]} << 8) | head[11];
        std::vector<unsigned char> frame(24 + page_size);
        while (std::fread(frame.data(), 1, frame.size(), f) == frame.size() &&
               std::memcmp(frame.data() + 8, head + 16, 8) == 0) {  // the log's salt: not stale
            commits.back().push_back((std::uint32_t{frame[0]} << 24) |
                                     (std::uint32_t{frame[1]} << 16) |
                                     (std::uint32_t{frame[2]} << 8) | frame[3]);
            if (frame[4] | frame[5] | frame[6] | frame[7]) commits.emplace_back();
        }
    }
    std::fclose(f);
    commits.pop_back();  // frames after the last commit (none) or the empty list after it
    sqlite3* db = nullptr;
    std::map<std::uint32_t, std::string> owner;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* q = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT pageno, name FROM dbstat", -1, &q, nullptr) == SQLITE_OK)
            while (sqlite3_step(q) == SQLITE_ROW)
                owner[static_cast<std::uint32_t>(sqlite3_column_int64(q, 0))] =
                    reinterpret_cast<const char*>(sqlite3_column_text(q, 1));
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    struct Tally {
        int pages = 0, rebalanced = 0;
    };
    std::map<std::string, Tally> by;
    for (const auto& pages : commits) {
        std::map<std::string, int> in_commit;
        for (const std::uint32_t page : pages) {
            auto it = owner.find(page);
            ++in_commit[page == 1 ? "page 1" : it == owner.end() ? "(free or new)" : it->second];
        }
        for (const auto& [name, count] : in_commit) {
            by[name].pages += count;
            by[name].rebalanced += count >= 3;
        }
    }
    std::vector<std::pair<int, std::string>> order;
    for (const auto& [name, t] : by)
        order.emplace_back(-t.pages, name);
    std::sort(order.begin(), order.end());
    std::printf(
        "\n  WAL pages a library checkout writes, by b-tree (%d checkouts, %zu commits;"
        " rebalanced: the commits that rewrote 3+ of its pages):\n",
        n, commits.size());
    for (const auto& [count, name] : order)
        std::printf("    %-28s %5.2f   rebalanced in %4.1f%%\n", name.c_str(),
                    -count / static_cast<double>(n),
                    commits.empty()
                        ? 0.0
                        : 100.0 * by[name].rebalanced / static_cast<double>(commits.size()));
}

// WAL pages a library checkout writes: a manual handle, nothing copied during `n` checkouts.
double library_pages(const std::string& path, std::int64_t members, int n) {
    loy_db* db = open_db(path, LOY_DURABILITY_NORMAL, LOY_CHECKPOINT_MANUAL);
    check(loy_checkpoint(db, nullptr, nullptr, &err), "checkpoint");
    const auto who = pick_members(members, n, 5);
    for (int i = 0; i < n; ++i) {
        loy_basket* b = bench::basket(who[static_cast<std::size_t>(i)], i, true);
        loy_receipt* r = nullptr;
        const std::string key = "P-" + std::to_string(i);
        int32_t rc = loy_commit(db, b, key.c_str(), &r, &err);
        if (rc != LOY_OK && rc != LOY_ERR_INSUFFICIENT_POINTS) check(rc, "commit");
        loy_receipt_free(r);
        loy_basket_free(b);
    }
    print_wal_pages(path, n);
    int32_t frames = 0;
    check(loy_checkpoint(db, &frames, nullptr, &err), "checkpoint");
    loy_close(db);
    return static_cast<double>(frames) / n;
}

// Member import: `n` members with a name, a birth date, tags and consents, as one CSV into a new
// file, in one call (loy_members_import_csv); members a second.
double import_rate(const std::string& path, std::int64_t n) {
    for (const char* s : {"", "-wal", "-shm"})
        std::remove((path + s).c_str());
    std::string csv = "phone,name,birth_date,tags,consent_sms\n";
    for (std::int64_t i = 1; i <= n; ++i)
        csv += phone_of(i) + ",Member " + std::to_string(i) + ",1990-0" +
               std::to_string(1 + i % 9) + "-1" + std::to_string(i % 10) + ",\"coffee,vip\"," +
               (i % 2 ? "yes" : "no") + "\n";
    loy_db* db = open_db(path, LOY_DURABILITY_NORMAL);
    int64_t rows = 0, imported = 0;
    loy_table* errors = nullptr;
    auto t = Clock::now();
    check(loy_members_import_csv(db, csv.c_str(), 0, &rows, &imported, &errors, &err), "import");
    const double secs = ms_since(t) / 1000.0;
    loy_table_free(errors);
    loy_close(db);
    if (imported != n) {
        std::fprintf(stderr, "import wrote %lld of %lld members\n",
                     static_cast<long long>(imported), static_cast<long long>(n));
        std::exit(1);
    }
    return static_cast<double>(n) / secs;
}

double median_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    if (v.empty()) return 0;
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// "median (min-max)" of one figure over the rounds.
std::string spread(const std::vector<double>& v, const char* fmt) {
    if (v.empty()) return "-";
    char a[32], b[32], c[32];
    std::snprintf(a, sizeof a, fmt, median_of(v));
    std::snprintf(b, sizeof b, fmt, *std::min_element(v.begin(), v.end()));
    std::snprintf(c, sizeof c, fmt, *std::max_element(v.begin(), v.end()));
    return std::string(a) + " (" + b + "-" + c + ")";
}

std::int64_t file_bytes(const std::string& path) {
    struct stat st {};
    std::int64_t total = 0;
    for (const char* suffix : {"", "-wal"})
        if (::stat((path + suffix).c_str(), &st) == 0) total += st.st_size;
    return total;
}

void table_bytes(const std::string& path) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(
            db, "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 12", -1,
            &s, nullptr) == SQLITE_OK) {
        std::printf("  largest tables and indexes:\n");
        while (sqlite3_step(s) == SQLITE_ROW)
            std::printf("    %-28s %10.1f MB\n", sqlite3_column_text(s, 0),
                        static_cast<double>(sqlite3_column_int64(s, 1)) / 1e6);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
        if (a == "--members")
            o.members = std::atoll(next());
        else if (a == "--entries")
            o.entries = std::atoll(next());
        else if (a == "--checkouts")
            o.checkouts = std::atoi(next());
        else if (a == "--rounds")
            o.rounds = std::max(1, std::atoi(next()));
        else if (a == "--dir")
            o.dir = next();
        else if (a == "--quick") {
            o.members = 20000;
            o.entries = 200000;
            o.checkouts = 500;
        } else {
            std::fprintf(stderr,
                         "usage: loyalty_bench [--members N] [--entries N] [--checkouts N] "
                         "[--rounds N] [--dir D] [--quick]\n");
            return 2;
        }
    }
    loy_error_init(&err);
    const std::string path = o.dir + "/bench.db";
    for (const char* s : {"", "-wal", "-shm"})
        std::remove((path + s).c_str());
    std::printf("libloyalty %s benchmark: %lld members, %lld ledger entries, %d checkouts\n",
                loy_version_string(), static_cast<long long>(o.members),
                static_cast<long long>(o.entries), o.checkouts);

    // 1. The database: schema and programme through the library, then bulk history.
    {
        loy_db* db = open_db(path, LOY_DURABILITY_NORMAL);
        check(loy_program_load_json(db, kProgramme, nullptr, &err), "programme");
        loy_close(db);
    }
    const std::int64_t small = std::min<std::int64_t>(100000, o.entries);
    auto t = Clock::now();
    generate(path, o.members, 0, small, true);
    std::printf("\ngenerated %lld members and %lld entries in %.1f s\n",
                static_cast<long long>(o.members), static_cast<long long>(small),
                ms_since(t) / 1000.0);
    settle("the file");
    Stats look_small, look_big;
    {
        loy_db* db = open_db(path, LOY_DURABILITY_NORMAL);
        measure_lookups(db, o.members, 5000, look_small);
        loy_close(db);
    }
    t = Clock::now();
    generate(path, o.members, small, o.entries, false);
    std::printf("generated up to %lld entries in %.1f s\n", static_cast<long long>(o.entries),
                ms_since(t) / 1000.0);
    settle("the file");
    const std::int64_t bytes = file_bytes(path);

    std::printf("\nthrough the C ABI (synchronous=NORMAL unless said):\n");
    loy_db* db = open_db(path, LOY_DURABILITY_NORMAL);
    measure_lookups(db, o.members, 5000, look_big);
    look_small.print("lookup by phone + balance @100k");
    look_big.print("lookup by phone + balance @full");
    const double flat = look_big.pct(50) / std::max(1e-9, look_small.pct(50));

    Stats quote;
    {
        std::mt19937_64 rng(3);
        for (int i = 0; i < 1000; ++i) {
            std::int64_t member =
                1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(o.members));
            loy_basket* b = bench::basket(member, i, true);
            quote.add(time_us([&] {
                loy_quote* q = nullptr;
                check(loy_quote_basket(db, b, &q, &err), "quote");
                loy_quote_free(q);
            }));
            loy_basket_free(b);
        }
    }
    quote.print("quote (5 lines, coupon, tier, redeem)");
    loy_close(db);

    // 2. The checkout, side by side: in each round every side serves the same customers, at
    // NORMAL then at FULL, the order of the sides turning round each round.
    const std::string floor_path = o.dir + "/floor.db";
    t = Clock::now();
    bench::ProductFloor::create(floor_path, o.members, o.entries, &phone_of);
    std::printf("\nproduct floor file: %lld members, %lld entries in %.1f s\n",
                static_cast<long long>(o.members), static_cast<long long>(o.entries),
                ms_since(t) / 1000.0);
    settle("the product floor's file");
    cache_file(path);
    cache_file(floor_path);
    const std::vector<Side> sides = {Side::Floor, Side::ProductFloor, Side::Library,
                                     Side::LibraryInline};
    const int per_normal = std::max(20, o.checkouts / o.rounds);
    const int per_full = std::max(20, per_normal / 4);
    // [durability][side]: each round's rate, and the pooled latencies.
    std::vector<double> rates[2][4], ratio[2][4];
    Stats lat[2][4];
    std::vector<std::int64_t> sales;
    std::printf("\ncheckouts, interleaved: %d rounds of %d at NORMAL and %d at FULL per side\n",
                o.rounds, per_normal, per_full);
    for (int r = 0; r < o.rounds; ++r) {
        for (int full = 0; full < 2; ++full) {
            const auto who = pick_members(o.members, full ? per_full : per_normal,
                                          static_cast<unsigned>(100 + r * 2 + full));
            double got[4] = {0, 0, 0, 0};
            for (std::size_t k = 0; k < sides.size(); ++k) {
                const std::size_t si = r % 2 ? sides.size() - 1 - k : k;
                const std::string prefix = std::string(full ? "F" : "N") + std::to_string(r) + "-" +
                                           std::to_string(si) + "-";
                Block b = run_block(sides[si], path, floor_path, full != 0, who, prefix,
                                    sides[si] == Side::Library && !full ? &sales : nullptr);
                got[si] = b.rate;
                rates[full][si].push_back(b.rate);
                for (double v : b.st.us)
                    lat[full][si].add(v);
            }
            std::printf("  round %d %-6s", r + 1, full ? "FULL" : "NORMAL");
            for (std::size_t si = 0; si < sides.size(); ++si) {
                ratio[full][si].push_back(got[si] / got[1]);
                std::printf("  %s %.0f/s", side_name(sides[si]), got[si]);
            }
            std::printf("\n");
        }
    }
    std::printf("\n  %-32s %-24s %-24s %-10s %-10s\n", "side", "checkouts/s NORMAL",
                "checkouts/s FULL", "p50 NORMAL", "p99 NORMAL");
    for (std::size_t si = 0; si < sides.size(); ++si)
        std::printf("  %-32s %-24s %-24s %7.1f us %7.1f us\n", side_name(sides[si]),
                    spread(rates[0][si], "%.0f").c_str(), spread(rates[1][si], "%.0f").c_str(),
                    lat[0][si].pct(50), lat[0][si].pct(99));
    std::printf("\n  ratio to the product floor, median (range) of the rounds:\n");
    for (std::size_t si = 0; si < sides.size(); ++si)
        std::printf("    %-30s NORMAL %-20s FULL %s\n", side_name(sides[si]),
                    spread(ratio[0][si], "%.2f").c_str(), spread(ratio[1][si], "%.2f").c_str());
    {
        bench::ProductFloor f(floor_path, false);
        const auto who = pick_members(o.members, 200, 7);
        for (std::size_t i = 0; i < who.size(); ++i)
            f.checkout(phone_of(who[i]), "W-" + std::to_string(i), 5, 70);
        const double floor_pages = static_cast<double>(f.checkpoint()) / 200.0;
        std::printf("\n  WAL pages per checkout: product floor %.1f, libloyalty %.1f\n",
                    floor_pages, library_pages(path, o.members, 200));
    }

    db = open_db(path, LOY_DURABILITY_NORMAL);
    Stats refund;
    for (std::size_t i = 0; i < sales.size() && i < 500; ++i) {
        std::string key = "RF-" + std::to_string(i);
        refund.add(time_us([&] {
            loy_receipt* r = nullptr;
            check(loy_refund_sale(db, sales[i], nullptr, key.c_str(), &r, &err), "refund");
            loy_receipt_free(r);
        }));
    }
    refund.print("refund (whole sale)");
    loy_close(db);
    const std::int64_t to_import = std::min<std::int64_t>(o.members, 100000);
    const double imports = import_rate(o.dir + "/import.db", to_import);
    std::printf("  %-34s %lld members in one CSV: %.0f members/s\n", "member import",
                static_cast<long long>(to_import), imports);

    db = open_db(path, LOY_DURABILITY_NORMAL);
    t = Clock::now();
    int64_t lots = 0, points = 0;
    check(loy_points_expire(db, 0, &lots, &points, &err), "expire");
    const double sweep_s = ms_since(t) / 1000.0;
    std::printf("  %-34s %lld lots in %.2f s = %.0f lots/s\n", "expiry sweep",
                static_cast<long long>(lots), sweep_s,
                static_cast<double>(lots) / std::max(sweep_s, 1e-9));
    struct Report {
        const char* name;
        std::function<void()> run;
    };
    std::vector<Report> reports = {
        {"reward report",
         [&] {
             loy_table* tb = nullptr;
             check(loy_reward_report(db, 0, 0, &tb, &err), "report");
             loy_table_free(tb);
         }},
        {"partner settlement",
         [&] {
             loy_table* tb = nullptr;
             check(loy_partner_settlement(db, nullptr, 0, 0, &tb, &err), "settlement");
             loy_table_free(tb);
         }},
    };
    // The manager reports over everything in the file, a year grouped by Jalali month.
    for (const char* name : {"overview", "sales", "points", "liability", "top_members", "branches",
                             "rules", "segments"}) {
        reports.push_back({name, [&db, name] {
                               loy_report_options ro;
                               loy_report_options_init(&ro);
                               ro.group_by = LOY_GROUP_MONTH;
                               ro.calendar = LOY_CALENDAR_JALALI;
                               loy_table* tb = nullptr;
                               check(loy_report(db, name, &ro, &tb, &err), name);
                               loy_table_free(tb);
                           }});
    }
    for (auto& r : reports) {
        double ms = time_us(r.run) / 1000.0;
        std::printf("  %-34s %.1f ms\n", r.name, ms);
    }
    loy_close(db);

    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    std::printf("\nsummary:\n");
    std::printf("  ratio to the product floor, NORMAL: %.2f  (target >= 0.5)\n",
                median_of(ratio[0][2]));
    std::printf("  ratio to the product floor, FULL:   %.2f  (target >= 0.8)\n",
                median_of(ratio[1][2]));
    std::printf("  checkout p99 at NORMAL:             %.0f us (target <= 1000)\n",
                lat[0][2].pct(99));
    std::printf("  lookup flatness @full / @100k:      %.2f  (target <= 1.2)\n", flat);
    std::printf("  member import:                      %.0f members/s (target >= 50000)\n",
                imports);
    std::printf(
        "  file bytes per ledger entry:        %.0f  (target <= 200)\n",
        static_cast<double>(bytes) / static_cast<double>(std::max<std::int64_t>(1, o.entries)));
    std::printf("  peak RSS:                           %.1f MB\n",
                static_cast<double>(ru.ru_maxrss) / 1024.0);
    table_bytes(path);
    return 0;
}
