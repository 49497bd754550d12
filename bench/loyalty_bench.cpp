// libloyalty benchmark: builds a realistic database, measures the till's operations through the
// C ABI, and compares the checkout with the least any implementation must do on raw SQLite.
//
//   loyalty_bench [--members N] [--entries N] [--checkouts N] [--dir DIR] [--quick]
//
// Defaults are the full scale (1,000,000 members, 10,000,000 ledger entries); --quick is a
// small run that CI uses so the program cannot rot. It prints its figures; it asserts nothing
// about speed.
#include <loyalty/loyalty.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::int64_t members = 1000000;
    std::int64_t entries = 10000000;
    int checkouts = 2000;
    std::string dir = ".";
};

constexpr std::int64_t kDay = 86400000;
constexpr std::int64_t kNow = 1795242600000LL;  // 2026-11-21 10:00 Tehran
constexpr std::int64_t kNever = INT64_MAX;

loy_error err;

void check(int32_t st, const char* what) {
    if (st != LOY_OK) {
        std::fprintf(stderr, "%s failed: %s %s\n", what, loy_status_name(st), err.message);
        std::exit(1);
    }
}

void sql(sqlite3* db, const std::string& s) {
    char* msg = nullptr;
    if (sqlite3_exec(db, s.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
        std::fprintf(stderr, "sql failed: %s\n  %s\n", msg ? msg : "?", s.c_str());
        std::exit(1);
    }
}

std::string phone_of(std::int64_t i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "+98912%07lld", static_cast<long long>(i));
    return buf;
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

loy_db* open_db(const std::string& path, int32_t durability) {
    loy_open_options o;
    loy_open_options_init(&o);
    o.path = path.c_str();
    o.durability = durability;
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
    sqlite3_stmt *led = nullptr, *lot = nullptr, *bal = nullptr;
    sqlite3_prepare_v2(
        db,
        "INSERT INTO ledger(id, origin, member_id, kind, points, reason, program_version, "
        "created_at, source) VALUES (?, 1, ?, 1, ?, 'purchase', 1, ?, 'purchase')",
        -1, &led, nullptr);
    sqlite3_prepare_v2(
        db,
        "INSERT INTO lots(member_id, entry_id, points, remaining, available_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        -1, &lot, nullptr);
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
            sqlite3_bind_int64(led, 1, e + 1);
            sqlite3_bind_int64(led, 2, member);
            sqlite3_bind_int64(led, 3, pts);
            sqlite3_bind_int64(led, 4, at);
            sqlite3_step(led);
            sqlite3_reset(led);
            sqlite3_bind_int64(lot, 1, member);
            sqlite3_bind_int64(lot, 2, e + 1);
            sqlite3_bind_int64(lot, 3, pts);
            sqlite3_bind_int64(lot, 4, pts);
            sqlite3_bind_int64(lot, 5, at);
            sqlite3_bind_int64(lot, 6, at + 365 * kDay);  // half of them are past their date
            sqlite3_step(lot);
            sqlite3_reset(lot);
            sqlite3_bind_int64(bal, 1, member);
            sqlite3_bind_int64(bal, 2, pts);
            sqlite3_step(bal);
            sqlite3_reset(bal);
        }
        sql(db, "COMMIT");
    }
    sqlite3_finalize(led);
    sqlite3_finalize(lot);
    sqlite3_finalize(bal);
    sql(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_close(db);
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

loy_basket* bench_basket(std::int64_t member, int variant) {
    loy_basket* b = nullptr;
    check(loy_basket_new(&b, &err), "basket");
    check(loy_basket_set_member(b, member, &err), "member");
    check(loy_basket_set_context(b, "R", "branch-1", "T1", "cashier", &err), "context");
    for (int l = 0; l < 5; ++l) {
        std::string sku = "SKU-" + std::to_string((variant * 7 + l * 31) % 300);
        std::string cat = "cat-" + std::to_string((variant + l) % 40);
        check(loy_basket_add_line(b, sku.c_str(), cat.c_str(), 1000 + 250 * l, 45000 + 10000 * l, 0,
                                  nullptr, &err),
              "line");
    }
    check(loy_basket_add_coupon(b, "BENCH5", &err), "coupon");
    check(loy_basket_redeem_points(b, 5, &err), "redeem");
    return b;
}

// The floor: find the member by phone, insert one ledger row with a unique key, update the
// balance, commit — nothing else.
double floor_rate(const std::string& path, std::int64_t members, int n, bool full, Stats& st) {
    std::remove(path.c_str());
    std::remove((path + "-wal").c_str());
    std::remove((path + "-shm").c_str());
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sql(db, "PRAGMA journal_mode=WAL");
    sql(db,
        "CREATE TABLE members(id INTEGER PRIMARY KEY, phone TEXT UNIQUE, balance INTEGER NOT "
        "NULL)");
    sql(db,
        "CREATE TABLE ledger(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, member_id INTEGER "
        "NOT NULL, "
        "points INTEGER NOT NULL)");
    sql(db, "PRAGMA synchronous=OFF");
    sql(db, "BEGIN");
    sqlite3_stmt* ins = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO members(id, phone, balance) VALUES (?, ?, 100)", -1, &ins,
                       nullptr);
    for (std::int64_t i = 1; i <= members; ++i) {
        std::string ph = phone_of(i);
        sqlite3_bind_int64(ins, 1, i);
        sqlite3_bind_text(ins, 2, ph.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_step(ins);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sql(db, "COMMIT");
    sql(db, full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    sqlite3_stmt *find = nullptr, *led = nullptr, *upd = nullptr, *begin = nullptr,
                 *commit = nullptr;
    sqlite3_prepare_v2(db, "SELECT id FROM members WHERE phone=?", -1, &find, nullptr);
    sqlite3_prepare_v2(db, "INSERT INTO ledger(key, member_id, points) VALUES (?, ?, ?)", -1, &led,
                       nullptr);
    sqlite3_prepare_v2(db, "UPDATE members SET balance = balance + ? WHERE id=?", -1, &upd,
                       nullptr);
    sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, nullptr);
    sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr);
    std::mt19937_64 rng(11);
    auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) {
        std::string ph =
            phone_of(1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(members)));
        std::string key = "T1-R" + std::to_string(i);
        st.add(time_us([&] {
            sqlite3_step(begin);
            sqlite3_reset(begin);
            sqlite3_bind_text(find, 1, ph.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_step(find);
            std::int64_t id = sqlite3_column_int64(find, 0);
            sqlite3_reset(find);
            sqlite3_bind_text(led, 1, key.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(led, 2, id);
            sqlite3_bind_int64(led, 3, 10);
            sqlite3_step(led);
            sqlite3_reset(led);
            sqlite3_bind_int64(upd, 1, 10);
            sqlite3_bind_int64(upd, 2, id);
            sqlite3_step(upd);
            sqlite3_reset(upd);
            sqlite3_step(commit);
            sqlite3_reset(commit);
        }));
    }
    double secs = ms_since(t0) / 1000.0;
    for (auto* s : {find, led, upd, begin, commit})
        sqlite3_finalize(s);
    sqlite3_close(db);
    return n / secs;
}

// Quote + commit of the 5-line basket (category multiplier, tier, coupon, points tender).
double checkout_rate(loy_db* db, std::int64_t members, int n, const std::string& prefix, Stats& st,
                     std::vector<std::int64_t>* sales) {
    std::mt19937_64 rng(13);
    auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) {
        std::int64_t member =
            1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(members));
        std::string key = prefix + std::to_string(i);
        st.add(time_us([&] {
            loy_basket* b = bench_basket(member, i);
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
    return n / (ms_since(t0) / 1000.0);
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
        else if (a == "--dir")
            o.dir = next();
        else if (a == "--quick") {
            o.members = 20000;
            o.entries = 200000;
            o.checkouts = 300;
        } else {
            std::fprintf(stderr,
                         "usage: loyalty_bench [--members N] [--entries N] [--checkouts N] [--dir "
                         "D] [--quick]\n");
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
        for (int i = 0; i < o.checkouts; ++i) {
            std::int64_t member =
                1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(o.members));
            loy_basket* b = bench_basket(member, i);
            quote.add(time_us([&] {
                loy_quote* q = nullptr;
                check(loy_quote_basket(db, b, &q, &err), "quote");
                loy_quote_free(q);
            }));
            loy_basket_free(b);
        }
    }
    quote.print("quote (5 lines, coupon, tier, redeem)");
    Stats normal;
    std::vector<std::int64_t> sales;
    const double ours_normal = checkout_rate(db, o.members, o.checkouts, "N-", normal, &sales);
    normal.print("checkout quote+commit NORMAL");
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

    db = open_db(path, LOY_DURABILITY_FULL);
    Stats full;
    const double ours_full =
        checkout_rate(db, o.members, std::max(50, o.checkouts / 4), "F-", full, nullptr);
    full.print("checkout quote+commit FULL");
    loy_close(db);

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

    std::printf(
        "\nthe floor (raw SQLite: find by phone, insert one keyed row, update balance, commit):\n");
    Stats fl_full, fl_normal;
    const std::string floor_path = o.dir + "/floor.db";
    const double floor_full =
        floor_rate(floor_path, o.members, std::max(50, o.checkouts / 4), true, fl_full);
    fl_full.print("floor FULL");
    const double floor_normal = floor_rate(floor_path, o.members, o.checkouts, false, fl_normal);
    fl_normal.print("floor NORMAL");

    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    std::printf("\nsummary:\n");
    std::printf("  ratio = ours / floor at FULL:   %.2f  (target >= 0.8)\n",
                ours_full / floor_full);
    std::printf("  ratio = ours / floor at NORMAL: %.2f  (target >= 0.4)\n",
                ours_normal / floor_normal);
    std::printf("  checkout p99 at NORMAL:         %.0f us (target <= 1000)\n", normal.pct(99));
    std::printf("  lookup flatness @full / @100k:  %.2f  (target <= 1.2)\n", flat);
    std::printf(
        "  file bytes per ledger entry:    %.0f  (target <= 200)\n",
        static_cast<double>(bytes) / static_cast<double>(std::max<std::int64_t>(1, o.entries)));
    std::printf("  peak RSS:                       %.1f MB\n",
                static_cast<double>(ru.ru_maxrss) / 1024.0);
    table_bytes(path);
    return 0;
}
