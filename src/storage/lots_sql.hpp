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

// What a lot is — its points, the time they become available and the time they expire — is
// packed in the row of the entry that opened it (schema version 19; storage/packed_lots.hpp):
// `ledger.lots`, one JSON array of [n, points, available_at, expires_at], n its place among the
// entry's lots (its id is entry * 2^20 + n), in the order they were opened. The entry's row is
// written anyway, so a lot costs no page of a b-tree of its own (the `lots` table was 1.0 pages a
// checkout); `lots` is a view of them for every reader that reads them all. They are appended,
// never changed (trigger `ledger_lots_append_only`): SQL with ?1 the entry, ?2 the lot to add as
// such an element, ?3 its n; it changes no row when the entry already holds a lot n. (An entry that
// opens one lot, as a credit does, is written with it.)
#define LOY_LOTS_APPEND                                                                        \
    "UPDATE ledger SET lots = CASE WHEN lots IS NULL THEN '[' || ?2 || ']' ELSE substr(lots, " \
    "1, length(lots) - 1) || ',' || ?2 || ']' END WHERE id = ?1 AND (lots IS NULL OR NOT "     \
    "EXISTS (SELECT 1 FROM json_each(lots) j WHERE json_extract(j.value, '$[0]') = ?3))"

// SQL: the view of the lots, a row each (id, member_id, entry_id, points, available_at,
// expires_at), as the table held them.
#define LOY_LOTS_VIEW \
    "CREATE VIEW lots(id, member_id, entry_id, points, available_at, expires_at) AS SELECT e.id " \
    "* " LOY_SQL_NUMBER(LOY_LOTS_PER_ENTRY) " + json_extract(l.value, '$[0]'), e.member_id, "  \
    "e.id, json_extract(l.value, '$[1]'), json_extract(l.value, '$[2]'), json_extract(l.value, " \
    "'$[3]') FROM ledger e, json_each(e.lots) l WHERE e.lots IS NOT NULL"

// SQL: the lots of one entry, ?1, in the order of their ids: (points, available_at, expires_at),
// read from the entry's row alone.
#define LOY_LOTS_OF_ENTRY_ROW                                                                     \
    "SELECT json_extract(l.value, '$[1]') AS points, json_extract(l.value, '$[2]') AS "           \
    "available_at, json_extract(l.value, '$[3]') AS expires_at FROM ledger e, json_each(e.lots) " \
    "l WHERE e.id = ?1 AND e.lots IS NOT NULL ORDER BY json_extract(l.value, '$[0]')"

// SQL: one lot's dates, (available_at, expires_at), by its id ?1, from its entry's row alone.
#define LOY_LOT_DATES \
    "SELECT json_extract(l.value, '$[2]'), json_extract(l.value, '$[3]') FROM ledger e, "      \
    "json_each(e.lots) l WHERE e.id = ?1 / " LOY_SQL_NUMBER(LOY_LOTS_PER_ENTRY) " AND "        \
    "e.lots IS NOT NULL AND json_extract(l.value, '$[0]') = ?1 % " LOY_SQL_NUMBER(              \
        LOY_LOTS_PER_ENTRY)

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

// The columns of lots_left (schema version 14), in the order of LOY_LOTS_LEFT_OF_FACTS.
#define LOY_LOTS_LEFT_COLUMNS "member_id, id, expires_at, available_at, remaining"

// SQL: the rows lots_left should hold as the facts give them: each lot its moves leave points
// in, with its member, dates and what is left. (A lot its moves overdraw is in neither: verify
// reports it, from the lots and their moves.)
#define LOY_LOTS_LEFT_OF_FACTS                                                                  \
    "SELECT l.member_id, l.id, l.expires_at, l.available_at, l.points - COALESCE(m.points, 0) " \
    "FROM lots l LEFT JOIN (SELECT lot_id, SUM(points) AS points FROM lot_moves GROUP BY "      \
    "lot_id) m ON m.lot_id = l.id WHERE l.points - COALESCE(m.points, 0) > 0"

}  // namespace loyalty::storage

#endif
