// The member index (schema version 25): what is read member by member — a member's ledger
// entries, sales and open lots — in one b-tree keyed by (member, part, id).
//
// A checkout writes two entries, a sale and a lot, and spends from the member's open lots: with
// the ledger's index by member (`ledger_member`), the sales' index by member (`sales_member`)
// and the open lots in a table of their own (`lots_left`, schema 14), that was a leaf of each of
// three b-trees, and a share of the commits rebalanced each (11%, 8% and 5.5% on the quick bench,
// three leaves and their parent rewritten each time). In one b-tree the member's rows are
// neighbours, on the member's one leaf.
//
// `part` says what a row is: 0 one of the member's ledger entries (its id), 1 one of the
// member's sales (its id) with its time and range of coupon uses (storage/sale_parts.hpp), 2 an
// open lot (its id as `lots_left` kept it: entry * 2^20 + n) with its dates and what is left of
// it; a CHECK holds each part to its own columns. The views `member_entries`, `member_sales` and
// `lots_left` read each part as a table of its own. The lots are written here by the ledger's
// code (storage/ledger.cpp); the entries' rows by a trigger on the ledger, the sales' by
// triggers on `sales`, so that every path that writes an entry or a sale (a checkout, a claim,
// another origin's record, a sweep, a merge's move) keeps them.
#ifndef LOYALTY_SRC_STORAGE_MEMBER_INDEX_HPP
#define LOYALTY_SRC_STORAGE_MEMBER_INDEX_HPP

// SQL: the table, its three views, the trigger on the ledger that writes an entry's row and the
// triggers on `sales` that keep a sale's. (The entry's row in a trigger of its own: joined to the
// ledger's other insert trigger, `ledger_totals_i`, as one body with that trigger's WHEN as a
// WHERE, a checkout's commit took 33,000 instructions more than with two.)
#define LOY_MEMBER_INDEX                                                                           \
    "CREATE TABLE member_index(\n"                                                                 \
    "  member_id INTEGER NOT NULL,\n"                                                              \
    "  part INTEGER NOT NULL,\n"                                                                   \
    "  id INTEGER NOT NULL,\n"                                                                     \
    "  expires_at INTEGER,\n"                                                                      \
    "  available_at INTEGER,\n"                                                                    \
    "  remaining INTEGER,\n"                                                                       \
    "  created_at INTEGER,\n"                                                                      \
    "  uses_from INTEGER,\n"                                                                       \
    "  uses_to INTEGER,\n"                                                                         \
    "  PRIMARY KEY(member_id, part, id),\n"                                                        \
    "  CHECK (CASE part\n"                                                                         \
    "    WHEN 0 THEN expires_at IS NULL AND available_at IS NULL AND remaining IS NULL AND\n"      \
    "      created_at IS NULL AND uses_from IS NULL AND uses_to IS NULL\n"                         \
    "    WHEN 1 THEN created_at IS NOT NULL AND expires_at IS NULL AND available_at IS NULL AND\n" \
    "      remaining IS NULL\n"                                                                    \
    "    WHEN 2 THEN expires_at IS NOT NULL AND available_at IS NOT NULL AND remaining IS NOT\n"   \
    "      NULL AND created_at IS NULL AND uses_from IS NULL AND uses_to IS NULL\n"                \
    "    ELSE 0 END)) WITHOUT ROWID;\n"                                                            \
    "CREATE VIEW member_entries(member_id, entry_id) AS\n"                                         \
    "  SELECT member_id, id FROM member_index WHERE part = 0;\n"                                   \
    "CREATE VIEW member_sales(member_id, sale_id, created_at, uses_from, uses_to) AS\n"            \
    "  SELECT member_id, id, created_at, uses_from, uses_to FROM member_index WHERE part = 1;\n"   \
    "CREATE VIEW lots_left(member_id, id, expires_at, available_at, remaining) AS\n"               \
    "  SELECT member_id, id, expires_at, available_at, remaining FROM member_index WHERE part =\n" \
    "  2;\n"                                                                                       \
    "CREATE TRIGGER ledger_member_i AFTER INSERT ON ledger BEGIN\n"                                \
    "  INSERT INTO member_index(member_id, part, id) VALUES (NEW.member_id, 0, NEW.id);\n"         \
    "END;\n"                                                                                       \
    "CREATE TRIGGER sales_member_i AFTER INSERT ON sales WHEN NEW.member_id IS NOT NULL BEGIN\n"   \
    "  INSERT INTO member_index(member_id, part, id, created_at, uses_from, uses_to)\n"            \
    "    VALUES (NEW.member_id, 1, NEW.id, NEW.created_at, NEW.uses_from, NEW.uses_to);\n"         \
    "END;\n"                                                                                       \
    "CREATE TRIGGER sales_member_u AFTER UPDATE OF id, member_id, created_at, uses_from, "         \
    "uses_to\n"                                                                                    \
    "  ON sales BEGIN\n"                                                                           \
    "  DELETE FROM member_index WHERE member_id = OLD.member_id AND part = 1 AND id = OLD.id;\n"   \
    "  INSERT INTO member_index(member_id, part, id, created_at, uses_from, uses_to)\n"            \
    "    SELECT NEW.member_id, 1, NEW.id, NEW.created_at, NEW.uses_from, NEW.uses_to\n"            \
    "    WHERE NEW.member_id IS NOT NULL;\n"                                                       \
    "END;\n"                                                                                       \
    "CREATE TRIGGER sales_member_d AFTER DELETE ON sales WHEN OLD.member_id IS NOT NULL BEGIN\n"   \
    "  DELETE FROM member_index WHERE member_id = OLD.member_id AND part = 1 AND id = OLD.id;\n"   \
    "END;\n"

