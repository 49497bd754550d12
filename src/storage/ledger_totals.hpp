// The ledger's points over a time range, from the totals kept by quarter-hour (ledger_totals,
// schema version 7) and the entries of the quarter-hours only partly in the range.
#ifndef LOYALTY_SRC_STORAGE_LEDGER_TOTALS_HPP
#define LOYALTY_SRC_STORAGE_LEDGER_TOTALS_HPP

#include <cstdint>
#include <functional>
#include <string>

#include "storage/access.hpp"

namespace loyalty::storage {

// A ledger_totals row's columns: the quarter-hour, branch and kind it adds up, their points and
// entries, the id of the first of those entries and that of the last written in time (schema
// version 13; 0 when none was).
#define LOY_LEDGER_TOTALS_COLUMNS "quarter, branch, kind, points, entries, first_id, last_id"

// An entry is written *late* when an entry of a later quarter-hour is already in the ledger (a
// till's clock set back, a record synced from another till after newer sales, history written in
// bulk). The entries written in time go in quarter-hour order, and a quarter-hour's come before
// its late ones: they are found between the first id its totals name and the last written in
// time. The late ones are listed by time in ledger_late (created_at, id), kept by a trigger as
// the totals are. SQL: every entry with `late` 0 or 1, as the ledger gives it.
#define LOY_LEDGER_WITH_LATE                                                             \
    "SELECT id, created_at, branch, kind, points, COALESCE(created_at / 900000 < "       \
    "MAX(created_at / 900000) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 " \
    "PRECEDING), 0) AS late FROM ledger"

// ledger_totals as the entries give it: what loy_verify compares and loy_rebuild writes.
#define LOY_LEDGER_TOTALS_OF_ENTRIES                                                           \
    "SELECT created_at / 900000, COALESCE(branch, ''), kind, SUM(points), COUNT(*), MIN(id), " \
    "COALESCE(MAX(CASE WHEN NOT late THEN id END), 0) FROM (" LOY_LEDGER_WITH_LATE             \
    ") GROUP BY 1, 2, 3"

// Since schema version 23 the totals of the newest quarter-hour are not written entry by entry:
// its entries since the last id the totals count are added up when they are read. `ledger_open`
// holds that quarter-hour (`quarter`, the latest of any entry) and the first id the totals do
// not count (`first_id`): every entry from that id on is of that quarter-hour and written in time.
// The triggers (since schema version 24 `ledger_range_ends_i`, run by `ledger_totals_i` when a
// range ends) add the range to the totals (one grouped pass over it) when an entry of a later
// quarter-hour comes, when an entry is written late (before counting it in its
// own quarter-hour and listing it in ledger_late), and when the range reaches
// LOY_OPEN_RANGE_ENTRIES entries. Any other entry (of the newest quarter-hour, written in time)
// writes no page of the totals: a checkout's entries wrote one (0.99 pages a checkout).
#define LOY_OPEN_RANGE_ENTRIES "256"

// SQL: the entries the totals do not count yet, each as a row of ledger_totals' columns.
#define LOY_LEDGER_OPEN_ROWS                                                                  \
    "SELECT o.quarter AS quarter, COALESCE(l.branch, '') AS branch, l.kind AS kind, "         \
    "l.points AS points, 1 AS entries, l.id AS first_id, l.id AS last_id FROM ledger_open o " \
    "CROSS JOIN ledger l ON l.id >= o.first_id"

// SQL (a table in FROM): ledger_totals' rows and those of the entries it does not count yet: the
// totals as the reports read them. A quarter-hour may have more than one row of a branch and kind.
#define LOY_LEDGER_TOTALS_NOW \
    "(SELECT " LOY_LEDGER_TOTALS_COLUMNS " FROM ledger_totals UNION ALL " LOY_LEDGER_OPEN_ROWS ")"

// SQL: `rows` (a table in FROM of ledger_totals' columns) where `where` holds, one row a
// quarter-hour, branch and kind, in ledger_totals' columns.
#define LOY_LEDGER_TOTALS_OF_ROWS(rows, where)                                              \
    "SELECT quarter, branch, kind, SUM(points), SUM(entries), MIN(first_id), MAX(last_id) " \
    "FROM " rows " WHERE " where " GROUP BY 1, 2, 3"

// SQL: the totals as the reports read them, one row a quarter-hour, branch and kind.
#define LOY_LEDGER_TOTALS_COUNTED LOY_LEDGER_TOTALS_OF_ROWS(LOY_LEDGER_TOTALS_NOW, "true")

// SQL: 1 when ledger_open is not as the entries give it (its quarter-hour the latest of any
// entry, none of its range of another, a row when there are entries), else 0.
#define LOY_LEDGER_OPEN_WRONG                                                                  \
    "SELECT q IS NOT m OR EXISTS (SELECT 1 FROM ledger WHERE id >= f AND created_at / 900000 " \
    "<> q) FROM (SELECT (SELECT quarter FROM ledger_open) AS q, (SELECT first_id FROM "        \
    "ledger_open) AS f, (SELECT MAX(created_at / 900000) FROM ledger) AS m)"

// SQL: ledger_open as written after the totals count every entry (loy_rebuild).
#define LOY_LEDGER_OPEN_OF_ENTRIES                                                         \
    "INSERT INTO ledger_open(one, quarter, first_id) SELECT 1, MAX(created_at / 900000), " \
    "MAX(id) + 1 FROM ledger HAVING COUNT(*) > 0"

// ledger_late as the entries give it.
#define LOY_LEDGER_LATE_OF_ENTRIES \
    "SELECT created_at, id FROM (" LOY_LEDGER_WITH_LATE ") WHERE late"

// The rows where the totals (with the entries they do not count yet) and the entries differ: ('t',
// a total the entries do not give) and ('e', what the entries give that no total holds), each
// with the columns above. Empty when the totals are right.
#define LOY_LEDGER_TOTALS_DIFFERENCES                                                        \
    "SELECT 't', * FROM (" LOY_LEDGER_TOTALS_COUNTED " EXCEPT " LOY_LEDGER_TOTALS_OF_ENTRIES \
    ") UNION ALL SELECT 'e', * FROM (" LOY_LEDGER_TOTALS_OF_ENTRIES                          \
    " EXCEPT " LOY_LEDGER_TOTALS_COUNTED ")"

// The same for ledger_late: ('t', a late entry the ledger does not give), ('e', one it lacks).
#define LOY_LEDGER_LATE_DIFFERENCES                               \
    "SELECT 't', * FROM (SELECT created_at, id FROM ledger_late " \
    "EXCEPT " LOY_LEDGER_LATE_OF_ENTRIES                          \
    ") UNION ALL SELECT 'e', * FROM (" LOY_LEDGER_LATE_OF_ENTRIES \
    " EXCEPT SELECT created_at, id FROM ledger_late)"

// SQL: the ledger's adjustments, in the words of the partial index that holds them by time
// (ledger_adjusts, schema version 13): a query must name its condition as it is written there.
#define LOY_ADJUSTMENTS "kind = 4"

// The length of a ledger_totals row's quarter (its key is created_at / kQuarterMs; the SQL of
// schema version 7 writes the same number).
constexpr std::int64_t kQuarterMs = 15 * 60 * 1000;

// Calls add(cls, kind, points) until every entry with created_at in [from, to) — of `branch`,
// or of every branch when it is "" — has been counted once, where cls = classify(the entry's
// created_at). A quarter-hour whose times all classify alike is added as one total per kind;
// the entries of the others (the range's edges, a period boundary inside a quarter-hour) are
// read one by one: those written in time from the range of ids their quarter-hours' totals name,
// the late ones through ledger_late. `classify` must give each class to one interval of time (a
// report period's index, -1 outside).
void sum_ledger(Session& s, std::int64_t from, std::int64_t to, const std::string& branch,
                const std::function<int(std::int64_t)>& classify,
                const std::function<void(int, std::int64_t, std::int64_t)>& add);

}  // namespace loyalty::storage

#endif
