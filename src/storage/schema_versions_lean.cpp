// Schema versions 9 and after (storage/schema_versions.hpp): the shape of the facts changed so
// that a checkout writes fewer pages (docs/performance.md, docs/storage.md). Versions 1 to 8 are
// in schema_versions.cpp.
#include <string>

#include "storage/campaign_totals.hpp"
#include "storage/journal_keys.hpp"
#include "storage/ledger_totals.hpp"
#include "storage/lots_sql.hpp"
#include "storage/member_index.hpp"
#include "storage/sale_lines.hpp"
#include "storage/sale_parts.hpp"
#include "storage/sales_time.hpp"
#include "storage/schema_versions.hpp"

namespace loyalty::storage {

// The columns of a journal record after its id, as versions 9 and 20 make the table.
#define LOY_JOURNAL_RECORD_COLUMNS                                                             \
    "  origin INTEGER NOT NULL REFERENCES origins(id),\n  seq INTEGER NOT NULL,\n  kind TEXT " \
    "NOT NULL,\n  idem_key TEXT,\n  body TEXT NOT NULL,\n  prev TEXT NOT NULL,\n  hash TEXT "  \
    "NOT NULL,\n  created_at INTEGER NOT NULL,"
// The journal's table `t`, filled, put in place of the journal, append-only as it was.
#define LOY_JOURNAL_SWAP(t)                                                                 \
    "DROP TRIGGER journal_append_only_u;\nDROP TRIGGER journal_append_only_d;\nDROP TABLE " \
    "journal;\nALTER TABLE " t                                                              \
    " RENAME TO journal;\nCREATE TRIGGER journal_append_only_u "                            \
    "BEFORE UPDATE ON journal\n  BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); " \
    "END;\nCREATE TRIGGER journal_append_only_d BEFORE DELETE ON journal\n  BEGIN SELECT "  \
    "RAISE(ABORT, 'the journal is append-only'); END;"

namespace {

// Version 9: fewer pages a sale (docs/performance.md).
// - A sale's lines are packed in its row (`line_items`, one JSON array of arrays, each in the
//   order of `LOY_SALE_LINE_FIELDS`) instead of a row each in a b-tree of their own: a checkout
//   writes the sale's page, not the sale's and the lines'. `sale_lines` becomes a view over them,
//   so every reader keeps its SQL; writes to the view (a journal's sale from another till, a
//   late claim's points) go through its triggers, which keep the table's constraints.
// - `lot_moves_lot` goes: nothing on a sale's path reads lot moves by lot, and the two checks
//   that add them up by lot (verify, rebuild) group them in one pass instead.
// - A lot's id is its entry's and its place among the entry's lots (storage/lots_sql.hpp), so
//   `lots_entry` goes too: the lots of an entry are a range of the table's keys. The lots kept
//   so far are numbered so, in their order, and their moves follow them.
// - The journal is a table with a rowid and a unique (origin, seq): a record (2 KB for a sale)
//   then sits whole in a leaf appended at the table's end, where keyed by (origin, seq) alone
//   it overflowed to a page of its own and split its leaves in the middle.
constexpr const char* kSchemaV9 = R"SQL(
ALTER TABLE sales ADD COLUMN line_items TEXT;
UPDATE sales SET line_items = (
  SELECT json_group_array(json_array()SQL" LOY_SALE_LINE_FIELDS R"SQL())
  FROM (SELECT * FROM sale_lines l WHERE l.sale_id = sales.id ORDER BY l.line_no))
WHERE id IN (SELECT sale_id FROM sale_lines);
DROP TABLE sale_lines;
CREATE VIEW sale_lines(sale_id, )SQL" LOY_SALE_LINE_FIELDS R"SQL() AS
  SELECT s.id, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'),
    json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'),
    json_extract(j.value, '$[5]'), json_extract(j.value, '$[6]'), json_extract(j.value, '$[7]'),
    json_extract(j.value, '$[8]'), json_extract(j.value, '$[9]'), json_extract(j.value, '$[10]'),
    json_extract(j.value, '$[11]')
  FROM sales s, json_each(s.line_items) j WHERE s.line_items IS NOT NULL;
CREATE TRIGGER sale_lines_i INSTEAD OF INSERT ON sale_lines BEGIN
  SELECT RAISE(ABORT, 'NOT NULL constraint failed: a sale line lacks a field')
    WHERE NEW.line_no IS NULL OR NEW.sku IS NULL OR NEW.category IS NULL
      OR NEW.quantity_milli IS NULL OR NEW.unit_price IS NULL OR NEW.discount IS NULL
      OR NEW.amount IS NULL OR NEW.points IS NULL;
  SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: a sale line of no sale')
    WHERE NOT EXISTS (SELECT 1 FROM sales WHERE id = NEW.sale_id);
  SELECT RAISE(ABORT, 'UNIQUE constraint failed: sale_lines.sale_id, sale_lines.line_no')
    WHERE EXISTS (SELECT 1 FROM sale_lines WHERE sale_id = NEW.sale_id AND line_no = NEW.line_no);
  UPDATE sales SET line_items = json_insert(COALESCE(line_items, '[]'), '$[#]',
    json_array(NEW.line_no, NEW.sku, NEW.category, NEW.quantity_milli, NEW.unit_price,
      NEW.discount, NEW.amount, NEW.points, NEW.plan_id, COALESCE(NEW.benefit_discount, 0),
      COALESCE(NEW.coupon_discount, 0), NEW.wallet_topup))
  WHERE id = NEW.sale_id;
END;
CREATE TRIGGER sale_lines_u INSTEAD OF UPDATE OF points ON sale_lines BEGIN
  UPDATE sales SET line_items = json_set(line_items, '$[' || (SELECT j.key FROM
    json_each(line_items) j WHERE json_extract(j.value, '$[0]') = OLD.line_no) || '][7]',
    NEW.points)
  WHERE id = OLD.sale_id;
END;
DROP INDEX lot_moves_lot;

CREATE TEMP TABLE lot_ids(old INTEGER PRIMARY KEY, new INTEGER NOT NULL);
INSERT INTO lot_ids SELECT id, entry_id * )SQL" LOY_SQL_NUMBER(LOY_LOTS_PER_ENTRY) R"SQL(
  + ROW_NUMBER() OVER (PARTITION BY entry_id ORDER BY id) - 1 FROM lots;
CREATE TEMP TABLE moves AS SELECT m.entry_id, n.new AS lot_id, m.points FROM lot_moves m
  JOIN lot_ids n ON n.old = m.lot_id;
CREATE TABLE lots_by_entry(
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members(id),
  entry_id INTEGER NOT NULL REFERENCES ledger(id),
  points INTEGER NOT NULL,
  remaining INTEGER NOT NULL,
  available_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  spent INTEGER NOT NULL DEFAULT 0);
INSERT INTO lots_by_entry SELECT n.new, l.member_id, l.entry_id, l.points, l.remaining,
  l.available_at, l.expires_at, l.spent FROM lots l JOIN lot_ids n ON n.old = l.id ORDER BY n.new;
DROP TRIGGER lot_moves_append_only_u;
DROP TRIGGER lot_moves_append_only_d;
DROP TABLE lot_moves;
DROP TABLE lots;
ALTER TABLE lots_by_entry RENAME TO lots;
CREATE INDEX lots_open ON lots(member_id, expires_at, id) WHERE spent = 0;
CREATE INDEX lots_expiry ON lots(expires_at) WHERE spent = 0;
CREATE TABLE lot_moves(
  entry_id INTEGER NOT NULL REFERENCES ledger(id),
  lot_id INTEGER NOT NULL REFERENCES lots(id),
  points INTEGER NOT NULL,
  PRIMARY KEY(entry_id, lot_id)) WITHOUT ROWID;
INSERT INTO lot_moves SELECT entry_id, lot_id, points FROM temp.moves ORDER BY entry_id, lot_id;
CREATE TRIGGER lot_moves_append_only_u BEFORE UPDATE ON lot_moves
  BEGIN SELECT RAISE(ABORT, 'lot moves are append-only'); END;
CREATE TRIGGER lot_moves_append_only_d BEFORE DELETE ON lot_moves
  BEGIN SELECT RAISE(ABORT, 'lot moves are append-only'); END;
DROP TABLE temp.moves;
DROP TABLE temp.lot_ids;

CREATE TABLE journal_rows(
  id INTEGER PRIMARY KEY,
)SQL" LOY_JOURNAL_RECORD_COLUMNS R"SQL(
  UNIQUE(origin, seq));
INSERT INTO journal_rows(origin, seq, kind, idem_key, body, prev, hash, created_at)
  SELECT origin, seq, kind, idem_key, body, prev, hash, created_at FROM journal
  ORDER BY created_at, origin, seq;
)SQL" LOY_JOURNAL_SWAP("journal_rows") R"SQL(
)SQL";

// Version 10: no index of open lots by date alone. Every checkout that earned or spent rewrote a
// leaf of it (1.2 pages a checkout) and an expiry sweep rewrote most of it once a transaction;
// what read it (the sweep's list of members with lots due, the "expiring" messages) reads the
// open lots by member (lots_open: member, date, id) in one pass instead.
constexpr const char* kSchemaV10 = R"SQL(
DROP INDEX IF EXISTS lots_expiry;
)SQL";

