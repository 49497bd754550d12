// checkout_run: back-to-back checkouts on one handle over a file loyalty_bench made, as a till
// that never pauses makes them. Prints the rate and the whole tail of the latencies (p50, p99,
// p99.9, the slowest, how many took over 2 and 10 ms): the background checkpointer's work falls
// among the sales here, where loyalty_bench's blocks of a few hundred rarely see a restart. Then
// the statements a checkout runs, in all and by call (statement_count.hpp).
//
//   checkout_run FILE [--checkouts N] [--members N] [--seed N] [--checkpoint bg|inline|manual]
//                [--no-redeem] [--full]
//
// Run it on a copy of the file (it writes sales to it), each version to compare on a fresh copy,
// alternated: loyalty_bench --dir D, then cp D/bench.db run.db; checkout_run run.db --members
// 1000000. After loyalty_bench's expiry sweep most members have no points left: --no-redeem.
#include <loyalty/loyalty.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "bench_sale.hpp"
#include "statement_count.hpp"

namespace {

using bench::check;
using bench::err;
using Clock = std::chrono::steady_clock;

double pct(const std::vector<double>& sorted, double p) {
    const auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1));
    return sorted[i];
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argv[1][0] == '-') {
        std::fprintf(stderr,
                     "usage: checkout_run FILE [--checkouts N] [--members N] [--seed N] "
                     "[--checkpoint bg|inline|manual] [--no-redeem] [--full]\n");
        return 2;
    }
    int n = 4000;
    std::int64_t members = 20000;
    unsigned seed = 7;
    int32_t checkpoint = LOY_CHECKPOINT_BACKGROUND;
    bool redeem = true;
    bool full = false;  // synchronous=FULL: the log synced at every commit
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        const char* v = i + 1 < argc ? argv[i + 1] : "";
        if (a == "--checkouts") {
            n = std::max(1, std::atoi(v));
            ++i;
        } else if (a == "--members") {
            members = std::max<std::int64_t>(1, std::atoll(v));
            ++i;
        } else if (a == "--seed") {
            seed = static_cast<unsigned>(std::atoi(v));
            ++i;
        } else if (a == "--checkpoint") {
            const std::string m = v;
            checkpoint = m == "inline"   ? LOY_CHECKPOINT_INLINE
                         : m == "manual" ? LOY_CHECKPOINT_MANUAL
                                         : LOY_CHECKPOINT_BACKGROUND;
            ++i;
        } else if (a == "--no-redeem") {
            redeem = false;
        } else if (a == "--full") {
            full = true;
        } else {
            std::fprintf(stderr, "checkout_run: unknown argument %s\n", a.c_str());
            return 2;
        }
    }
    loy_error_init(&err);
    loy_open_options o;
    loy_open_options_init(&o);
    o.path = argv[1];
    o.durability = full ? LOY_DURABILITY_FULL : LOY_DURABILITY_NORMAL;
    o.checkpoint = checkpoint;
    o.origin = "bench";
    loy_db* db = nullptr;
    check(loy_open(&o, &db, &err), "open");
    check(loy_set_clock(db, bench::kNow, &err), "clock");
    std::mt19937_64 rng(seed);
    std::vector<double> us;
    us.reserve(static_cast<std::size_t>(n));
    int refused = 0;
    // Statements of the look-up, the quote and the commit (with its receipt), over all checkouts.
    std::int64_t in_call[3] = {0, 0, 0};
    const bench::Statements before = bench::statements_so_far();
    auto count_into = [](std::int64_t& to, const bench::Statements& from) {
        to += bench::statements_so_far().statements - from.statements;
    };
    const auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) {
        const std::int64_t who =
            1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(members));
        const std::string key = "run-" + std::to_string(seed) + "-" + std::to_string(i);
        const auto c0 = Clock::now();
        loy_member* m = nullptr;
        bench::Statements at = bench::statements_so_far();
        check(loy_member_find_by_phone(db, bench::typed_phone(who).c_str(), &m, &err),
              "find_by_phone");
        count_into(in_call[0], at);
        loy_basket* b = bench::basket(loy_member_id(m), i, redeem);
        loy_member_free(m);
        loy_quote* q = nullptr;
        at = bench::statements_so_far();
        check(loy_quote_basket(db, b, &q, &err), "quote");
        count_into(in_call[1], at);
        loy_quote_free(q);
        loy_receipt* r = nullptr;
        at = bench::statements_so_far();
        const int32_t rc = loy_commit(db, b, key.c_str(), &r, &err);
        count_into(in_call[2], at);
        if (rc == LOY_ERR_INSUFFICIENT_POINTS)
            ++refused;
        else
            check(rc, "commit");
        loy_receipt_free(r);
        loy_basket_free(b);
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - c0).count());
    }
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    const bench::Statements after = bench::statements_so_far();
    loy_close(db);
    std::sort(us.begin(), us.end());
    const auto over = [&](double limit) {
        return us.end() - std::upper_bound(us.begin(), us.end(), limit);
    };
    std::printf("%d checkouts in %.3f s = %.0f/s (%d refused: too few points)\n", n, s, n / s,
                refused);
    std::printf(
        "p50 %.0f us  p99 %.0f us  p99.9 %.0f us  slowest %.0f us  over 2 ms: %ld  over "
        "10 ms: %ld\n",
        pct(us, 50), pct(us, 99), pct(us, 99.9), us.back(), static_cast<long>(over(2000)),
        static_cast<long>(over(10000)));
    if (bench::counted()) {
        const double per = 1.0 / n;
        std::printf(
            "statements a checkout %.1f (look-up %.1f, quote %.1f, commit %.1f), transactions "
            "%.1f\n",
            static_cast<double>(after.statements - before.statements) * per,
            static_cast<double>(in_call[0]) * per, static_cast<double>(in_call[1]) * per,
            static_cast<double>(in_call[2]) * per,
            static_cast<double>(after.transactions - before.transactions) * per);
    } else {
        std::printf("statements a checkout: not counted (SQLite is built into the library)\n");
    }
    return 0;
}
