// The chain's sync, measured (docs/performance.md, "The chain"): a till writes N records (a tenth
// enrolments, the rest sales), then one round pushes them to the authority (PostgreSQL, started
// by bench/sync_bench.sh) and another till's round pulls and applies them. Each round of the
// benchmark has a new writing till (which first takes what the chain holds, unmeasured) and the
// same reading till, so every round moves the same N records each way; the figures are records
// per second, per round and as medians with their range.
//
//   sync_bench --conninfo CONNINFO --dir DIR [--records N] [--rounds R] [--batch B]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
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

loy_db* open_till(const std::string& path, const std::string& origin) {
    std::remove(path.c_str());
    std::remove((path + "-wal").c_str());
    std::remove((path + "-shm").c_str());
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
    if (loy_program_load_json(db, kProgramme, nullptr, &e) != LOY_OK) die("programme", e);
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
        if (loy_member_enrol(db, &f, ("e" + std::to_string(i)).c_str(), &m, &e) != LOY_OK)
            die("enrol", e);
        ids.push_back(loy_member_id(m));
        loy_member_free(m);
    }
    for (int i = 0; i < records - members; ++i) {
        loy_basket* b = nullptr;
        loy_basket_new(&b, &e);
        loy_basket_set_member(b, ids[static_cast<std::size_t>(i) % ids.size()], &e);
        loy_basket_add_line(b, "TEA", "drinks", 2000, 45000, 0, nullptr, &e);
        loy_receipt* r = nullptr;
        if (loy_commit(db, b, ("s" + std::to_string(i)).c_str(), &r, &e) != LOY_OK)
            die("commit", e);
        loy_receipt_free(r);
        loy_basket_free(b);
    }
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
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

}  // namespace

int main(int argc, char** argv) {
    std::string conninfo, dir = "/tmp";
    int records = 2000, rounds = 5, batch = 500;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--conninfo" && i + 1 < argc)
            conninfo = argv[++i];
        else if (a == "--dir" && i + 1 < argc)
            dir = argv[++i];
        else if (a == "--records" && i + 1 < argc)
            records = std::atoi(argv[++i]);
        else if (a == "--rounds" && i + 1 < argc)
            rounds = std::atoi(argv[++i]);
        else if (a == "--batch" && i + 1 < argc)
            batch = std::atoi(argv[++i]);
        else {
            std::fprintf(stderr,
                         "usage: sync_bench --conninfo C --dir D [--records N] [--rounds R] "
                         "[--batch B]\n");
            return 2;
        }
    }
    if (conninfo.empty() || records < 10 || rounds < 1) return 2;
    std::printf(
        "sync: %d records a round (a tenth enrolments, the rest sales), batches of %d, "
        "%d rounds\n",
        records, batch, rounds);
    std::printf("%-6s %12s %12s %12s %12s\n", "round", "push rec/s", "push ms/rec", "pull rec/s",
                "pull ms/rec");
    Stat push, pull;
    loy_db* b = open_till(dir + "/bench-b.db", "bench-reader");
    loy_sync* sb = sync_of(b, conninfo, batch);
    for (int round = 1; round <= rounds; ++round) {
        loy_db* a = open_till(dir + "/bench-a.db", "bench-writer-" + std::to_string(round));
        loy_sync* sa = sync_of(a, conninfo, batch);
        loy_error e0;
        loy_error_init(&e0);
        loy_sync_report r0;
        loy_sync_report_init(&r0);
        // The new till first takes what the chain holds (not measured), so that the measured
        // round is its own records' push.
        if (loy_sync_run_once(sa, &r0, &e0) != LOY_OK) die("first round", e0);
        write_day(a, records, round);
        loy_error e;
        loy_error_init(&e);
        loy_sync_report r;
        loy_sync_report_init(&r);
        auto t = std::chrono::steady_clock::now();
        if (loy_sync_run_once(sa, &r, &e) != LOY_OK) die("push", e);
        const double tp = seconds_since(t);
        if (r.pushed != records) {
            std::fprintf(stderr, "sync_bench: pushed %lld of %d records\n",
                         static_cast<long long>(r.pushed), records);
            return 1;
        }
        loy_sync_report_init(&r);
        t = std::chrono::steady_clock::now();
        if (loy_sync_run_once(sb, &r, &e) != LOY_OK) die("pull", e);
        const double tl = seconds_since(t);
        push.v.push_back(records / tp);
        pull.v.push_back(static_cast<double>(r.pulled) / tl);
        std::printf("%-6d %12.0f %12.3f %12.0f %12.3f   (pulled %lld)\n", round, records / tp,
                    1000 * tp / records, static_cast<double>(r.pulled) / tl,
                    1000 * tl / static_cast<double>(r.pulled), static_cast<long long>(r.pulled));
        loy_sync_close(sa);
        loy_close(a);
    }
    loy_sync_close(sb);
    loy_close(b);
    std::printf(
        "median push %.0f records/s (%.0f-%.0f), pull and apply %.0f records/s "
        "(%.0f-%.0f)\n",
        push.median(), push.lo(), push.hi(), pull.median(), pull.lo(), pull.hi());
    return 0;
}