// Version 11: a request's digest is the first 16 bytes of its SHA-256 as a BLOB (Impl::
// request_digest), not 64 hexadecimal digits: the row is half as long, so the request log's
// leaves, which keys put all over the table, split half as often (1.6 -> 1.3 pages a checkout).
// Rows written before keep their digits and are compared as digits; nothing is rewritten. The
// version says a file may hold the new rows, which a library of version 10 would take for a
// different request.

// Version 12: lots_open carries what a member's open lots are read for (availability, what is
// left, the flag of its condition): the points a member may spend, a spend's plan and the expiry
// sweep read the index alone, not a row of the lots table for each of its entries. A spend
// rewrites its lot's entry in the member's part of the index, which the sale's new lot writes
// anyway.
constexpr const char* kSchemaV12 = R"SQL(
DROP INDEX lots_open;
CREATE INDEX lots_open ON lots(member_id, expires_at, id, available_at, remaining, spent)
  WHERE spent = 0;
)SQL";

// Version 13: no index of the whole ledger by time. Every entry wrote a leaf of it (1.1 pages a
// checkout) for two readers. The entries of a report's edge quarter-hours: those written in time
// (no entry of a later quarter-hour before them: a till's own) are found between the first and
// last ids their quarter-hour's totals name, two columns more in ledger_totals, kept by the
// totals' trigger; the few written late (a clock set back, a record synced after newer sales,
// history written in bulk) are listed by time in ledger_late, kept by a trigger of its own whose
// WHEN is false for an entry written in time. And the adjustments of a day (an operator's daily
// limit, the cashiers' report): an index of adjustments alone, which sales never write. The
// upgrade writes the list and the totals as loy_rebuild does (ledger_totals.hpp), a pass over the
// ledger in id order for each. A checkout's entries, written in time, write no page more than
// before; each reads the latest quarter-hour twice (two look-ups in the totals' key).
constexpr const char* kSchemaV13 = R"SQL(
CREATE TABLE ledger_late(
  created_at INTEGER NOT NULL,
  id INTEGER NOT NULL,
  PRIMARY KEY(created_at, id)) WITHOUT ROWID;
