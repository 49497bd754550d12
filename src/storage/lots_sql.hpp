// The lots table in SQL: a lot's id keyed by its entry's (schema version 9), and what a lot's
// moves leave of its points.
//
// A lot's id is its entry's id and its place among the entry's lots: entry * 2^20 + n. The lots
// of an entry are a range of the lots table's own keys, so finding them needs no index by entry,
// and a new entry's lots go at the table's end.
#ifndef LOYALTY_SRC_STORAGE_LOTS_SQL_HPP
#define LOYALTY_SRC_STORAGE_LOTS_SQL_HPP

#include <cstdint>

namespace loyalty::storage {

// How many lots one entry may open: 2^20 (a transfer opens one for each lot it moves).
#define LOY_LOTS_PER_ENTRY 1048576
#define LOY_SQL_NUMBER_(n) #n
#define LOY_SQL_NUMBER(n) LOY_SQL_NUMBER_(n)
constexpr std::int64_t kLotsPerEntry = LOY_LOTS_PER_ENTRY;

// SQL: the entry whose lot has the id that is the SQL expression `id`.
#define LOY_ENTRY_OF_LOT(id) "(" id ") / " LOY_SQL_NUMBER(LOY_LOTS_PER_ENTRY)

// SQL: the entry of the lot in the row at hand (its column `id`), without reading `entry_id`: a
// query of the open lots is answered from lots_left alone, which holds no entry.
#define LOY_LOT_ENTRY LOY_ENTRY_OF_LOT("id")

// SQL: the lots of the entry whose id is the SQL expression `e`, as a range of the lot ids in
// the column `col`.
#define LOY_LOT_IDS_OF_ENTRY(col, e)                                                               \
    col " BETWEEN (" e ") * " LOY_SQL_NUMBER(LOY_LOTS_PER_ENTRY) " AND (" e ") * " LOY_SQL_NUMBER( \
        LOY_LOTS_PER_ENTRY) " + " LOY_SQL_NUMBER(LOY_LOTS_PER_ENTRY) " - 1"

// SQL: the same, in the column `id` of the table at hand.
#define LOY_LOTS_OF_ENTRY(e) LOY_LOT_IDS_OF_ENTRY("id", e)

// A lot move (which entry took how many points of which lot) is packed in the row of the entry
// that took them (schema version 16): `ledger.moves`, one JSON array of [lot, points] pairs, in
// the order they were taken. A spend writes its entry's row anyway, so its moves cost no page of
// a b-tree of their own; `lot_moves` is a view of them for every reader. They are appended,
// never changed (trigger `ledger_moves_append_only`): SQL with ?1 the entry, ?2 the moves to add
// as such an array.
#define LOY_LOT_MOVES_APPEND                                                           \
    "UPDATE ledger SET moves = CASE WHEN moves IS NULL THEN ?2 ELSE substr(moves, 1, " \
    "length(moves) - 1) || ',' || substr(?2, 2) END WHERE id = ?1"

// SQL: the view of the moves, a row each (entry_id, lot_id, points).
#define LOY_LOT_MOVES_VIEW                                                                      \
    "CREATE VIEW lot_moves(entry_id, lot_id, points) AS SELECT e.id, json_extract(m.value, "    \
    "'$[0]'), json_extract(m.value, '$[1]') FROM ledger e, json_each(e.moves) m WHERE e.moves " \
    "IS NOT NULL"

// SQL: each lot's id and what its moves leave of its points (its `remaining`, as the facts give
// it), the moves summed by lot in one pass (no index leads with their lot).
#define LOY_LOTS_LEFT_BY_MOVES                                                             \
    "SELECT l.id, l.points - COALESCE(m.points, 0) FROM lots l LEFT JOIN (SELECT lot_id, " \
    "SUM(points) AS points FROM lot_moves GROUP BY lot_id) m ON m.lot_id = l.id"

// The columns of lots_left (schema version 14), in the order of LOY_LOTS_LEFT_OF_FACTS.
#define LOY_LOTS_LEFT_COLUMNS "member_id, id, expires_at, available_at, remaining"

// SQL: the rows lots_left should hold as the facts give them: each lot its moves leave points
// in, with its member, dates and what is left. (A lot its moves overdraw is in neither: verify
// reports it from LOY_LOTS_LEFT_BY_MOVES.)
#define LOY_LOTS_LEFT_OF_FACTS                                                                  \
    "SELECT l.member_id, l.id, l.expires_at, l.available_at, l.points - COALESCE(m.points, 0) " \
    "FROM lots l LEFT JOIN (SELECT lot_id, SUM(points) AS points FROM lot_moves GROUP BY "      \
    "lot_id) m ON m.lot_id = l.id WHERE l.points - COALESCE(m.points, 0) > 0"

}  // namespace loyalty::storage

#endif
