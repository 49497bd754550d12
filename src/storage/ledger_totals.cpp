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
        auto q = s.c.query(
            "SELECT quarter, kind, points FROM ledger_totals WHERE quarter >= ?1 AND "
            "quarter < ?2 AND (?3 = '' OR branch = ?3)",
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
        auto q = s.c.query(
            "SELECT created_at, kind, points FROM ledger WHERE created_at >= ?1 AND "
            "created_at < ?2 AND (?3 = '' OR branch = ?3)",
            a, b, branch);
        while (q.next())
            add(classify(q.i64(0)), q.i64(1), q.i64(2));
    }
}

}  // namespace loyalty::storage
