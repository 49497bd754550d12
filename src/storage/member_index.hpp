// The member index (schema version 25): what is read member by member — a member's open lots
// and a member's sales — in one b-tree keyed by (member, id).
//
// A checkout adds its lot, spends from the member's open lots and writes its sale: with the open
// lots in a table of their own (`lots_left`, schema 14) and the sales by member in an index of the
// sales (`sales_member`), that was a leaf of each b-tree, and a share of the commits rebalanced
// each (5.5% and 8% on the quick bench, four pages each time). In one b-tree the member's lots
// and sales are neighbours, on the member's one leaf.
//
// A row with an id above 0 is an open lot (its id as `lots_left` kept it: entry * 2^20 + n),
// with its dates and what is left of it; one below 0 is one of the member's sales, its id
// negated, with its time and its range of coupon uses (storage/sale_parts.hpp). The views
// `lots_left` and `member_sales` read each kind as its own table; the lots are written here by
// the ledger's code (storage/ledger.cpp), the sales' rows by triggers on `sales`, so that every
// path that writes a sale (a checkout, a claim, another origin's record, a merge's move) keeps
// them. A lot's columns are NULL in a sale's row and a sale's in a lot's, so a comparison on a
// lot's dates never matches a sale.
#ifndef LOYALTY_SRC_STORAGE_MEMBER_INDEX_HPP
#define LOYALTY_SRC_STORAGE_MEMBER_INDEX_HPP

// SQL: the table, its two views and the triggers that keep a sale's row.
#define LOY_MEMBER_INDEX                                                                           \
    "CREATE TABLE member_index(\n"                                                                 \
    "  member_id INTEGER NOT NULL,\n"                                                              \
    "  id INTEGER NOT NULL,\n"                                                                     \
    "  expires_at INTEGER,\n"                                                                      \
    "  available_at INTEGER,\n"                                                                    \
    "  remaining INTEGER,\n"                                                                       \
    "  created_at INTEGER,\n"                                                                      \
    "  uses_from INTEGER,\n"                                                                       \
    "  uses_to INTEGER,\n"                                                                         \
    "  PRIMARY KEY(member_id, id),\n"                                                              \
    "  CHECK (CASE WHEN id > 0 THEN expires_at IS NOT NULL AND available_at IS NOT NULL AND\n"     \
    "    remaining IS NOT NULL AND created_at IS NULL AND uses_from IS NULL AND uses_to IS NULL\n" \
    "    ELSE id < 0 AND created_at IS NOT NULL AND expires_at IS NULL AND available_at IS NULL\n" \
    "    AND remaining IS NULL END)) WITHOUT ROWID;\n"                                             \
    "CREATE VIEW lots_left(member_id, id, expires_at, available_at, remaining) AS\n"               \
    "  SELECT member_id, id, expires_at, available_at, remaining FROM member_index WHERE id > "    \
    "0;\n"                                                                                         \
    "CREATE VIEW member_sales(member_id, sale_id, created_at, uses_from, uses_to) AS\n"            \
    "  SELECT member_id, -id, created_at, uses_from, uses_to FROM member_index WHERE id < 0;\n"    \
    "CREATE TRIGGER sales_member_i AFTER INSERT ON sales WHEN NEW.member_id IS NOT NULL BEGIN\n"   \
    "  INSERT INTO member_index(member_id, id, created_at, uses_from, uses_to)\n"                  \
    "    VALUES (NEW.member_id, -NEW.id, NEW.created_at, NEW.uses_from, NEW.uses_to);\n"           \
    "END;\n"                                                                                       \
    "CREATE TRIGGER sales_member_u AFTER UPDATE OF id, member_id, created_at, uses_from, "         \
    "uses_to\n"                                                                                    \
    "  ON sales BEGIN\n"                                                                           \
    "  DELETE FROM member_index WHERE member_id = OLD.member_id AND id = -OLD.id;\n"               \
    "  INSERT INTO member_index(member_id, id, created_at, uses_from, uses_to)\n"                  \
    "    SELECT NEW.member_id, -NEW.id, NEW.created_at, NEW.uses_from, NEW.uses_to\n"              \
    "    WHERE NEW.member_id IS NOT NULL;\n"                                                       \
    "END;\n"                                                                                       \
    "CREATE TRIGGER sales_member_d AFTER DELETE ON sales WHEN OLD.member_id IS NOT NULL BEGIN\n"   \
    "  DELETE FROM member_index WHERE member_id = OLD.member_id AND id = -OLD.id;\n"               \
    "END;\n"

// SQL, in a FROM clause: members' sales, `ms` the member index's rows (member_id, sale_id,
// created_at, uses_from, uses_to) and `s` the sales' own, found by their ids. A condition on
// ms.member_id (and ms.created_at) reads the member's part of the index alone.
#define LOY_SALES_OF_MEMBERS(ms, s) \
    "member_sales " ms " JOIN sales " s " ON " s ".id = " ms ".sale_id"

// The columns of a sale's row, in the order of LOY_MEMBER_SALES_OF_FACTS.
#define LOY_MEMBER_SALES_COLUMNS "member_id, id, created_at, uses_from, uses_to"

// SQL: the sales' rows the member index should hold, as the sales give them.
#define LOY_MEMBER_SALES_OF_FACTS                                                                \
    "SELECT member_id, -id AS id, created_at, uses_from, uses_to FROM sales WHERE member_id IS " \
    "NOT NULL"

// SQL: the ids (the sales' ids negated) of the sales' rows that differ from what the sales give:
// missing, extra, or with another member, time or range of coupon uses (a row that differs is
// listed twice: what it holds and what it should hold).
#define LOY_MEMBER_SALES_WRONG                                                                    \
    "SELECT id FROM (" LOY_MEMBER_SALES_OF_FACTS " EXCEPT SELECT " LOY_MEMBER_SALES_COLUMNS       \
    " FROM member_index WHERE id < 0) UNION ALL SELECT id FROM (SELECT " LOY_MEMBER_SALES_COLUMNS \
    " FROM member_index WHERE id < 0 EXCEPT " LOY_MEMBER_SALES_OF_FACTS ")"

#endif
