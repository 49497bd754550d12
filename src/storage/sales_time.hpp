// The sales of a time range, found through their ids (schema version 18), not through an index of
// the sales by time that every checkout wrote a leaf of (1.1 pages a checkout).
//
// Each sale's row holds `quarter_seen`: the latest quarter-hour (created_at / 900000) of that sale
// and of every sale before it by id. It never falls from one sale to the next, so the ids of the
// sales with `quarter_seen` in a range of quarter-hours are one range of ids, found by a binary
// search through the table's key (sales_in_time). A sale is written *in time* when its own
// quarter-hour is the latest so far (its `quarter_seen` is its own): a till's own sales, with its
// clock going forwards. The others are written *late* (a clock set back, another till's sale
// synced after newer ones): they are listed by time in sales_late (created_at, id), kept by a
// trigger whose condition is false for a sale written in time. The sales of [from, to) are those
// written in time between the ids that the range's quarter-hours give, and the late ones listed
// in the range: LOY_SALES_BETWEEN. As the ledger's entries are found (ledger_totals.hpp, schema
// 13).
//
// The checkout's insert of a sale computes its `quarter_seen` from the last sale's (one look-up at
// the end of the table's key, on the page the insert writes). loy_verify compares both with what
// the sales give; loy_rebuild and the upgrade write them so.
#ifndef LOYALTY_SRC_STORAGE_SALES_TIME_HPP
#define LOYALTY_SRC_STORAGE_SALES_TIME_HPP

#include <cstdint>
#include <optional>

#include "storage/sqlite.hpp"

// SQL: the value of a new sale's `quarter_seen`, its own created_at bound as ?N (written into the
// insert's VALUES).
#define LOY_SALE_QUARTER_SEEN(n)                                                  \
    "MAX(?" n                                                                     \
    " / 900000, COALESCE((SELECT quarter_seen FROM sales ORDER BY id DESC LIMIT " \
    "1), 0))"

// Every sale as the sales give it: (id, created_at, quarter_seen, late), late 0 or 1.
#define LOY_SALES_WITH_LATE                                                                    \
    "SELECT id, created_at, MAX(created_at / 900000) OVER (ORDER BY id ROWS UNBOUNDED "        \
    "PRECEDING) AS seen, COALESCE(created_at / 900000 < MAX(created_at / 900000) OVER (ORDER " \
    "BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS late FROM sales"

// sales_late as the sales give it.
#define LOY_SALES_LATE_OF_SALES "SELECT created_at, id FROM (" LOY_SALES_WITH_LATE ") WHERE late"

// The sales whose `quarter_seen` differs from what the sales give: (id, held, given).
#define LOY_SALES_SEEN_DIFFERENCES                                                \
    "SELECT s.id, s.quarter_seen, f.seen FROM sales s JOIN (" LOY_SALES_WITH_LATE \
    ") f ON f.id = s.id WHERE s.quarter_seen IS NOT f.seen"

// Writes every sale's `quarter_seen` as the sales give it, where it differs.
#define LOY_SALES_SEEN_REWRITE                                          \
    "UPDATE sales SET quarter_seen = f.seen FROM (" LOY_SALES_WITH_LATE \
    ") f WHERE f.id = "                                                 \
    "sales.id AND sales.quarter_seen IS NOT f.seen"

// The rows where sales_late and the sales differ: ('t', a listed sale not written late), ('e', a
// late sale not listed), each with (created_at, id).
#define LOY_SALES_LATE_DIFFERENCES                                                               \
    "SELECT 't', * FROM (SELECT created_at, id FROM sales_late "                                 \
    "EXCEPT " LOY_SALES_LATE_OF_SALES ") UNION ALL SELECT 'e', * FROM (" LOY_SALES_LATE_OF_SALES \
    " EXCEPT SELECT created_at, id FROM sales_late)"

// An SQL condition on `sales` (unaliased columns): the sale is one of [?F, ?T) written in time
// between the ids ?L and ?H (sales_in_time), or one listed late in [?F, ?T). The statement must
// still say `created_at >= ?F AND created_at < ?T`: the ids hold other sales of the edge
// quarter-hours. Written so that SQLite reads the range of ids and the late list's range, each
// through its key.
#define LOY_SALES_BETWEEN(F, T, L, H)             \
    "(id BETWEEN ?" L " AND ?" H                  \
    " OR id IN (SELECT id FROM sales_late WHERE " \
    "created_at >= ?" F " AND created_at < ?" T "))"

namespace loyalty::storage {

// The ids between which the sales of [from, to) written in time lie: lo > hi when none can.
struct SaleIds {
    std::int64_t lo = 1, hi = 0;
};
SaleIds sales_in_time(Connection& c, std::int64_t from, std::int64_t to);

// The time of the earliest sale (none without sales): read through the keys (the first
// quarter-hour's sales written in time, and the late list), not by a scan.
std::optional<std::int64_t> first_sale_time(Connection& c);

}  // namespace loyalty::storage

#endif
