// Each schema version's SQL, and the steps that take a file from one version to the latest.
#include "storage/schema_versions.hpp"

#include <string>
#include <utility>
#include <vector>

#include "sha256.hpp"
#include "storage/schema.hpp"

namespace loyalty::storage {

namespace {

// Version 1. The ledger and lot moves are append-only (enforced by triggers); balances and lot
// remainders are materialised in the same transaction as the entries that change them, and
// loy_verify() recomputes them.
constexpr const char* kSchemaV1 = R"SQL(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE origins(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE currencies(code TEXT PRIMARY KEY, exponent INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO currencies VALUES ('IRR', 0), ('IRT', 0), ('USD', 2), ('EUR', 2), ('AED', 2);

CREATE TABLE members(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  status INTEGER NOT NULL DEFAULT 0,
  phone TEXT UNIQUE,
  card TEXT UNIQUE,
  name TEXT,
  name_key TEXT,
  email TEXT,
  birth_year INTEGER NOT NULL DEFAULT 0,
  birth_month INTEGER NOT NULL DEFAULT 0,
  birth_day INTEGER NOT NULL DEFAULT 0,
  gender TEXT,
  language TEXT,
  consent_sms INTEGER NOT NULL DEFAULT 0,
  consent_email INTEGER NOT NULL DEFAULT 0,
  consent_push INTEGER NOT NULL DEFAULT 0,
  branch TEXT,
  referrer_id INTEGER REFERENCES members(id),
  referral_code TEXT NOT NULL UNIQUE,
  merged_into INTEGER REFERENCES members(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  balance INTEGER NOT NULL DEFAULT 0,
  lifetime_earned INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX members_name ON members(name_key) WHERE name_key IS NOT NULL;
CREATE INDEX members_merged ON members(merged_into) WHERE merged_into IS NOT NULL;
CREATE TABLE member_tags(
  member_id INTEGER NOT NULL REFERENCES members(id),
  tag TEXT NOT NULL,
  PRIMARY KEY(member_id, tag)) WITHOUT ROWID;
CREATE INDEX member_tags_tag ON member_tags(tag, member_id);
CREATE TABLE merges(
  id INTEGER PRIMARY KEY,
  survivor_id INTEGER NOT NULL REFERENCES members(id),
  absorbed_id INTEGER NOT NULL REFERENCES members(id),
  points_moved INTEGER NOT NULL,
  created_at INTEGER NOT NULL);

CREATE TABLE programs(
  version INTEGER PRIMARY KEY,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL);

CREATE TABLE requests(
  key TEXT PRIMARY KEY,
  op TEXT NOT NULL,
  request TEXT NOT NULL,
  status INTEGER NOT NULL,
  message TEXT NOT NULL,
  result_id INTEGER,
  result_value INTEGER,
  created_at INTEGER NOT NULL) WITHOUT ROWID;

CREATE TABLE sales(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  member_id INTEGER REFERENCES members(id),
  receipt TEXT, branch TEXT, terminal TEXT, cashier TEXT,
  currency TEXT NOT NULL,
  total INTEGER NOT NULL,
  tax INTEGER NOT NULL, service INTEGER NOT NULL, tip INTEGER NOT NULL,
  points_earned INTEGER NOT NULL,
  charge_points INTEGER NOT NULL,
  points_redeemed INTEGER NOT NULL,
  redeem_value INTEGER NOT NULL,
  amount_due INTEGER NOT NULL,
  program_version INTEGER NOT NULL,
  explanation TEXT NOT NULL,
  balance_after INTEGER NOT NULL DEFAULT 0,
  available_after INTEGER NOT NULL DEFAULT 0,
  status INTEGER NOT NULL DEFAULT 0, -- 0 sold, 1 partly refunded, 2 fully refunded, 3 voided
  created_at INTEGER NOT NULL);
CREATE INDEX sales_member ON sales(member_id, created_at) WHERE member_id IS NOT NULL;
CREATE INDEX sales_time ON sales(created_at);
CREATE TABLE sale_lines(
  sale_id INTEGER NOT NULL REFERENCES sales(id),
  line_no INTEGER NOT NULL,
  sku TEXT NOT NULL, category TEXT NOT NULL,
  quantity_milli INTEGER NOT NULL, unit_price INTEGER NOT NULL, discount INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  points INTEGER NOT NULL,
  PRIMARY KEY(sale_id, line_no)) WITHOUT ROWID;
CREATE TABLE sale_tenders(
  sale_id INTEGER NOT NULL REFERENCES sales(id),
  line_no INTEGER NOT NULL,
  type TEXT NOT NULL,
  amount INTEGER NOT NULL,
  PRIMARY KEY(sale_id, line_no)) WITHOUT ROWID;
CREATE TABLE refunds(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  sale_id INTEGER NOT NULL REFERENCES sales(id),
  kind INTEGER NOT NULL, -- 1 refund, 2 void
  amount INTEGER NOT NULL,
  points_reversed INTEGER NOT NULL,
  points_restored INTEGER NOT NULL,
  value_restored INTEGER NOT NULL,
  balance_after INTEGER NOT NULL DEFAULT 0,
  available_after INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
CREATE INDEX refunds_sale ON refunds(sale_id);
CREATE TABLE refund_lines(
  refund_id INTEGER NOT NULL REFERENCES refunds(id),
  line_no INTEGER NOT NULL,
  quantity_milli INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  points INTEGER NOT NULL,
  PRIMARY KEY(refund_id, line_no)) WITHOUT ROWID;

CREATE TABLE ledger(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  member_id INTEGER NOT NULL REFERENCES members(id),
  kind INTEGER NOT NULL,
  points INTEGER NOT NULL,
  sale_id INTEGER REFERENCES sales(id),
  refund_id INTEGER REFERENCES refunds(id),
  corrects INTEGER REFERENCES ledger(id),
  reason TEXT,
  operator TEXT,
  branch TEXT,
  terminal TEXT,
  program_version INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE INDEX ledger_member ON ledger(member_id, id);
CREATE INDEX ledger_reason ON ledger(member_id, kind, reason);
CREATE INDEX ledger_sale ON ledger(sale_id) WHERE sale_id IS NOT NULL;
CREATE INDEX ledger_corrects ON ledger(corrects) WHERE corrects IS NOT NULL;
CREATE TRIGGER ledger_append_only_u BEFORE UPDATE ON ledger
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_append_only_d BEFORE DELETE ON ledger
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;

CREATE TABLE lots(
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members(id),
  entry_id INTEGER NOT NULL REFERENCES ledger(id),
  points INTEGER NOT NULL,
  remaining INTEGER NOT NULL,
  available_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL);
CREATE INDEX lots_open ON lots(member_id, expires_at, id) WHERE remaining > 0;
CREATE INDEX lots_expiry ON lots(expires_at) WHERE remaining > 0;
CREATE INDEX lots_entry ON lots(entry_id);
CREATE TABLE lot_moves(
  entry_id INTEGER NOT NULL REFERENCES ledger(id),
  lot_id INTEGER NOT NULL REFERENCES lots(id),
  points INTEGER NOT NULL,
  PRIMARY KEY(entry_id, lot_id)) WITHOUT ROWID;
CREATE INDEX lot_moves_lot ON lot_moves(lot_id);
CREATE TRIGGER lot_moves_append_only_u BEFORE UPDATE ON lot_moves
  BEGIN SELECT RAISE(ABORT, 'lot moves are append-only'); END;
CREATE TRIGGER lot_moves_append_only_d BEFORE DELETE ON lot_moves
  BEGIN SELECT RAISE(ABORT, 'lot moves are append-only'); END;
)SQL";

// Version 2: tiers and paid plans. Ledger entries gain a `source` (what kind of earning they are,
// for tier scores); existing entries are backfilled, with the append-only trigger lifted only
// for the duration of this migration's transaction.
constexpr const char* kSchemaV2 = R"SQL(
ALTER TABLE ledger ADD COLUMN source TEXT;
DROP TRIGGER ledger_append_only_u;
UPDATE ledger SET source = CASE kind
  WHEN 1 THEN 'purchase'
  WHEN 7 THEN CASE WHEN reason LIKE 'birthday:%' THEN 'birthday' ELSE 'purchase' END
  WHEN 8 THEN 'event:' || reason
  WHEN 4 THEN 'adjust'
  WHEN 10 THEN 'merge'
  ELSE NULL END;
UPDATE ledger SET source = (SELECT c.source FROM ledger c WHERE c.id = ledger.corrects)
  WHERE kind = 5;
CREATE TRIGGER ledger_append_only_u BEFORE UPDATE ON ledger
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE INDEX ledger_source ON ledger(member_id, source, created_at) WHERE source IS NOT NULL;

ALTER TABLE members ADD COLUMN tier TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN tier_since INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN tier_at_risk_since INTEGER NOT NULL DEFAULT 0;
CREATE TABLE tier_events(
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members(id),
  from_tier TEXT NOT NULL,
  to_tier TEXT NOT NULL,
  reason TEXT NOT NULL,
  score INTEGER NOT NULL,
  sale_id INTEGER REFERENCES sales(id),
  program_version INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE INDEX tier_events_member ON tier_events(member_id, id);
CREATE TRIGGER tier_events_append_only_u BEFORE UPDATE ON tier_events
  BEGIN SELECT RAISE(ABORT, 'tier events are append-only'); END;
CREATE TRIGGER tier_events_append_only_d BEFORE DELETE ON tier_events
  BEGIN SELECT RAISE(ABORT, 'tier events are append-only'); END;

CREATE TABLE subscriptions(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  member_id INTEGER NOT NULL REFERENCES members(id),
  plan_id TEXT NOT NULL,
  sale_id INTEGER REFERENCES sales(id),
  line_no INTEGER,
  fee INTEGER NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  cancelled_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
CREATE INDEX subscriptions_member ON subscriptions(member_id, ends_at);

ALTER TABLE sale_lines ADD COLUMN plan_id TEXT;
ALTER TABLE sale_lines ADD COLUMN benefit_discount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sales ADD COLUMN benefit_discount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sales ADD COLUMN tier_before TEXT NOT NULL DEFAULT '';
ALTER TABLE sales ADD COLUMN tier_after TEXT NOT NULL DEFAULT '';
)SQL";

}  // namespace

const char* schema_v1_sql() noexcept {
    return kSchemaV1;
}

namespace {

// Version 3: coupons, the wallet, rewards, partners and prize draws.
constexpr const char* kSchemaV3 = R"SQL(
CREATE TABLE coupon_batches(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  campaign_id TEXT NOT NULL,
  count INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE coupons(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  campaign_id TEXT NOT NULL,
  code TEXT NOT NULL UNIQUE,
  member_id INTEGER REFERENCES members(id),
  batch_id INTEGER REFERENCES coupon_batches(id),
  max_uses INTEGER NOT NULL,
  valid_until INTEGER NOT NULL,
  issued_sale_id INTEGER REFERENCES sales(id),
  revoked_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
CREATE INDEX coupons_member ON coupons(member_id) WHERE member_id IS NOT NULL;
CREATE INDEX coupons_batch ON coupons(batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX coupons_sale ON coupons(issued_sale_id) WHERE issued_sale_id IS NOT NULL;
CREATE TABLE coupon_uses(
  id INTEGER PRIMARY KEY,
  coupon_id INTEGER REFERENCES coupons(id),
  code TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  sale_id INTEGER NOT NULL REFERENCES sales(id),
  member_id INTEGER REFERENCES members(id),
  discount INTEGER NOT NULL,
  points INTEGER NOT NULL,
  partner_id TEXT,
  partner_funded INTEGER NOT NULL,
  branch TEXT,
  created_at INTEGER NOT NULL,
  restored_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX coupon_uses_campaign ON coupon_uses(campaign_id, member_id) WHERE restored_at = 0;
-- Per campaign, the uses and discount that count against its limits, kept with every use and
-- restore (a COUNT over every use would slow each checkout as a campaign grows).
CREATE TABLE campaign_totals(
  campaign_id TEXT PRIMARY KEY,
  uses INTEGER NOT NULL,
  discount INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX coupon_uses_coupon ON coupon_uses(coupon_id) WHERE coupon_id IS NOT NULL;
CREATE INDEX coupon_uses_sale ON coupon_uses(sale_id);

CREATE TABLE wallet_entries(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  member_id INTEGER NOT NULL REFERENCES members(id),
  kind INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  sale_id INTEGER REFERENCES sales(id),
  refund_id INTEGER REFERENCES refunds(id),
  corrects INTEGER REFERENCES wallet_entries(id),
  reason TEXT,
  operator TEXT,
  available_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE INDEX wallet_member ON wallet_entries(member_id, available_at);
CREATE INDEX wallet_sale ON wallet_entries(sale_id) WHERE sale_id IS NOT NULL;
CREATE TRIGGER wallet_append_only_u BEFORE UPDATE ON wallet_entries
  BEGIN SELECT RAISE(ABORT, 'the wallet ledger is append-only'); END;
CREATE TRIGGER wallet_append_only_d BEFORE DELETE ON wallet_entries
  BEGIN SELECT RAISE(ABORT, 'the wallet ledger is append-only'); END;
ALTER TABLE members ADD COLUMN wallet_balance INTEGER NOT NULL DEFAULT 0;

CREATE TABLE reward_redemptions(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  member_id INTEGER NOT NULL REFERENCES members(id),
  reward_id TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  points INTEGER NOT NULL,
  entry_id INTEGER NOT NULL REFERENCES ledger(id),
  coupon_id INTEGER REFERENCES coupons(id),
  wallet_entry_id INTEGER REFERENCES wallet_entries(id),
  cause TEXT,
  refunded_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
CREATE INDEX reward_redemptions_reward ON reward_redemptions(reward_id, member_id);

CREATE TABLE partner_redemptions(
  id INTEGER PRIMARY KEY,
  partner_id TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  code TEXT NOT NULL,
  amount INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE INDEX partner_redemptions_partner ON partner_redemptions(partner_id, created_at);

CREATE TABLE draw_tickets(
  id INTEGER PRIMARY KEY,
  draw_id TEXT NOT NULL,
  member_id INTEGER NOT NULL REFERENCES members(id),
  entries INTEGER NOT NULL,
  entry_id INTEGER REFERENCES ledger(id),
  created_at INTEGER NOT NULL);
CREATE INDEX draw_tickets_draw ON draw_tickets(draw_id, member_id);
CREATE TABLE draw_results(
  draw_id TEXT PRIMARY KEY,
  seed TEXT NOT NULL,
  total_entries INTEGER NOT NULL,
  created_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE draw_winners(
  draw_id TEXT NOT NULL,
  rank INTEGER NOT NULL,
  member_id INTEGER NOT NULL REFERENCES members(id),
  ticket INTEGER NOT NULL,
  PRIMARY KEY(draw_id, rank)) WITHOUT ROWID;

-- Index diet (fewer pages written per sale): the reason index only serves bonus and event
-- look-ups (kinds 7 and 8), and tier scores start from the member's own entries.
DROP INDEX ledger_reason;
CREATE INDEX ledger_reason ON ledger(member_id, kind, reason) WHERE kind IN (7, 8);
DROP INDEX ledger_source;

ALTER TABLE sales ADD COLUMN coupon_discount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sales ADD COLUMN wallet_paid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sales ADD COLUMN cashback INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sale_lines ADD COLUMN coupon_discount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE refunds ADD COLUMN wallet_restored INTEGER NOT NULL DEFAULT 0;
ALTER TABLE refunds ADD COLUMN cashback_reversed INTEGER NOT NULL DEFAULT 0;
)SQL";

// Version 4: the message outbox (docs/reports.md). One row per message the programme called
// for, including those suppressed (no consent, frequency cap) and held out of a campaign, so a
// trigger occurrence is never produced twice (the UNIQUE constraint) and reports see them all.
constexpr const char* kSchemaV4 = R"SQL(
CREATE TABLE outbox(
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members(id),
  kind TEXT NOT NULL,          -- the trigger (welcome, earned...) or 'campaign'
  occurrence TEXT NOT NULL,    -- which event: a sale, a tier event, an expiry day, a campaign
  campaign_id TEXT,
  channel TEXT NOT NULL,
  address TEXT NOT NULL,
  language TEXT NOT NULL,
  body TEXT NOT NULL,
  marketing INTEGER NOT NULL,
  status INTEGER NOT NULL,     -- 0 pending, 1 sent, 2 failed, 3 suppressed, 4 holdout
  reason TEXT NOT NULL DEFAULT '',
  due_at INTEGER NOT NULL,
  leased_until INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  sent_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  UNIQUE(member_id, kind, occurrence, channel));
CREATE INDEX outbox_due ON outbox(due_at) WHERE status = 0;
CREATE INDEX outbox_member ON outbox(member_id, created_at);
CREATE INDEX outbox_campaign ON outbox(campaign_id) WHERE campaign_id IS NOT NULL;
-- Per trigger, the last event (member, sale, tier event, coupon) already looked at.
CREATE TABLE message_cursors(kind TEXT PRIMARY KEY, last_id INTEGER NOT NULL) WITHOUT ROWID;
)SQL";

// Version 5: the request log keeps a SHA-256 digest of each request, not its text, so that no
// personal data (an enrolment's phone and name) stays in it. The texts already stored are replaced
// by their digests, which is what a retry's request is compared with from now on.
void migrate_v5(Connection& c) {
    c.exec("ALTER TABLE requests RENAME COLUMN request TO digest");
    std::vector<std::pair<std::string, std::string>> rows;
    {
        auto q = c.query("SELECT key, digest FROM requests");
        while (q.next())
            rows.emplace_back(q.text(0), sha256_hex(q.text(1)));
    }
    for (const auto& [key, digest] : rows)
        c.query("UPDATE requests SET digest=? WHERE key=?", digest, key).run();
}

// Version 6: chain-wide ids and the journal (docs/journal.md).
// - An origin is a terminal (`till`) and a generation: a file found copied, moved to another
//   file or restored gets a new generation, a new origins row, and so a new space of ids.
// - A fact's id is (origin, seq). A row written in this file has origin_seq NULL and its seq is
//   its own id, so every id printed so far stays what it was and a local write costs nothing
//   more; a row copied from another file keeps its origin and seq (origin_seq set, UNIQUE).
// - The journal: per origin, one hash-chained record per committed write, append-only. A file
//   that held facts before it had a journal says so in meta (`facts_before_journal`): its state
//   cannot be rebuilt from the journal alone.
constexpr const char* kSchemaV6 = R"SQL(
ALTER TABLE origins ADD COLUMN till TEXT;
ALTER TABLE origins ADD COLUMN generation INTEGER NOT NULL DEFAULT 1;
UPDATE origins SET till = name;
ALTER TABLE coupon_uses ADD COLUMN origin INTEGER REFERENCES origins(id);
ALTER TABLE tier_events ADD COLUMN origin INTEGER REFERENCES origins(id);
UPDATE coupon_uses SET origin = (SELECT origin FROM sales WHERE sales.id = coupon_uses.sale_id);
DROP TRIGGER tier_events_append_only_u;
UPDATE tier_events SET origin = COALESCE(
  (SELECT origin FROM sales WHERE sales.id = tier_events.sale_id),
  (SELECT id FROM origins WHERE name = (SELECT value FROM meta WHERE key = 'origin')),
  (SELECT MIN(id) FROM origins));
CREATE TRIGGER tier_events_append_only_u BEFORE UPDATE ON tier_events
  BEGIN SELECT RAISE(ABORT, 'tier events are append-only'); END;
ALTER TABLE members ADD COLUMN origin_seq INTEGER;
CREATE UNIQUE INDEX members_origin_seq ON members(origin, origin_seq) WHERE origin_seq IS NOT NULL;
ALTER TABLE sales ADD COLUMN origin_seq INTEGER;
CREATE UNIQUE INDEX sales_origin_seq ON sales(origin, origin_seq) WHERE origin_seq IS NOT NULL;
ALTER TABLE refunds ADD COLUMN origin_seq INTEGER;
CREATE UNIQUE INDEX refunds_origin_seq ON refunds(origin, origin_seq) WHERE origin_seq IS NOT NULL;
ALTER TABLE ledger ADD COLUMN origin_seq INTEGER;
CREATE UNIQUE INDEX ledger_origin_seq ON ledger(origin, origin_seq) WHERE origin_seq IS NOT NULL;
ALTER TABLE wallet_entries ADD COLUMN origin_seq INTEGER;
CREATE UNIQUE INDEX wallet_entries_origin_seq ON wallet_entries(origin, origin_seq) WHERE origin_seq IS NOT NULL;
ALTER TABLE coupons ADD COLUMN origin_seq INTEGER;
CREATE UNIQUE INDEX coupons_origin_seq ON coupons(origin, origin_seq) WHERE origin_seq IS NOT NULL;
ALTER TABLE coupon_uses ADD COLUMN origin_seq INTEGER;
CREATE UNIQUE INDEX coupon_uses_origin_seq ON coupon_uses(origin, origin_seq) WHERE origin_seq IS NOT NULL;
ALTER TABLE reward_redemptions ADD COLUMN origin_seq INTEGER;
CREATE UNIQUE INDEX reward_redemptions_origin_seq ON reward_redemptions(origin, origin_seq) WHERE origin_seq IS NOT NULL;
ALTER TABLE subscriptions ADD COLUMN origin_seq INTEGER;
CREATE UNIQUE INDEX subscriptions_origin_seq ON subscriptions(origin, origin_seq) WHERE origin_seq IS NOT NULL;
ALTER TABLE tier_events ADD COLUMN origin_seq INTEGER;
CREATE UNIQUE INDEX tier_events_origin_seq ON tier_events(origin, origin_seq) WHERE origin_seq IS NOT NULL;
CREATE TABLE journal(
  origin INTEGER NOT NULL REFERENCES origins(id),
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  idem_key TEXT,
  body TEXT NOT NULL,
  prev TEXT NOT NULL,
  hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY(origin, seq)) WITHOUT ROWID;
CREATE TRIGGER journal_append_only_u BEFORE UPDATE ON journal
  BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_append_only_d BEFORE DELETE ON journal
  BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
ALTER TABLE sales ADD COLUMN hold_id TEXT;
ALTER TABLE sales ADD COLUMN redeem_mode INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger ADD COLUMN approver TEXT;
CREATE TABLE gift_cards(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  origin_seq INTEGER,
  code TEXT NOT NULL UNIQUE,
  currency TEXT NOT NULL,
  balance INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
CREATE UNIQUE INDEX gift_cards_origin_seq ON gift_cards(origin, origin_seq) WHERE origin_seq IS NOT NULL;
CREATE TABLE gift_card_activities(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  origin_seq INTEGER,
  card_id INTEGER NOT NULL REFERENCES gift_cards(id),
  kind INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  reference TEXT,
  branch TEXT,
  terminal TEXT,
  operator TEXT,
  created_at INTEGER NOT NULL);
CREATE INDEX gift_card_activities_card ON gift_card_activities(card_id);
CREATE INDEX gift_card_activities_time ON gift_card_activities(created_at);
CREATE UNIQUE INDEX gift_card_activities_origin_seq ON gift_card_activities(origin, origin_seq) WHERE origin_seq IS NOT NULL;
CREATE TRIGGER gift_card_activities_append_only_u BEFORE UPDATE ON gift_card_activities
  BEGIN SELECT RAISE(ABORT, 'gift card activities are append-only'); END;
CREATE TRIGGER gift_card_activities_append_only_d BEFORE DELETE ON gift_card_activities
  BEGIN SELECT RAISE(ABORT, 'gift card activities are append-only'); END;
CREATE TABLE holds(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  origin_seq INTEGER,
  member_id INTEGER NOT NULL REFERENCES members(id),
  asset INTEGER NOT NULL,       -- 0 points, 1 wallet money (minor units)
  amount INTEGER NOT NULL,
  reference TEXT,
  expires_at INTEGER NOT NULL,
  status INTEGER NOT NULL DEFAULT 0,
  captured INTEGER NOT NULL DEFAULT 0,
  closed_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
CREATE INDEX holds_open ON holds(member_id, asset) WHERE status = 0;
CREATE UNIQUE INDEX holds_origin_seq ON holds(origin, origin_seq) WHERE origin_seq IS NOT NULL;
CREATE TABLE sale_claims(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  origin_seq INTEGER,
  sale_id INTEGER NOT NULL UNIQUE REFERENCES sales(id),
  member_id INTEGER NOT NULL REFERENCES members(id),
  points_earned INTEGER NOT NULL,
  charge_points INTEGER NOT NULL,
  line_points TEXT NOT NULL,
  explanation TEXT NOT NULL,
  operator TEXT,
  created_at INTEGER NOT NULL);
CREATE UNIQUE INDEX sale_claims_origin_seq ON sale_claims(origin, origin_seq) WHERE origin_seq IS NOT NULL;
CREATE TRIGGER sale_claims_append_only_u BEFORE UPDATE ON sale_claims
  BEGIN SELECT RAISE(ABORT, 'sale claims are append-only'); END;
CREATE TRIGGER sale_claims_append_only_d BEFORE DELETE ON sale_claims
  BEGIN SELECT RAISE(ABORT, 'sale claims are append-only'); END;
CREATE INDEX sales_receipt ON sales(receipt, created_at) WHERE receipt IS NOT NULL;
ALTER TABLE sale_lines ADD COLUMN wallet_topup INTEGER; -- 1: the line loaded the wallet
ALTER TABLE gift_card_activities ADD COLUMN sale_id INTEGER REFERENCES sales(id);
ALTER TABLE gift_card_activities ADD COLUMN refund_id INTEGER REFERENCES refunds(id);
CREATE INDEX gift_card_activities_sale ON gift_card_activities(sale_id) WHERE sale_id IS NOT NULL;
CREATE TABLE households(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  origin_seq INTEGER,
  head_id INTEGER NOT NULL REFERENCES members(id),  -- whose ledger holds the pooled points
  created_at INTEGER NOT NULL);
CREATE UNIQUE INDEX households_origin_seq ON households(origin, origin_seq) WHERE origin_seq IS NOT NULL;
CREATE TABLE household_members(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  origin_seq INTEGER,
  household_id INTEGER NOT NULL REFERENCES households(id),
  member_id INTEGER NOT NULL REFERENCES members(id),
  left_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
CREATE INDEX household_members_member ON household_members(member_id) WHERE left_at = 0;
CREATE UNIQUE INDEX household_members_origin_seq ON household_members(origin, origin_seq) WHERE origin_seq IS NOT NULL;
CREATE TABLE stamp_entries(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  origin_seq INTEGER,
  member_id INTEGER NOT NULL REFERENCES members(id),
  stamp_card TEXT NOT NULL,
  stamps INTEGER NOT NULL,      -- + given, - taken back or spent on a reward
  sale_id INTEGER REFERENCES sales(id),
  refund_id INTEGER REFERENCES refunds(id),
  coupon_id INTEGER REFERENCES coupons(id),  -- the reward a full card issued
  created_at INTEGER NOT NULL);
CREATE INDEX stamp_entries_member ON stamp_entries(member_id, stamp_card);
CREATE INDEX stamp_entries_sale ON stamp_entries(sale_id) WHERE sale_id IS NOT NULL;
CREATE UNIQUE INDEX stamp_entries_origin_seq ON stamp_entries(origin, origin_seq) WHERE origin_seq IS NOT NULL;
CREATE TRIGGER stamp_entries_append_only_u BEFORE UPDATE ON stamp_entries
  BEGIN SELECT RAISE(ABORT, 'stamp entries are append-only'); END;
CREATE TRIGGER stamp_entries_append_only_d BEFORE DELETE ON stamp_entries
  BEGIN SELECT RAISE(ABORT, 'stamp entries are append-only'); END;
CREATE TABLE tier_assignments(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  origin_seq INTEGER,
  member_id INTEGER NOT NULL REFERENCES members(id),
  tier TEXT NOT NULL,           -- '' withdraws the assignment in force
  until INTEGER NOT NULL,       -- 0 = until withdrawn
  reason TEXT NOT NULL,
  operator TEXT,
  created_at INTEGER NOT NULL);
CREATE INDEX tier_assignments_member ON tier_assignments(member_id, created_at);
CREATE UNIQUE INDEX tier_assignments_origin_seq ON tier_assignments(origin, origin_seq) WHERE origin_seq IS NOT NULL;
CREATE TRIGGER tier_assignments_append_only_u BEFORE UPDATE ON tier_assignments
  BEGIN SELECT RAISE(ABORT, 'tier assignments are append-only'); END;
CREATE TRIGGER tier_assignments_append_only_d BEFORE DELETE ON tier_assignments
  BEGIN SELECT RAISE(ABORT, 'tier assignments are append-only'); END;
INSERT INTO meta(key, value) SELECT 'facts_before_journal', '1' WHERE
  EXISTS (SELECT 1 FROM members) OR EXISTS (SELECT 1 FROM sales) OR
  EXISTS (SELECT 1 FROM ledger) OR EXISTS (SELECT 1 FROM wallet_entries) OR
  EXISTS (SELECT 1 FROM coupons);
-- A lot's partial indexes follow a flag that changes once, when the lot is spent to nothing,
-- rather than `remaining`, which every spend changes: a spend that leaves points in the lot then
-- writes the lot's row alone, not both indexes too.
ALTER TABLE lots ADD COLUMN spent INTEGER NOT NULL DEFAULT 0;
UPDATE lots SET spent = 1 WHERE remaining <= 0;
DROP INDEX lots_open;
DROP INDEX lots_expiry;
CREATE INDEX lots_open ON lots(member_id, expires_at, id) WHERE spent = 0;
CREATE INDEX lots_expiry ON lots(expires_at) WHERE spent = 0;
)SQL";

// Version 7: points by quarter-hour (UTC), branch and kind, kept by a trigger as entries are
// written, and the ledger indexed by time. A report over millions of entries adds up these
// totals and reads only the entries in the quarter-hours at its edges (docs/reports.md,
// "How the reports scale"). A quarter-hour, because every UTC offset in use is a whole number of
// quarter-hours: a local day or month starts on one.
constexpr const char* kSchemaV7 = R"SQL(
CREATE TABLE ledger_totals(
  quarter INTEGER NOT NULL,
  branch TEXT NOT NULL,
  kind INTEGER NOT NULL,
  points INTEGER NOT NULL,
  entries INTEGER NOT NULL,
  PRIMARY KEY(quarter, branch, kind)) WITHOUT ROWID;
INSERT INTO ledger_totals(quarter, branch, kind, points, entries)
  SELECT created_at / 900000, COALESCE(branch, ''), kind, SUM(points), COUNT(*) FROM ledger
  GROUP BY 1, 2, 3;
CREATE TRIGGER ledger_totals_i AFTER INSERT ON ledger BEGIN
  INSERT INTO ledger_totals(quarter, branch, kind, points, entries)
    VALUES (NEW.created_at / 900000, COALESCE(NEW.branch, ''), NEW.kind, NEW.points, 1)
    ON CONFLICT DO UPDATE SET points = points + excluded.points, entries = entries + 1;
END;
CREATE INDEX ledger_time ON ledger(created_at);
)SQL";

// Version 8: a sale of a chain's till names the authority's holds for the coupons it used that a
// limit counts over the whole chain, for the wallet money and the gift cards it spent, and a
// reward redeemed at
// a till the hold for its points and stock (docs/chain.md, "Coupons in a chain", "Wallet money
// in a chain", "Rewards in a chain"); programmes released for the whole chain with a start
// time, a fact each, which every file that learns one turns into a version of its own that
// takes effect at the start ("Programmes for the whole chain").
constexpr const char* kSchemaV8 = R"SQL(
ALTER TABLE sales ADD COLUMN coupon_hold TEXT;
ALTER TABLE sales ADD COLUMN wallet_hold TEXT;
ALTER TABLE sales ADD COLUMN giftcard_hold TEXT;
ALTER TABLE reward_redemptions ADD COLUMN hold_id TEXT;
ALTER TABLE programs ADD COLUMN starts_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE programs ADD COLUMN release_id INTEGER;
CREATE TABLE program_releases(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  origin_seq INTEGER,
  body TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE UNIQUE INDEX program_releases_origin_seq ON program_releases(origin, origin_seq)
  WHERE origin_seq IS NOT NULL;
CREATE TRIGGER program_releases_append_only_u BEFORE UPDATE ON program_releases
  BEGIN SELECT RAISE(ABORT, 'programme releases are append-only'); END;
CREATE TRIGGER program_releases_append_only_d BEFORE DELETE ON program_releases
  BEGIN SELECT RAISE(ABORT, 'programme releases are append-only'); END;
CREATE TRIGGER program_releases_i AFTER INSERT ON program_releases BEGIN
  INSERT INTO programs(body, created_at, starts_at, release_id)
    VALUES (NEW.body, NEW.created_at, NEW.starts_at, NEW.id);
END;
)SQL";

}  // namespace

void migrate_schema(Connection& c, std::int64_t from, std::int64_t now_ms) {
    if (from < 1) {
        c.exec(kSchemaV1);
        c.query("INSERT INTO meta VALUES ('created_at', ?)", std::to_string(now_ms)).run();
    }
    if (from < 2) c.exec(kSchemaV2);
    if (from < 3) c.exec(kSchemaV3);
    if (from < 4) c.exec(kSchemaV4);
    if (from < 5) migrate_v5(c);
    if (from < 6) c.exec(kSchemaV6);
    if (from < 7) c.exec(kSchemaV7);
    if (from < 8) c.exec(kSchemaV8);
    migrate_lean(c, from);  // versions 9 and after: schema_versions_lean.cpp
}

}  // namespace loyalty::storage