INSERT INTO ledger_late(created_at, id) )SQL" LOY_LEDGER_LATE_OF_ENTRIES R"SQL(;
ALTER TABLE ledger_totals ADD COLUMN first_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger_totals ADD COLUMN last_id INTEGER NOT NULL DEFAULT 0;
DELETE FROM ledger_totals;
INSERT INTO ledger_totals()SQL" LOY_LEDGER_TOTALS_COLUMNS R"SQL()
)SQL" LOY_LEDGER_TOTALS_OF_ENTRIES R"SQL(;
DROP TRIGGER ledger_totals_i;
CREATE TRIGGER ledger_totals_i AFTER INSERT ON ledger BEGIN
  INSERT INTO ledger_totals(quarter, branch, kind, points, entries, first_id, last_id)
    VALUES (NEW.created_at / 900000, COALESCE(NEW.branch, ''), NEW.kind, NEW.points, 1, NEW.id,
            CASE WHEN NEW.created_at / 900000 < (SELECT MAX(quarter) FROM ledger_totals) THEN 0
            ELSE NEW.id END)
    ON CONFLICT DO UPDATE SET points = points + excluded.points, entries = entries + 1,
      last_id = MAX(last_id, excluded.last_id);
END;
-- Whether an entry is late does not depend on the order of the two triggers: the totals' row it
-- adds to raises the latest quarter-hour only to its own.
CREATE TRIGGER ledger_late_i AFTER INSERT ON ledger
  WHEN NEW.created_at / 900000 < (SELECT MAX(quarter) FROM ledger_totals) BEGIN
  INSERT INTO ledger_late(created_at, id) VALUES (NEW.created_at, NEW.id);
END;
CREATE INDEX ledger_adjusts ON ledger(created_at) WHERE )SQL" LOY_ADJUSTMENTS R"SQL(;
DROP INDEX ledger_time;
)SQL";

