#include "storage/sales_time.hpp"

#include <algorithm>

#include "storage/ledger_totals.hpp"

namespace loyalty::storage {

namespace {

// The smallest id x such that every sale with an id from x on has quarter_seen >= q, searched in
// [first, last + 1] (last + 1: no sale has). quarter_seen never falls as ids rise, so "the first
// sale from x on has quarter_seen >= q" is false below the answer and true from it: each probe is
// one look-up in the table's key.
std::int64_t first_id_seen(Connection& c, std::int64_t first, std::int64_t last, std::int64_t q) {
    // Whether the first sale from id x on has quarter_seen >= q (true past the last sale).
    auto reached = [&](std::int64_t x) {
        auto r = c.query("SELECT quarter_seen FROM sales WHERE id >= ?1 ORDER BY id LIMIT 1", x);
        return !r.next() || r.i64(0) >= q;
    };
    // A range that runs to now (a till's last day of sales) ends past the last sale: one look-up.
    if (first <= last && !reached(last)) return last + 1;
    std::int64_t lo = first, hi = last;
    while (lo < hi) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        if (reached(mid))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

struct Ends {
    std::int64_t first = 0, last = -1;
};

Ends ends(Connection& c) {
    auto q = c.query("SELECT (SELECT MIN(id) FROM sales), (SELECT MAX(id) FROM sales)");
    Ends e;
    if (q.next() && !q.is_null(0)) {
        e.first = q.i64(0);
        e.last = q.i64(1);
    }
    return e;
}

}  // namespace

SaleIds sales_in_time(Connection& c, std::int64_t from, std::int64_t to) {
    SaleIds ids;
    if (from >= to) return ids;
    const Ends e = ends(c);
    if (e.first > e.last) return ids;
    // A sale written in time has its own quarter-hour as quarter_seen: those of [from, to) have
    // one of the range's quarter-hours (keyed as the SQL's integer division keys them).
    ids.lo = first_id_seen(c, e.first, e.last, std::max<std::int64_t>(from, 0) / kQuarterMs);
    ids.hi = first_id_seen(c, ids.lo, e.last, (to - 1) / kQuarterMs + 1) - 1;
    return ids;
}

std::optional<std::int64_t> first_sale_time(Connection& c) {
    const Ends e = ends(c);
    if (e.first > e.last) return std::nullopt;
    // The first sale is written in time; the earliest of those written in time is among the
    // sales of its quarter-hour, which come first by id. Any earlier sale was written late.
    std::int64_t quarter = 0;
    {
        auto q = c.query("SELECT quarter_seen FROM sales WHERE id = ?1", e.first);
        if (q.next()) quarter = q.i64(0);
    }
    const std::int64_t hi = first_id_seen(c, e.first, e.last, quarter + 1) - 1;
    auto q = c.query(
        "SELECT MIN(t) FROM (SELECT MIN(created_at) t FROM sales WHERE id BETWEEN ?1 AND ?2 "
        "UNION ALL SELECT MIN(created_at) FROM sales_late)",
        e.first, hi);
    if (q.next() && !q.is_null(0)) return q.i64(0);
    return std::nullopt;
}

}  // namespace loyalty::storage
