// The ledger's points over a time range, from the totals kept by quarter-hour (ledger_totals,
// schema version 7) and the entries of the quarter-hours only partly in the range.
#ifndef LOYALTY_SRC_STORAGE_LEDGER_TOTALS_HPP
#define LOYALTY_SRC_STORAGE_LEDGER_TOTALS_HPP

#include <cstdint>
#include <functional>
#include <string>

#include "storage/access.hpp"

namespace loyalty::storage {

// ledger_totals as the entries give it: what loy_verify compares and loy_rebuild writes.
#define LOY_LEDGER_TOTALS_OF_ENTRIES                                                      \
    "SELECT created_at / 900000, COALESCE(branch, ''), kind, SUM(points), COUNT(*) FROM " \
    "ledger GROUP BY 1, 2, 3"

// The rows where ledger_totals and its entries differ: ('t', a total the entries do not give) and
// ('e', what the entries give that no total holds), each with quarter, branch, kind, points and
// entries. Empty when the totals are right.
#define LOY_LEDGER_TOTALS_DIFFERENCES                                                       \
    "SELECT 't', * FROM (SELECT quarter, branch, kind, points, entries FROM ledger_totals " \
    "EXCEPT " LOY_LEDGER_TOTALS_OF_ENTRIES                                                  \
    ") UNION ALL SELECT 'e', * FROM (" LOY_LEDGER_TOTALS_OF_ENTRIES                         \
    " EXCEPT SELECT quarter, branch, kind, points, entries FROM "                           \
    "ledger_totals)"

// The length of a ledger_totals row's quarter (its key is created_at / kQuarterMs; the SQL of
// schema version 7 writes the same number).
constexpr std::int64_t kQuarterMs = 15 * 60 * 1000;

// Calls add(cls, kind, points) until every entry with created_at in [from, to) — of `branch`,
// or of every branch when it is "" — has been counted once, where cls = classify(the entry's
// created_at). A quarter-hour whose times all classify alike is added as one total per kind;
// the entries of the others (the range's edges, a period boundary inside a quarter-hour) are
// read one by one through the ledger's time index. `classify` must give each class to one
// interval of time (a report period's index, -1 outside).
void sum_ledger(Session& s, std::int64_t from, std::int64_t to, const std::string& branch,
                const std::function<int(std::int64_t)>& classify,
                const std::function<void(int, std::int64_t, std::int64_t)>& add);

}  // namespace loyalty::storage

#endif