// Version 14: what is left of each open lot kept apart from the lots' facts. `lots` holds what a
// lot is (its entry, member, points and dates), written once; `lots_left` holds the open lots
// alone, ordered by member, with their points left and the dates a member's lots are read for,
// and loses a lot's row when it is spent to nothing. A spend rewrites its lot's row in the
// member's part of `lots_left`, where the sale's new lot goes too, and no longer a page of `lots`
// wherever the spent lot was written; an expiry sweep over a range of members changes only that
// range's pages of `lots_left`, not the pages of `lots` all over the file that hold their lots.
// The upgrade copies the open lots as the file has them (loy_rebuild derives them from the lots'
// moves) and drops the two columns that said it (`DROP COLUMN` rewrites `lots` once).
constexpr const char* kSchemaV14 = R"SQL(
CREATE TABLE lots_left(
  member_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  available_at INTEGER NOT NULL,
  remaining INTEGER NOT NULL,
  PRIMARY KEY(member_id, id)) WITHOUT ROWID;
INSERT INTO lots_left(member_id, id, expires_at, available_at, remaining)
  SELECT member_id, id, expires_at, available_at, remaining FROM lots WHERE spent = 0
  ORDER BY member_id, id;
DROP INDEX lots_open;
ALTER TABLE lots DROP COLUMN spent;
ALTER TABLE lots DROP COLUMN remaining;
)SQL";

// Version 15: a sale's entries and coupon uses are found through the sale, not by an index of
// each table by sale: the sale's row names the range of ids of each (storage/sale_parts.hpp);
// `ledger_sale` and `coupon_uses_sale` go, which every checkout wrote a leaf of (1.1 and 1.05
// pages). A checkout notes the ids it writes and sets the ranges in its last update
// of the sale's row; a record from another till widens them. The upgrade writes the ranges as the
// facts give them, as loy_rebuild does.
constexpr const char* kSchemaV15 = R"SQL(
ALTER TABLE sales ADD COLUMN entries_from INTEGER;
ALTER TABLE sales ADD COLUMN entries_to INTEGER;
ALTER TABLE sales ADD COLUMN uses_from INTEGER;
ALTER TABLE sales ADD COLUMN uses_to INTEGER;
)SQL" LOY_SALE_PARTS_REWRITE R"SQL(;
DROP INDEX ledger_sale;
DROP INDEX coupon_uses_sale;
)SQL";

// Version 16: a spend's lot moves are packed in its entry's row (storage/lots_sql.hpp), not in a
// b-tree of their own that every spend wrote a leaf of (1.1 pages a checkout); `lot_moves` is a
// view of them. The ledger's append-only trigger names the columns of the facts, so that the
// moves may be appended to; their own trigger refuses any other change of them. The upgrade packs
// each entry's moves in lot order, as the table kept them.
constexpr const char* kSchemaV16 = R"SQL(
ALTER TABLE ledger ADD COLUMN moves TEXT;
DROP TRIGGER ledger_append_only_u;
UPDATE ledger SET moves = (SELECT json_group_array(json_array(lot_id, points)) FROM
  (SELECT lot_id, points FROM lot_moves m WHERE m.entry_id = ledger.id ORDER BY lot_id))
  WHERE id IN (SELECT entry_id FROM lot_moves);