// SQL, in a FROM clause: members' sales, `ms` the member index's rows (member_id, sale_id,
// created_at, uses_from, uses_to) and `s` the sales' own, found by their ids. A condition on
// ms.member_id (and ms.created_at) reads the member's part of the index alone.
#define LOY_SALES_OF_MEMBERS(ms, s) \
    "member_sales " ms " JOIN sales " s " ON " s ".id = " ms ".sale_id"

// SQL, in a FROM clause: members' ledger entries, `me` the member index's rows (member_id,
// entry_id) and `l` the entries, found by their ids.
#define LOY_ENTRIES_OF_MEMBERS(me, l) \
    "member_entries " me " JOIN ledger " l " ON " l ".id = " me ".entry_id"

// The columns of a sale's row, in the order of LOY_MEMBER_SALES_OF_FACTS.
#define LOY_MEMBER_SALES_COLUMNS "member_id, part, id, created_at, uses_from, uses_to"

// SQL: the sales' rows the member index should hold, as the sales give them.
#define LOY_MEMBER_SALES_OF_FACTS                                                                 \
    "SELECT member_id, 1 AS part, id, created_at, uses_from, uses_to FROM sales WHERE member_id " \
    "IS NOT NULL"

// SQL: the entries' rows and the sales' rows written from the ledger and the sales, in the
// index's order (the upgrade to version 25, and loy_rebuild after emptying a part).
#define LOY_MEMBER_ENTRIES_WRITE                                                         \
    "INSERT INTO member_index(member_id, part, id) SELECT member_id, 0, id FROM ledger " \
    "ORDER BY member_id, id"
#define LOY_MEMBER_SALES_WRITE                                                          \
    "INSERT INTO member_index(" LOY_MEMBER_SALES_COLUMNS ") " LOY_MEMBER_SALES_OF_FACTS \
    " ORDER BY member_id, id"

// SQL: the ids of the sales whose rows differ from what the sales give: missing, extra, or with
// another member, time or range of coupon uses (a row that differs is listed twice: what it
// holds and what it should hold).
#define LOY_MEMBER_SALES_WRONG                                                              \
    "SELECT id FROM (" LOY_MEMBER_SALES_OF_FACTS " EXCEPT SELECT " LOY_MEMBER_SALES_COLUMNS \
    " FROM member_index WHERE part = 1) UNION ALL SELECT id FROM "                          \
    "(SELECT " LOY_MEMBER_SALES_COLUMNS                                                     \
    " FROM member_index WHERE part = 1 EXCEPT " LOY_MEMBER_SALES_OF_FACTS ")"

// SQL: the ids of the entries whose rows are missing or name another member, and of the rows
// that name no entry of theirs: each a look-up by key, no sort of the whole ledger.
#define LOY_MEMBER_ENTRIES_WRONG                                                            \
    "SELECT l.id FROM ledger l WHERE NOT EXISTS (SELECT 1 FROM member_index x WHERE "       \
    "x.member_id = l.member_id AND x.part = 0 AND x.id = l.id) UNION ALL SELECT x.id FROM " \
    "member_index x WHERE x.part = 0 AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.id = "  \
    "x.id AND l.member_id = x.member_id)"

#endif
