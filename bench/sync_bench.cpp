// The chain's sync, measured (docs/performance.md, "The chain's sync"), against PostgreSQL
// (started by bench/sync_bench.sh). Each measurement but the first runs on a database of its
// own, made from the authority's empty template, so that one measurement's records do not slow
// the next:
//   push/pull   a till writes N records (a tenth enrolments, the rest sales), one round pushes
//               them, another till's round pulls and applies them; new writer each round;
//   batch       records/s of one till's round by batch size (interleaved, rounds, medians);
//   tills       K tills' rounds at once, K = 1, 2, 4: records/s pushed, and moved (each also
//               pulls the others' records, as in a real chain);
//   lag         commit to visible: a sale at till A, A's round, B's round, until B sees it;
//   catch-up    a till back after a day offline: its day's sales out, three other tills' in;
//   first load  a new till's first round in a chain of M members (imported at the head office);
//   p99         checkout latency at a till with and without its sync running beside it (another
//               connection to the same file, as loyalty-syncd is) while another till sells and
//               syncs, interleaved.
//
//   sync_bench --conninfo CONNINFO --admin CONNINFO --dir DIR [--records N] [--rounds R]
//              [--batch B] [--members M] [--day D] [--quick] [--only NAME]
//   (--admin: the owner's conninfo to the maintenance database, to make databases; CONNINFO
//    without a dbname.)
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "loyalty/sync.h"