CREATE TRIGGER ledger_append_only_u BEFORE UPDATE OF id, origin, member_id, kind, points, sale_id,
  refund_id, corrects, reason, operator, branch, terminal, program_version, created_at, source,
  origin_seq, approver ON ledger
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_moves_append_only BEFORE UPDATE OF moves ON ledger
  WHEN OLD.moves IS NOT NULL AND (NEW.moves IS NULL OR substr(NEW.moves, 1, length(OLD.moves) - 1)
    IS NOT substr(OLD.moves, 1, length(OLD.moves) - 1))
  BEGIN SELECT RAISE(ABORT, 'lot moves are append-only'); END;
DROP TRIGGER lot_moves_append_only_u;
DROP TRIGGER lot_moves_append_only_d;
DROP TABLE lot_moves;
)SQL" LOY_LOT_MOVES_VIEW R"SQL(;
)SQL";

// Version 18: no index of the sales by time. Every checkout wrote a leaf of it (1.1 pages) for the
// reports, the draws, the segments' activity and a till's offline spending limit, which read the
// sales of a time range. Each sale now holds the latest quarter-hour of the sales up to it
// (`quarter_seen`), which never falls as ids rise, so the sales of a range written in time are a
// range of ids found through the table's key; those written late are listed by time in
// sales_late, kept by a trigger whose condition a sale written in time makes false
// (storage/sales_time.hpp). The upgrade writes both as loy_rebuild does, a pass over the sales in
// id order, and rewrites every sale's row once.
constexpr const char* kSchemaV18 = R"SQL(
ALTER TABLE sales ADD COLUMN quarter_seen INTEGER NOT NULL DEFAULT 0;
)SQL" LOY_SALES_SEEN_REWRITE R"SQL(;
CREATE TABLE sales_late(
  created_at INTEGER NOT NULL,
  id INTEGER NOT NULL,
  PRIMARY KEY(created_at, id)) WITHOUT ROWID;
INSERT INTO sales_late(created_at, id) )SQL" LOY_SALES_LATE_OF_SALES R"SQL(;
CREATE TRIGGER sales_late_i AFTER INSERT ON sales
  WHEN NEW.created_at / 900000 < NEW.quarter_seen BEGIN
  INSERT INTO sales_late(created_at, id) VALUES (NEW.created_at, NEW.id);
END;
DROP INDEX sales_time;
)SQL";

// Version 19: what a lot is (its points and dates) is packed in the row of the entry that opened
// it (storage/lots_sql.hpp), not in a table of its own that every earning checkout wrote a leaf
// of (1.0 pages a checkout); `lots` is a view of them, with the ids and columns it had. The
// ledger's row is written anyway; `ledger_lots_append_only` refuses any change of its lots but an
// append, as the moves' trigger does. The upgrade packs each entry's lots in id order, with each
// lot's place among its entry's (its id less its entry's times 2^20), so every id stays as it was.
constexpr const char* kSchemaV19 = R"SQL(
ALTER TABLE ledger ADD COLUMN lots TEXT;
UPDATE ledger SET lots = (SELECT json_group_array(json_array(n, points, available_at,
  expires_at)) FROM (SELECT l.id - l.entry_id * )SQL" LOY_SQL_NUMBER(LOY_LOTS_PER_ENTRY) R"SQL( AS n,
  l.points, l.available_at, l.expires_at FROM lots l WHERE )SQL" LOY_LOT_IDS_OF_ENTRY(
    "l.id", "ledger.id") R"SQL( ORDER BY l.id))
  WHERE id IN (SELECT entry_id FROM lots);
CREATE TRIGGER ledger_lots_append_only BEFORE UPDATE OF lots ON ledger
  WHEN OLD.lots IS NOT NULL AND (NEW.lots IS NULL OR substr(NEW.lots, 1, length(OLD.lots) - 1)
    IS NOT substr(OLD.lots, 1, length(OLD.lots) - 1))
  BEGIN SELECT RAISE(ABORT, 'lots are append-only'); END;
DROP TABLE lots;
)SQL" LOY_LOTS_VIEW R"SQL(;
)SQL";

