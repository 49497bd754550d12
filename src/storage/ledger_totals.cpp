#include "storage/ledger_totals.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace loyalty::storage {

void sum_ledger(Session& s, std::int64_t from, std::int64_t to, const std::string& branch,
                const std::function<int(std::int64_t)>& classify,
                const std::function<void(int, std::int64_t, std::int64_t)>& add) {
    if (from >= to) return;
    // The whole quarter-hours inside [from, to): [first, last).
    const std::int64_t first = from / kQuarterMs + (from % kQuarterMs != 0);
    const std::int64_t last = to / kQuarterMs;
    std::vector<std::pair<std::int64_t, std::int64_t>> entries;  // ranges read entry by entry
    if (first >= last) {
        entries.emplace_back(from, to);
    } else {
        entries.emplace_back(from, first * kQuarterMs);
        std::int64_t split = -1;  // the last quarter-hour found split between classes
        auto q = s.c.query("SELECT quarter, kind, points FROM " LOY_LEDGER_TOTALS_NOW
                           " WHERE quarter >= ?1 AND quarter < ?2 AND (?3 = '' OR branch = ?3)",
                           first, last, branch);
        while (q.next()) {
            const std::int64_t quarter = q.i64(0), start = quarter * kQuarterMs;
            const int cls = classify(start);
            if (cls == classify(start + kQuarterMs - 1)) {
                add(cls, q.i64(1), q.i64(2));
            } else if (quarter != split) {
                split = quarter;
                entries.emplace_back(start, start + kQuarterMs);
            }
        }
        entries.emplace_back(last * kQuarterMs, to);
    }
    for (const auto& [a, b] : entries) {
        if (a >= b) continue;
        // The entries of [a, b) written in time lie between the first and last ids the totals of
        // its quarter-hours (keyed as the SQL's integer division keys them) name, among others;
        // the late ones outside those ids are read from ledger_late. Each entry once.
        std::int64_t lo = 1, hi = 0;
        {
            auto r = s.c.query("SELECT MIN(first_id), MAX(last_id) FROM " LOY_LEDGER_TOTALS_NOW
                               " WHERE quarter BETWEEN ?1 AND ?2 AND (?3 = '' OR branch = ?3)",
                               a / kQuarterMs, (b - 1) / kQuarterMs, branch);
            if (r.next() && !r.is_null(0)) {
                lo = r.i64(0);
                hi = r.i64(1);
            }
        }
        if (lo <= hi) {
            auto q = s.c.query(
                "SELECT created_at, kind, points FROM ledger WHERE id BETWEEN ?4 AND ?5 AND "
                "created_at >= ?1 AND created_at < ?2 AND (?3 = '' OR branch = ?3)",
                a, b, branch, lo, hi);
            while (q.next())
                add(classify(q.i64(0)), q.i64(1), q.i64(2));
        }
        auto q = s.c.query(
            "SELECT e.created_at, e.kind, e.points FROM ledger_late l JOIN ledger e ON e.id = l.id "
            "WHERE l.created_at >= ?1 AND l.created_at < ?2 AND (l.id < ?4 OR l.id > ?5) AND "
            "(?3 = '' OR e.branch = ?3)",
            a, b, branch, lo, hi);
        while (q.next())
            add(classify(q.i64(0)), q.i64(1), q.i64(2));
    }
}

}  // namespace loyalty::storage