namespace {

const char* kProgramme =
    R"({"name":"Bench","currency":"IRT","utc_offset_minutes":210,)"
    R"("spend":[{"id":"base","name":"1 per 1000","points":1,"per":1000,"rounding":"floor"}],)"
    R"("redeem":{"point_value":"100","min_points":1,"max_share":"0.5"}})";

[[noreturn]] void die(const char* what, const loy_error& e) {
    std::fprintf(stderr, "sync_bench: %s: %s: %s\n", what, loy_status_name(e.code), e.message);
    std::exit(1);
}

loy_db* open_till(const std::string& path, const std::string& origin, bool fresh = true) {
    if (fresh) {
        std::remove(path.c_str());
        std::remove((path + "-wal").c_str());
        std::remove((path + "-shm").c_str());
    }
    loy_error e;
    loy_error_init(&e);
    loy_open_options o;
    loy_open_options_init(&o);
    o.path = path.c_str();
    o.origin = origin.c_str();
    o.default_currency = "IRT";
    o.durability = LOY_DURABILITY_NORMAL;
    loy_db* db = nullptr;
    if (loy_open(&o, &db, &e) != LOY_OK) die("open", e);
    if (fresh && loy_program_load_json(db, kProgramme, nullptr, &e) != LOY_OK) die("programme", e);
    return db;
}

loy_sync* sync_of(loy_db* db, const std::string& conninfo, int batch) {
    loy_error e;
    loy_error_init(&e);
    loy_sync_options o;
    loy_sync_options_init(&o);
    o.conninfo = conninfo.c_str();
    o.batch_records = batch;
    loy_sync* s = nullptr;
    if (loy_sync_open(db, &o, &s, &e) != LOY_OK) die("sync", e);
    return s;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// One sale of one line (`quantity_milli` at `price`) to member `id` under key `key`: its latency
// in microseconds.
double sell(loy_db* db, std::int64_t id, std::int64_t quantity_milli, std::int64_t price,
            const std::string& key) {
    loy_error e;
    loy_error_init(&e);
    const auto t0 = std::chrono::steady_clock::now();
    loy_basket* b = nullptr;
    loy_basket_new(&b, &e);
    loy_basket_set_member(b, id, &e);
    loy_basket_add_line(b, "TEA", "drinks", quantity_milli, price, 0, nullptr, &e);
    loy_receipt* rc = nullptr;
    if (loy_commit(db, b, key.c_str(), &rc, &e) != LOY_OK) die("commit", e);
    loy_receipt_free(rc);
    loy_basket_free(b);
    return 1e6 * seconds_since(t0);
}

// A till's day: `members` enrolments (phones of its own per round), then sales spread over them
// until `records` records.
void write_day(loy_db* db, int records, int round) {
    loy_error e;
    loy_error_init(&e);
    const int members = std::max(1, records / 10);
    std::vector<std::int64_t> ids;
    for (int i = 0; i < members; ++i) {
        loy_member_fields f;
        loy_member_fields_init(&f);
        const std::string phone = "0912" + std::to_string(1000000 + round * 100000 + i);
        f.phone = phone.c_str();
        loy_member* m = nullptr;
        if (loy_member_enrol(db, &f,
                             ("e" + std::to_string(round) + "-" + std::to_string(i)).c_str(), &m,
                             &e) != LOY_OK)
            die("enrol", e);
        ids.push_back(loy_member_id(m));
        loy_member_free(m);
    }
    for (int i = 0; i < records - members; ++i)
        sell(db, ids[static_cast<std::size_t>(i) % ids.size()], 2000, 45000,
             "s" + std::to_string(round) + "-" + std::to_string(i));
}

struct Stat {
    std::vector<double> v;
    double median() const {
        auto s = v;
        std::sort(s.begin(), s.end());
        return s.empty() ? 0 : s[s.size() / 2];
    }
    double lo() const { return v.empty() ? 0 : *std::min_element(v.begin(), v.end()); }
    double hi() const { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }
};

struct Config {
    std::string conninfo, admin, dir = "/tmp";
    int records = 2000, rounds = 5, batch = 500, members = 20000, day = 1000;
    bool quick = false;
    std::string only;  // one measurement's name, or all
};

// A database of the measurement's own, made from the authority's empty template (`loyalty`):
// its conninfo.
std::string fresh_database(const Config& c, const std::string& name) {
    PGconn* conn = PQconnectdb(c.admin.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
        std::fprintf(stderr, "sync_bench: --admin: %s", PQerrorMessage(conn));
        std::exit(1);
    }
    for (const std::string& sql :
         {"DROP DATABASE IF EXISTS " + name, "CREATE DATABASE " + name + " TEMPLATE loyalty"}) {
        PGresult* r = PQexec(conn, sql.c_str());
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            std::fprintf(stderr, "sync_bench: %s: %s", sql.c_str(), PQerrorMessage(conn));
            std::exit(1);
        }
        PQclear(r);
    }
    PQfinish(conn);
    return c.conninfo + " dbname=" + name;
}

struct Till {
    loy_db* db = nullptr;
    loy_sync* sync = nullptr;
    void close() {
        loy_sync_close(sync);
        loy_close(db);
        sync = nullptr;
        db = nullptr;
    }
};

Till till(const Config& c, const std::string& conninfo, const std::string& name, int batch) {
    Till t;
    t.db = open_till(c.dir + "/" + name + ".db", name);
    t.sync = sync_of(t.db, conninfo, batch);
    return t;
}

loy_sync_report round(loy_sync* s, const char* what) {
    loy_error e;
    loy_error_init(&e);
    loy_sync_report r;
    loy_sync_report_init(&r);
    if (loy_sync_run_once(s, &r, &e) != LOY_OK) die(what, e);
    return r;
}

void push_and_pull(const Config& c) {
    const int records = c.records;
    std::printf(
        "sync: %d records a round (a tenth enrolments, the rest sales), batches of %d, "
        "%d rounds\n",
        records, c.batch, c.rounds);
    std::printf("%-6s %12s %12s %12s %12s\n", "round", "push rec/s", "push ms/rec", "pull rec/s",
                "pull ms/rec");
    const std::string conninfo = fresh_database(c, "bench_pushpull");
    Stat push, pull;
    loy_db* b = open_till(c.dir + "/bench-b.db", "bench-reader");
    loy_sync* sb = sync_of(b, conninfo, c.batch);
    for (int r = 1; r <= c.rounds; ++r) {
        loy_db* a = open_till(c.dir + "/bench-a.db", "bench-writer-" + std::to_string(r));
        loy_sync* sa = sync_of(a, conninfo, c.batch);
        // The new till first takes what the chain holds (not measured), so that the measured
        // round is its own records' push.
        round(sa, "first round");
        write_day(a, records, r);
        auto t = std::chrono::steady_clock::now();
        loy_sync_report rep = round(sa, "push");
        const double tp = seconds_since(t);
        if (rep.pushed != records) {
            std::fprintf(stderr, "sync_bench: pushed %lld of %d records\n",
                         static_cast<long long>(rep.pushed), records);
            std::exit(1);
        }
        t = std::chrono::steady_clock::now();
        rep = round(sb, "pull");
        const double tl = seconds_since(t);
        push.v.push_back(records / tp);
        pull.v.push_back(static_cast<double>(rep.pulled) / tl);
        std::printf("%-6d %12.0f %12.3f %12.0f %12.3f   (pulled %lld)\n", r, records / tp,
                    1000 * tp / records, static_cast<double>(rep.pulled) / tl,
                    1000 * tl / static_cast<double>(rep.pulled),
                    static_cast<long long>(rep.pulled));
        loy_sync_close(sa);
        loy_close(a);
    }
    loy_sync_close(sb);
    loy_close(b);
    std::printf(
        "median push %.0f records/s (%.0f-%.0f), pull and apply %.0f records/s "
        "(%.0f-%.0f)\n",
        push.median(), push.lo(), push.hi(), pull.median(), pull.lo(), pull.hi());
}

// One till's round of `records` records, on a database of its own, by batch size.
void by_batch(const Config& c) {
    const std::vector<int> sizes = {50, 500, 5000};
    std::vector<Stat> rate(sizes.size());
    for (int r = 1; r <= c.rounds; ++r)
        for (std::size_t k = 0; k < sizes.size(); ++k) {
            const std::string name = "bench_batch_" + std::to_string(k);
            Till t = till(c, fresh_database(c, name), name, sizes[k]);
            write_day(t.db, c.records, r);
            const auto t0 = std::chrono::steady_clock::now();
            const loy_sync_report rep = round(t.sync, "push");
            rate[k].v.push_back(static_cast<double>(rep.pushed) / seconds_since(t0));
            t.close();
        }
    std::printf("push by batch size (%d records, %d rounds interleaved): ", c.records, c.rounds);
    for (std::size_t k = 0; k < sizes.size(); ++k)
        std::printf("%s%d: %.0f records/s (%.0f-%.0f)", k ? "; " : "", sizes[k], rate[k].median(),
                    rate[k].lo(), rate[k].hi());
    std::printf("\n");
}

// K tills' rounds at once, each with `records` records of its own to push (and the others' to
// pull, as in a real chain): the records pushed a second, and all moved (pushed and pulled).
void by_tills(const Config& c) {
    const std::vector<int> counts = {1, 2, 4};
    std::vector<Stat> pushed_rate(counts.size()), moved_rate(counts.size());
    for (int r = 1; r <= c.rounds; ++r)
        for (std::size_t k = 0; k < counts.size(); ++k) {
            const std::string conninfo = fresh_database(c, "bench_tills");
            std::vector<Till> tills;
            for (int i = 0; i < counts[k]; ++i) {
                tills.push_back(till(c, conninfo, "bench-till-" + std::to_string(i), c.batch));
                write_day(tills.back().db, c.records, r * 10 + i);
            }
            const auto t0 = std::chrono::steady_clock::now();
            std::vector<std::thread> threads;
            std::atomic<long long> pushed{0}, pulled{0};
            for (auto& t : tills)
                threads.emplace_back([&t, &pushed, &pulled] {
                    const loy_sync_report rep = round(t.sync, "push");
                    pushed += rep.pushed;
                    pulled += rep.pulled;
                });
            for (auto& th : threads)
                th.join();
            const double s = seconds_since(t0);
            pushed_rate[k].v.push_back(static_cast<double>(pushed.load()) / s);
            moved_rate[k].v.push_back(static_cast<double>(pushed.load() + pulled.load()) / s);
            for (auto& t : tills)
                t.close();
        }
    std::printf("tills syncing at once (%d records each to push; records/s pushed, and moved):",
                c.records);
    for (std::size_t k = 0; k < counts.size(); ++k)
        std::printf("%s %d: %.0f (%.0f-%.0f), %.0f moved", k ? ";" : "", counts[k],
                    pushed_rate[k].median(), pushed_rate[k].lo(), pushed_rate[k].hi(),
                    moved_rate[k].median());
    std::printf("\n");
}

// Commit to visible: a sale at A, A's round, B's round; B sees the member's new balance.
void lag(const Config& c) {
    const std::string conninfo = fresh_database(c, "bench_lag");
    Till a = till(c, conninfo, "lag-a", c.batch), b = till(c, conninfo, "lag-b", c.batch);
    write_day(a.db, 20, 1);  // two members and their sales
    round(a.sync, "lag: first round");
    round(b.sync, "lag: first round");
    loy_error e;
    loy_error_init(&e);
    Stat ms;
    const int samples = c.quick ? 30 : 200;
    for (int i = 0; i < samples; ++i) {
        loy_member* m = nullptr;
        if (loy_member_find_by_phone(b.db, "09121100000", &m, &e) != LOY_OK) die("lag: find", e);
        const std::int64_t before = loy_member_balance(m);
        const std::string uid = loy_member_uid(m);
        loy_member_free(m);
        const auto t0 = std::chrono::steady_clock::now();
        loy_member* ma = nullptr;
        if (loy_member_find_by_uid(a.db, uid.c_str(), &ma, &e) != LOY_OK) die("lag: find", e);
        sell(a.db, loy_member_id(ma), 1000, 10000, "lag" + std::to_string(i));
        loy_member_free(ma);
        round(a.sync, "lag: push");
        round(b.sync, "lag: pull");
        m = nullptr;
        if (loy_member_find_by_phone(b.db, "09121100000", &m, &e) != LOY_OK) die("lag: find", e);
        const std::int64_t after = loy_member_balance(m);
        loy_member_free(m);
        if (after != before + 10) {
            std::fprintf(stderr, "sync_bench: lag: B saw %lld, not %lld\n",
                         static_cast<long long>(after), static_cast<long long>(before + 10));
            std::exit(1);
        }
        ms.v.push_back(1000 * seconds_since(t0));
    }
    auto sorted = ms.v;
    std::sort(sorted.begin(), sorted.end());
    std::printf(
        "commit to visible at another till (commit, a round at each, %d sales): median %.1f ms, "
        "p99 %.1f ms, max %.1f ms (plus the daemons' intervals)\n",
        samples, ms.median(), sorted[sorted.size() * 99 / 100], ms.hi());
    a.close();
    b.close();
}

// A till back after a day offline: its day's sales go out, three other tills' days come in.
void catch_up(const Config& c) {
    const std::string conninfo = fresh_database(c, "bench_catchup");
    Till away = till(c, conninfo, "away", c.batch);
    write_day(away.db, 20, 2);
    round(away.sync, "catch-up: first round");
    for (int i = 0; i < 3; ++i) {
        Till other = till(c, conninfo, "online-" + std::to_string(i), c.batch);
        round(other.sync, "catch-up: first round");
        write_day(other.db, c.day, 3 + i);
        round(other.sync, "catch-up: other till's day");
        other.close();
    }
    write_day(away.db, c.day, 7);
    const auto t0 = std::chrono::steady_clock::now();
    const loy_sync_report rep = round(away.sync, "catch-up");
    const double s = seconds_since(t0);
    std::printf(
        "catch-up after a day offline: %lld records out, %lld in (three other tills' days of %d "
        "records) in %.2f s\n",
        static_cast<long long>(rep.pushed), static_cast<long long>(rep.pulled), c.day, s);
    away.close();
}

// A new till's first round in a chain whose head office imported `members` members.
void first_load(const Config& c) {
    const std::string conninfo = fresh_database(c, "bench_firstload");
    Till hq = till(c, conninfo, "hq", c.batch);
    loy_error e;
    loy_error_init(&e);
    const auto t0 = std::chrono::steady_clock::now();
    const int chunk = 1000;
    for (int done = 0; done < c.members; done += chunk) {
        std::string csv = "phone,name\n";
        for (int i = done; i < std::min(c.members, done + chunk); ++i)
            csv += "0913" + std::to_string(1000000 + i) + ",Member " + std::to_string(i) + "\n";
        std::int64_t rows = 0, imported = 0;
        if (loy_members_import_csv(hq.db, csv.c_str(), 0, &rows, &imported, nullptr, &e) != LOY_OK)
            die("first load: import", e);
    }
    const double imported_s = seconds_since(t0);
    const auto t1 = std::chrono::steady_clock::now();
    const loy_sync_report up = round(hq.sync, "first load: head office");
    const double pushed_s = seconds_since(t1);
    Till fresh = till(c, conninfo, "new-till", c.batch);
    const auto t2 = std::chrono::steady_clock::now();
    const loy_sync_report rep = round(fresh.sync, "first load");
    const double s = seconds_since(t2);
    loy_member* m = nullptr;
    const std::string last = "0913" + std::to_string(1000000 + c.members - 1);
    if (loy_member_find_by_phone(fresh.db, last.c_str(), &m, &e) != LOY_OK)
        die("first load: the last member is not at the new till", e);
    loy_member_free(m);
    std::printf(
        "first load of %d members: imported at the head office in %.1f s, pushed (%lld records) "
        "in %.1f s; a new till's first round took %lld records and %lld profiles in %.1f s "
        "(%.0f members/s)\n",
        c.members, imported_s, static_cast<long long>(up.pushed), pushed_s,
        static_cast<long long>(rep.pulled), static_cast<long long>(rep.profiles), s, c.members / s);
    hq.close();
    fresh.close();
}

// The ids of the members write_day enrolled at `db` in `round` (`count` of them).
std::vector<std::int64_t> members_of(loy_db* db, int round, int count) {
    loy_error e;
    loy_error_init(&e);
    std::vector<std::int64_t> ids;
    for (int i = 0; i < count; ++i) {
        loy_member* m = nullptr;
        const std::string phone = "0912" + std::to_string(1000000 + round * 100000 + i);
        if (loy_member_find_by_phone(db, phone.c_str(), &m, &e) != LOY_OK) die("find", e);
        ids.push_back(loy_member_id(m));
        loy_member_free(m);
    }
    return ids;
}

// Checkout latency at a till, with and without its sync running beside it.
void p99_while_syncing(const Config& c) {
    const std::string conninfo = fresh_database(c, "bench_p99");
    Till t = till(c, conninfo, "p99-till", c.batch);
    write_day(t.db, 200, 8);  // 20 members
    round(t.sync, "p99: first round");
    loy_db* beside = open_till(c.dir + "/p99-till.db", "p99-till", false);
    loy_sync* beside_sync = sync_of(beside, conninfo, c.batch);
    Till other = till(c, conninfo, "p99-other", c.batch);
    write_day(other.db, 200, 9);
    round(other.sync, "p99: first round");
    const std::vector<std::int64_t> ids = members_of(t.db, 8, 20);
    const std::vector<std::int64_t> theirs = members_of(other.db, 9, 20);
    const int sales = c.quick ? 300 : 2000;
    Stat p50[2], p99[2];
    int key = 0;
    for (int r = 1; r <= c.rounds; ++r)
        for (int syncing = 0; syncing < 2; ++syncing) {
            std::atomic<bool> stop{false};
            std::thread beside_thread;
            if (syncing)
                beside_thread = std::thread([&] {
                    // The other till sells and syncs, and this till's sync runs, all the time.
                    for (int k = 0; !stop.load(); ++k) {
                        for (int i = 0; i < 20; ++i)
                            sell(other.db, theirs[static_cast<std::size_t>(i)], 1000, 25000,
                                 "o-" + std::to_string(r) + "-" + std::to_string(k) + "-" +
                                     std::to_string(i));
                        round(other.sync, "p99: other till");
                        round(beside_sync, "p99: this till's sync");
                    }
                });
            std::vector<double> us;
            for (int i = 0; i < sales; ++i)
                us.push_back(sell(t.db, ids[static_cast<std::size_t>(i) % ids.size()], 1000, 25000,
                                  "p99-" + std::to_string(key++)));
            stop = true;
            if (beside_thread.joinable()) beside_thread.join();
            std::sort(us.begin(), us.end());
            p50[syncing].v.push_back(us[us.size() / 2]);
            p99[syncing].v.push_back(us[us.size() * 99 / 100]);
        }
    std::printf(
        "checkout at a till (%d sales a round, %d rounds interleaved, medians): without sync p50 "
        "%.0f us, p99 %.0f us (%.0f-%.0f); while syncing p50 %.0f us, p99 %.0f us (%.0f-%.0f)\n",
        sales, c.rounds, p50[0].median(), p99[0].median(), p99[0].lo(), p99[0].hi(),
        p50[1].median(), p99[1].median(), p99[1].lo(), p99[1].hi());
    loy_sync_close(beside_sync);
    loy_close(beside);
    other.close();
    t.close();
}

}  // namespace