// Version 20: a journal record keyed by its origin's range and its seq (storage/journal_keys.hpp),
// not by the order of writing with a unique index of (origin, seq) beside it that every checkout
// wrote a leaf of (1.0 pages a checkout). The origins the file has written as so far (its own
// origin's till: its generations) are its writers. The upgrade copies the records into the new
// table in key order, as version 9 did into the one it made.
constexpr const char* kSchemaV20 = R"SQL(
ALTER TABLE origins ADD COLUMN writer INTEGER NOT NULL DEFAULT 0;
UPDATE origins SET writer = 1 WHERE till = (SELECT o.till FROM origins o JOIN meta m ON
  m.key = 'origin' AND o.name = m.value);
ALTER TABLE origins ADD COLUMN journal_range INTEGER AS ()SQL" LOY_JOURNAL_RANGE R"SQL() VIRTUAL;
CREATE TABLE journal_keyed(
  id INTEGER PRIMARY KEY,
)SQL" LOY_JOURNAL_RECORD_COLUMNS R"SQL(
  CHECK (origin BETWEEN 1 AND 2097151 AND seq BETWEEN 1 AND 1099511627775
    AND id % 1099511627776 = seq));
INSERT INTO journal_keyed(id, origin, seq, kind, idem_key, body, prev, hash, created_at)
  SELECT )SQL" LOY_JOURNAL_KEY("o.journal_range", "j.seq") R"SQL( AS k, j.origin, j.seq, j.kind,
    j.idem_key, j.body, j.prev, j.hash, j.created_at FROM journal j JOIN origins o ON
    o.id = j.origin ORDER BY k;
)SQL" LOY_JOURNAL_SWAP("journal_keyed") R"SQL(
)SQL";

// Version 21: a member's uses of a campaign, which a per-member limit counts, are found through
// the member's sales, not by an index of the uses by campaign and member that every checkout with
// a coupon wrote a leaf of (1.1 pages a checkout, 1.3 at a million members). The index of a
// member's sales carries each sale's range of coupon uses (storage/sale_parts.hpp), so the count
// reads the member's sales in the limit's period from that index alone and only the uses of the
// sales that had any (Impl::fill_uses).
constexpr const char* kSchemaV21 = R"SQL(
DROP INDEX coupon_uses_campaign;
DROP INDEX sales_member;
CREATE INDEX sales_member ON sales(member_id, created_at, uses_from, uses_to)
  WHERE member_id IS NOT NULL;
)SQL";

// Version 22: a campaign's totals kept only for the campaigns a programme limits
// (storage/campaign_totals.hpp): a use of a campaign without a limit writes no page of
// `campaign_totals` (0.99 pages a checkout). A programme stored in the file starts the totals
// of the campaigns it limits. The rows a file has are kept (each still equals its uses); the
// upgrade starts those of the limited campaigns that have none.
constexpr const char* kSchemaV22 = R"SQL(
CREATE TRIGGER programs_campaign_totals AFTER INSERT ON programs BEGIN
  )SQL" LOY_START_CAMPAIGN_TOTALS("json_each(NEW.body, '$.campaigns') k") R"SQL(;
END;
)SQL" LOY_START_CAMPAIGN_TOTALS(LOY_ALL_PROGRAMMES_CAMPAIGNS) R"SQL(;
)SQL";

// SQL: the row of ledger_open when NEW ends a range of entries that the totals do not count yet.
#define LOY_LEDGER_RANGE_ENDS                                                             \
    "SELECT 1 FROM ledger_open WHERE first_id < NEW.id AND (quarter <> NEW.created_at / " \
    "900000 OR NEW.id - first_id >= " LOY_OPEN_RANGE_ENTRIES ")"

// SQL, in a trigger on the ledger: the range of entries the totals do not count yet, up to NEW,
// added to them in one grouped pass (nothing when it is empty or there is none).
#define LOY_LEDGER_RANGE_ADD \
    "INSERT INTO ledger_totals(quarter, branch, kind, points, entries, first_id, last_id)\n" \
    "    " LOY_LEDGER_TOTALS_OF_ROWS("(" LOY_LEDGER_OPEN_ROWS ")", "last_id < NEW.id")        \
    "\n    ON CONFLICT DO UPDATE SET points = points + excluded.points,\n"                   \
    "      entries = entries + excluded.entries, "                                           \
    "first_id = MIN(first_id, excluded.first_id),\n"                                         \
    "      last_id = MAX(last_id, excluded.last_id);"

// SQL, in a trigger on the ledger: a late NEW counted in its own quarter-hour and listed, and the
// range of entries the totals do not count yet started after NEW (late) or at it.
#define LOY_LEDGER_RANGE_NEXT                                                                     \
    "INSERT INTO ledger_totals(quarter, branch, kind, points, entries, first_id, last_id) "       \
    "SELECT NEW.created_at / 900000, COALESCE(NEW.branch, ''), NEW.kind, NEW.points, 1, NEW.id, " \
    "0 FROM ledger_open WHERE NEW.created_at / 900000 < quarter ON CONFLICT DO UPDATE SET "       \
    "points = points + excluded.points, entries = entries + 1; INSERT INTO "                      \
    "ledger_late(created_at, id) SELECT NEW.created_at, NEW.id FROM ledger_open WHERE "           \
    "NEW.created_at / 900000 < quarter; INSERT INTO ledger_open(one, quarter, first_id) SELECT "  \
    "1, MAX(NEW.created_at / 900000, COALESCE(MAX(quarter), -1)), CASE WHEN NEW.created_at / "    \
    "900000 < MAX(quarter) THEN NEW.id + 1 ELSE NEW.id END FROM ledger_open WHERE true ON "       \
    "CONFLICT DO UPDATE SET quarter = excluded.quarter, first_id = excluded.first_id;"

// Version 23: the newest quarter-hour's entries added to the report totals when the quarter-hour
// is over, not one by one (storage/ledger_totals.hpp): each entry written in time in it wrote a
// page of `ledger_totals` (0.99 pages a checkout). Two triggers do what the totals' two did,
// reading the newest quarter-hour from `ledger_open` instead of the totals' last key. The
// upgrade keeps the totals, which count every entry so far, and opens the range after the last.
constexpr const char* kSchemaV23 = R"SQL(
CREATE TABLE ledger_open(
  one INTEGER PRIMARY KEY CHECK (one = 1),
  quarter INTEGER NOT NULL,
  first_id INTEGER NOT NULL);
INSERT INTO ledger_open(one, quarter, first_id)
  SELECT 1, q, n FROM (SELECT MAX(quarter) AS q FROM ledger_totals),
    (SELECT COALESCE(MAX(id), 0) + 1 AS n FROM ledger) WHERE q IS NOT NULL;
DROP TRIGGER ledger_late_i;
DROP TRIGGER ledger_totals_i;
-- The range of entries the totals do not count yet ends before NEW when NEW is of a later
-- quarter-hour, is late, or would make the range too long. A range with entries is then added to
-- the totals (ledger_totals_add; a grouped pass), and either trigger goes on alike: a late entry
-- is counted in its own quarter-hour and listed, and the range starts after it (none in the range
-- is late); else the range starts at NEW, in its quarter-hour. At most one of the two runs for an
-- entry (their WHENs exclude each other), so their order does not matter: ledger_totals_i when
-- there is no range yet, or an empty one and NEW is of another quarter-hour; neither when NEW
-- goes on a range of its own quarter-hour short of the cap.
CREATE TRIGGER ledger_totals_add AFTER INSERT ON ledger
  WHEN EXISTS ()SQL" LOY_LEDGER_RANGE_ENDS R"SQL() BEGIN
  )SQL" LOY_LEDGER_RANGE_ADD R"SQL(
  )SQL" LOY_LEDGER_RANGE_NEXT R"SQL(
END;
CREATE TRIGGER ledger_totals_i AFTER INSERT ON ledger
  WHEN NOT EXISTS (SELECT 1 FROM ledger_open WHERE first_id < NEW.id OR
    quarter = NEW.created_at / 900000) BEGIN
  )SQL" LOY_LEDGER_RANGE_NEXT R"SQL(
END;
)SQL";