int main(int argc, char** argv) {
    Config c;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool more = i + 1 < argc;
        if (a == "--conninfo" && more)
            c.conninfo = argv[++i];
        else if (a == "--admin" && more)
            c.admin = argv[++i];
        else if (a == "--dir" && more)
            c.dir = argv[++i];
        else if (a == "--records" && more)
            c.records = std::atoi(argv[++i]);
        else if (a == "--rounds" && more)
            c.rounds = std::atoi(argv[++i]);
        else if (a == "--batch" && more)
            c.batch = std::atoi(argv[++i]);
        else if (a == "--members" && more)
            c.members = std::atoi(argv[++i]);
        else if (a == "--day" && more)
            c.day = std::atoi(argv[++i]);
        else if (a == "--quick")
            c.quick = true;
        else if (a == "--only" && more)
            c.only = argv[++i];
        else {
            std::fprintf(
                stderr,
                "usage: sync_bench --conninfo C --admin C --dir D [--records N] "
                "[--rounds R] [--batch B] [--members M] [--day D] [--quick] [--only NAME]\n");
            return 2;
        }
    }
    if (c.conninfo.empty() || c.admin.empty() || c.records < 10 || c.rounds < 1 || c.members < 1 ||
        c.day < 10)
        return 2;
    const std::vector<std::pair<const char*, void (*)(const Config&)>> all = {
        {"push", push_and_pull},   {"batch", by_batch},
        {"tills", by_tills},       {"lag", lag},
        {"catch-up", catch_up},    {"first-load", first_load},
        {"p99", p99_while_syncing}};
    bool ran = false;
    for (const auto& [name, run] : all)
        if (c.only.empty() || c.only == name) {
            run(c);
            ran = true;
        }
    if (!ran) {
        std::fprintf(stderr,
                     "sync_bench: --only push, batch, tills, lag, catch-up, first-load "
                     "or p99\n");
        return 2;
    }
    return 0;
}