// Version 24: one trigger on the ledger, whose work is in a second one that runs only when a
// range ends. SQLite gives each run of a trigger a frame of registers as large as its whole
// program, zeroed and freed again even when its WHEN turns it away; the two triggers of version
// 23, with their grouped pass and upserts, cost about 21,000 instructions an entry in the
// checkouts where neither did anything. Now `ledger_totals_i` holds only its WHEN (the two
// WHENs of version 23 joined: an entry goes on a range of its own quarter-hour short of the cap,
// or not) and one insert into the view `ledger_range_ends`, which holds no rows; its INSTEAD OF
// trigger adds the range to the totals (none when it is empty, or when there is no range yet)
// and goes on as both did.
constexpr const char* kSchemaV24 = R"SQL(
DROP TRIGGER ledger_totals_add;
DROP TRIGGER ledger_totals_i;
CREATE VIEW ledger_range_ends(id, created_at, branch, kind, points) AS
  SELECT id, created_at, branch, kind, points FROM ledger WHERE false;
CREATE TRIGGER ledger_range_ends_i INSTEAD OF INSERT ON ledger_range_ends BEGIN
  )SQL" LOY_LEDGER_RANGE_ADD R"SQL(
  )SQL" LOY_LEDGER_RANGE_NEXT R"SQL(
END;
CREATE TRIGGER ledger_totals_i AFTER INSERT ON ledger
  WHEN NOT EXISTS (SELECT 1 FROM ledger_open WHERE quarter = NEW.created_at / 900000 AND
    NEW.id - first_id < )SQL" LOY_OPEN_RANGE_ENTRIES R"SQL() BEGIN
  INSERT INTO ledger_range_ends(id, created_at, branch, kind, points)
    VALUES (NEW.id, NEW.created_at, NEW.branch, NEW.kind, NEW.points);
END;
)SQL";

// Version 25: a member's ledger entries, sales and open lots in one b-tree
// (storage/member_index.hpp): the ledger's index by member, the sales' index by member and
// `lots_left` each had a leaf written at every checkout. The upgrade copies the three into
// `member_index` in its key's order, drops the two indexes and the table, puts views in their
// place; triggers on the ledger and the sales write their rows from then on.
constexpr const char* kSchemaV25 = R"SQL(
ALTER TABLE lots_left RENAME TO lots_left_14;
)SQL" LOY_MEMBER_INDEX R"SQL(
)SQL" LOY_MEMBER_ENTRIES_WRITE R"SQL(;
)SQL" LOY_MEMBER_SALES_WRITE R"SQL(;
INSERT INTO member_index(member_id, part, id, expires_at, available_at, remaining)
  SELECT member_id, 2, id, expires_at, available_at, remaining FROM lots_left_14
  ORDER BY member_id, id;
DROP TABLE lots_left_14;
DROP INDEX sales_member;
DROP INDEX ledger_member;
)SQL";

}  // namespace

void migrate_lean(Connection& c, std::int64_t from) {
    if (from < 9) c.exec(kSchemaV9);
    if (from < 10) c.exec(kSchemaV10);
    if (from < 12) c.exec(kSchemaV12);
    if (from < 13) c.exec(kSchemaV13);
    if (from < 14) c.exec(kSchemaV14);
    if (from < 15) c.exec(kSchemaV15);
    if (from < 16) c.exec(kSchemaV16);
    // Version 17 changes no table: a journal record's body is stored with the keys of a fixed
    // dictionary as codes (storage/record_packing.hpp), where a checkout's record of 2.2 KB
    // filled a leaf of the journal alone (2 pages a checkout with its parent); the bodies written
    // before read as themselves and stay as they are (the journal is append-only, and rewriting
    // it would make the upgrade of a large file long). The number goes up so that a library of
    // an earlier version, which would take the codes for text, refuses the file.
    if (from < 18) c.exec(kSchemaV18);
    if (from < 19) c.exec(kSchemaV19);
    if (from < 20) c.exec(kSchemaV20);
    if (from < 21) c.exec(kSchemaV21);
    if (from < 22) c.exec(kSchemaV22);
    if (from < 23) c.exec(kSchemaV23);
    if (from < 24) c.exec(kSchemaV24);
    if (from < 25) c.exec(kSchemaV25);
    // Each later version adds one `if (from < N)` step here.
}

}  // namespace loyalty::storage
