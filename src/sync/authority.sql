-- The chain's authority on PostgreSQL 15 (docs/chain.md): every till's journal records, kept
-- exactly once per (origin, seq), forks quarantined, and served to the other tills. A till's
-- role may only execute the functions below (SECURITY DEFINER); it holds no table privilege.
--
--   psql -v ON_ERROR_STOP=1 -f authority.sql        (as the owner of the database; re-runnable;
--                                                   it includes reports.sql beside it)
--
-- Records carry their hash: SHA-256 of their canonical text (prev, origin, seq, kind, key, time
-- and body, each written <name>=<bytes>:<value>;), which the authority computes again, so a
-- record changed on the way is refused like a fork would be.

CREATE SCHEMA IF NOT EXISTS loyalty;

-- loyalty_till: a till's role may push and pull; loyalty_manager: the chain's reports.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'loyalty_till') THEN
    CREATE ROLE loyalty_till NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'loyalty_manager') THEN
    CREATE ROLE loyalty_manager NOLOGIN;
  END IF;
END $$;

-- An origin: a till's name and generation (`golestan-t1`, `golestan-t1~2-3f9a1c`), what the
-- authority holds of it (the last seq and hash), and whether it was quarantined by a fork.
CREATE TABLE IF NOT EXISTS loyalty.origins(
  origin_id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  till text NOT NULL,
  generation int NOT NULL DEFAULT 1,
  acked_seq bigint NOT NULL DEFAULT 0,
  acked_hash text NOT NULL DEFAULT repeat('0', 64),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'quarantined')),
  registered_at timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz);

-- The records: the exactly-once fence is the primary key. `till_time` is the till's clock at
-- commit, `received_at` the authority's, so clock skew is measured.
CREATE TABLE IF NOT EXISTS loyalty.records(
  origin_id int NOT NULL REFERENCES loyalty.origins,
  seq bigint NOT NULL,
  kind text NOT NULL,
  idem_key text,
  body text NOT NULL,
  prev text NOT NULL,
  hash text NOT NULL,
  till_time bigint NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (origin_id, seq));

-- Records refused as forks, kept side by side with what the authority holds under their ids,
-- so that nothing a till sent is lost and the manager can see both.
CREATE TABLE IF NOT EXISTS loyalty.forks(
  fork_id bigserial PRIMARY KEY,
  origin_id int NOT NULL REFERENCES loyalty.origins,
  seq bigint NOT NULL,
  kind text NOT NULL,
  idem_key text,
  body text NOT NULL,
  prev text NOT NULL,
  hash text NOT NULL,
  till_time bigint NOT NULL,
  reason text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now());

-- Members' profiles (phone, card, name, e-mail, birthday, gender, language, tags): personal data,
-- which the journal never holds, kept here so that a member enrolled at one branch is found by
-- phone at another. The last writer wins, by the till's clock (then origin name); an erasure
-- empties the row for good and wins over every later write.
CREATE TABLE IF NOT EXISTS loyalty.profiles(
  member_uid text PRIMARY KEY,
  profile jsonb,
  erased boolean NOT NULL DEFAULT false,
  origin text NOT NULL,
  till_time bigint NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now());

-- The facts the chain's reports and balances need, taken from each record as it is pushed
-- (the record stays the fact of record; these rows are its projection on the authority).
CREATE TABLE IF NOT EXISTS loyalty.sales(
  sale_uid text PRIMARY KEY,
  origin_id int NOT NULL REFERENCES loyalty.origins,
  member_uid text,
  branch text,
  terminal text,
  currency text NOT NULL,
  total bigint NOT NULL,
  points_earned bigint NOT NULL,
  points_redeemed bigint NOT NULL,
  redeem_mode smallint NOT NULL DEFAULT 0,  -- 1 under a hold, 2 within a till's offline allowance
  till_time bigint NOT NULL);
-- An authority made by an earlier authority.sql gains the columns added since.
ALTER TABLE loyalty.sales ADD COLUMN IF NOT EXISTS redeem_mode smallint NOT NULL DEFAULT 0;
CREATE TABLE IF NOT EXISTS loyalty.refunds(
  refund_uid text PRIMARY KEY,
  sale_uid text NOT NULL,
  kind smallint NOT NULL,
  amount bigint NOT NULL,
  till_time bigint NOT NULL);
CREATE TABLE IF NOT EXISTS loyalty.entries(
  member_uid text NOT NULL,
  entry_uid text NOT NULL,
  kind smallint NOT NULL,
  points bigint NOT NULL,
  sale_uid text,
  till_time bigint NOT NULL,
  PRIMARY KEY (member_uid, entry_uid));
ALTER TABLE loyalty.entries ADD COLUMN IF NOT EXISTS branch text;
-- Each member's balance and lifetime earnings over the whole chain (the sum of its entries; the
-- earning kinds: earn, reversal of an earn, bonus, event).
CREATE TABLE IF NOT EXISTS loyalty.accounts(
  member_uid text PRIMARY KEY,
  balance bigint NOT NULL,
  lifetime bigint NOT NULL);

-- Holds: points reserved for a sale about to spend them, so that two tills cannot spend the same
-- points (TigerBeetle's pending transfers: pending, then posted by the sale that spent them, or
-- voided; a hold past its expiry no longer counts, which needs no process to survive a crash).
CREATE TABLE IF NOT EXISTS loyalty.holds(
  hold_id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  member_uid text NOT NULL,
  points bigint NOT NULL CHECK (points > 0),
  origin_id int NOT NULL REFERENCES loyalty.origins,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'posted', 'voided')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  posted_sale text,
  posted_points bigint,
  late boolean NOT NULL DEFAULT false);
CREATE INDEX IF NOT EXISTS holds_pending ON loyalty.holds(member_uid) WHERE status = 'pending';

-- Wallet money in a chain (docs/chain.md, "Wallet money in a chain"): every till's wallet
-- entries, and holds on the money a sale is about to pay from the wallet, as on points.
CREATE TABLE IF NOT EXISTS loyalty.wallet_entries(
  entry_uid text PRIMARY KEY,
  member_uid text NOT NULL,
  kind smallint NOT NULL,
  amount bigint NOT NULL,
  available_at bigint NOT NULL,  -- the till's clock, ms: cashback waits before it can be spent
  sale_uid text,
  till_time bigint NOT NULL);
CREATE INDEX IF NOT EXISTS wallet_entries_member ON loyalty.wallet_entries(member_uid);
CREATE TABLE IF NOT EXISTS loyalty.wallet_holds(
  hold_id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  member_uid text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  origin_id int NOT NULL REFERENCES loyalty.origins,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'posted', 'voided')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  posted_sale text,
  posted_amount bigint,
  late boolean NOT NULL DEFAULT false);
CREATE INDEX IF NOT EXISTS wallet_holds_pending ON loyalty.wallet_holds(member_uid)
  WHERE status = 'pending';

-- Rewards in a chain (docs/chain.md, "Rewards in a chain"): every till's reward redemptions,
-- and holds on a reward's points and stock taken before a till redeems it.
CREATE TABLE IF NOT EXISTS loyalty.reward_redemptions(
  redemption_uid text PRIMARY KEY,
  member_uid text NOT NULL,
  reward_id text NOT NULL,
  quantity bigint NOT NULL,
  points bigint NOT NULL,
  refunded boolean NOT NULL DEFAULT false,
  till_time bigint NOT NULL);
CREATE INDEX IF NOT EXISTS reward_redemptions_reward
  ON loyalty.reward_redemptions(reward_id, member_uid) WHERE NOT refunded;
CREATE TABLE IF NOT EXISTS loyalty.reward_holds(
  hold_id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  member_uid text NOT NULL,
  reward_id text NOT NULL,
  quantity bigint NOT NULL CHECK (quantity > 0),
  points bigint NOT NULL CHECK (points >= 0),
  origin_id int NOT NULL REFERENCES loyalty.origins,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'posted', 'voided')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  posted_redemption text,
  late boolean NOT NULL DEFAULT false);
CREATE INDEX IF NOT EXISTS reward_holds_pending ON loyalty.reward_holds(reward_id, member_uid)
  WHERE status = 'pending';

-- Gift cards in a chain (docs/chain.md, "Gift cards in a chain"): the cards every till sold and
-- their activities (loads, payments, refunds), and holds on what a sale is about to pay with them.
CREATE TABLE IF NOT EXISTS loyalty.gift_cards(
  card_uid text PRIMARY KEY,
  code text NOT NULL UNIQUE,
  till_time bigint NOT NULL);
CREATE TABLE IF NOT EXISTS loyalty.gift_card_activities(
  activity_uid text PRIMARY KEY,
  card_uid text NOT NULL,
  amount bigint NOT NULL,  -- signed: a load adds, a payment takes
  sale_uid text,
  till_time bigint NOT NULL);
CREATE INDEX IF NOT EXISTS gift_card_activities_card ON loyalty.gift_card_activities(card_uid);
CREATE TABLE IF NOT EXISTS loyalty.giftcard_holds(
  hold_id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  origin_id int NOT NULL REFERENCES loyalty.origins,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'posted', 'voided')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  posted_sale text,
  late boolean NOT NULL DEFAULT false);
CREATE TABLE IF NOT EXISTS loyalty.giftcard_hold_items(
  hold_id text NOT NULL REFERENCES loyalty.giftcard_holds,
  code text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0));
CREATE INDEX IF NOT EXISTS giftcard_hold_items_code ON loyalty.giftcard_hold_items(code);

-- Coupons in a chain (docs/chain.md, "Coupons in a chain"): the codes issued and the coupon uses
-- made at every till, and holds on the uses a limit counts over the whole chain (an issued
-- code's uses, a campaign's uses in all or per member, its budget), taken before the sale as
-- points are, and posted by the sale that names them.
CREATE TABLE IF NOT EXISTS loyalty.coupons(
  code text PRIMARY KEY,
  coupon_uid text NOT NULL,
  campaign_id text NOT NULL,
  max_uses bigint NOT NULL,
  till_time bigint NOT NULL);
CREATE TABLE IF NOT EXISTS loyalty.coupon_uses(
  use_uid text PRIMARY KEY,
  code text NOT NULL,
  campaign_id text NOT NULL,
  member_uid text,
  sale_uid text NOT NULL,
  discount bigint NOT NULL,
  branch text,
  till_time bigint NOT NULL,
  restored boolean NOT NULL DEFAULT false);  -- its sale came back whole: the use no longer counts
CREATE INDEX IF NOT EXISTS coupon_uses_campaign
  ON loyalty.coupon_uses(campaign_id, member_uid) WHERE NOT restored;
CREATE INDEX IF NOT EXISTS coupon_uses_code ON loyalty.coupon_uses(code) WHERE NOT restored;
CREATE INDEX IF NOT EXISTS coupon_uses_sale ON loyalty.coupon_uses(sale_uid);
CREATE TABLE IF NOT EXISTS loyalty.coupon_holds(
  hold_id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  member_uid text NOT NULL,  -- '' for an anonymous basket
  origin_id int NOT NULL REFERENCES loyalty.origins,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'posted', 'voided')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  posted_sale text,
  late boolean NOT NULL DEFAULT false);
CREATE TABLE IF NOT EXISTS loyalty.coupon_hold_items(
  hold_id text NOT NULL REFERENCES loyalty.coupon_holds,
  code text NOT NULL,  -- '' for an automatic promotion
  campaign_id text NOT NULL,
  discount bigint NOT NULL);
CREATE INDEX IF NOT EXISTS coupon_hold_items_hold ON loyalty.coupon_hold_items(hold_id);
CREATE INDEX IF NOT EXISTS coupon_hold_items_campaign ON loyalty.coupon_hold_items(campaign_id);
-- The lines of sales and refunds, to tell when a sale came back whole.
ALTER TABLE loyalty.sales ADD COLUMN IF NOT EXISTS lines jsonb;
ALTER TABLE loyalty.refunds ADD COLUMN IF NOT EXISTS lines jsonb;

-- Members as the chain knows them, for the manager's reports: the till and branch that enrolled
-- each, when, whether still active (LOY_MEMBER_*: an erased or merged member stays so, whatever
-- a till that had not heard yet sends later), and the tier of the latest tier event any till
-- wrote for them (tills place members in tiers as they sell; '' before the first).
CREATE TABLE IF NOT EXISTS loyalty.members(
  member_uid text PRIMARY KEY,
  origin_id int NOT NULL REFERENCES loyalty.origins,
  branch text NOT NULL DEFAULT '',
  status smallint NOT NULL,
  enrolled_at bigint NOT NULL,
  tier text NOT NULL DEFAULT '',
  tier_at bigint NOT NULL DEFAULT 0);

REVOKE ALL ON ALL TABLES IN SCHEMA loyalty FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA loyalty FROM PUBLIC;

-- The canonical text of one field, as the library writes it.
CREATE OR REPLACE FUNCTION loyalty.field(name text, value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT name || '=' || octet_length(value) || ':' || value || ';'
$$;

CREATE OR REPLACE FUNCTION loyalty.record_hash(prev text, origin text, seq bigint, kind text,
                                               key text, at bigint, body text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(
    loyalty.field('prev', prev) || loyalty.field('origin', origin) ||
    loyalty.field('seq', seq::text) || loyalty.field('kind', kind) ||
    loyalty.field('key', coalesce(key, '')) || loyalty.field('at', at::text) ||
    loyalty.field('body', body), 'UTF8')), 'hex')
$$;

-- Whether sale `p_sale` came back whole: voided, or refunded until every line came back (the
-- library's sale status 2 or 3). Such a sale gives its coupon uses back, and no report counts it.
CREATE OR REPLACE FUNCTION loyalty.came_back_whole(p_sale text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = loyalty, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM refunds r WHERE r.sale_uid = p_sale AND r.kind = 2)
      OR EXISTS (
        SELECT 1 FROM sales s WHERE s.sale_uid = p_sale AND s.lines IS NOT NULL
          AND EXISTS (SELECT 1 FROM refunds r WHERE r.sale_uid = p_sale)
          AND NOT EXISTS (
            SELECT 1 FROM jsonb_array_elements(s.lines) l
            WHERE (l->>'quantity_milli')::bigint > (
              SELECT coalesce(sum((rl->>'quantity_milli')::bigint), 0)
              FROM refunds r CROSS JOIN LATERAL jsonb_array_elements(r.lines) rl
              WHERE r.sale_uid = s.sale_uid AND rl->>'line_no' = l->>'line_no')))
$$;

-- A record's facts projected on the authority: sales (with their claims), refunds and voids,
-- ledger entries, and each member's account.
CREATE OR REPLACE FUNCTION loyalty.project(p_origin int, p_body jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO loyalty.members AS m (member_uid, origin_id, branch, status, enrolled_at)
  SELECT f->>'id', p_origin, coalesce(f->>'branch', ''), coalesce((f->>'status')::smallint, 0),
         (f->>'created_at')::bigint
  FROM jsonb_array_elements(p_body) f WHERE f->>'t' = 'member'
  ON CONFLICT (member_uid) DO UPDATE SET status = excluded.status WHERE m.status NOT IN (2, 3);
  UPDATE loyalty.members m SET tier = f->>'to_tier', tier_at = (f->>'created_at')::bigint
  FROM jsonb_array_elements(p_body) f
  WHERE f->>'t' = 'tier_event' AND m.member_uid = f->>'member_id'
    AND (f->>'created_at')::bigint >= m.tier_at;
  INSERT INTO loyalty.sales(sale_uid, origin_id, member_uid, branch, terminal, currency, total,
                            points_earned, points_redeemed, redeem_mode, till_time, lines)
  SELECT f->>'id', p_origin, f->>'member_id', f->>'branch', f->>'terminal', f->>'currency',
         (f->>'total')::bigint, coalesce((f->>'points_earned')::bigint, 0),
         coalesce((f->>'points_redeemed')::bigint, 0),
         coalesce((f->>'redeem_mode')::smallint, 0), (f->>'created_at')::bigint,
         coalesce(f->'lines', '[]'::jsonb)
  FROM jsonb_array_elements(p_body) f WHERE f->>'t' = 'sale'
  ON CONFLICT DO NOTHING;
  INSERT INTO loyalty.refunds(refund_uid, sale_uid, kind, amount, till_time, lines)
  SELECT f->>'id', f->>'sale_id', (f->>'kind')::smallint, (f->>'amount')::bigint,
         (f->>'created_at')::bigint, coalesce(f->'lines', '[]'::jsonb)
  FROM jsonb_array_elements(p_body) f WHERE f->>'t' = 'refund'
  ON CONFLICT DO NOTHING;
  INSERT INTO loyalty.coupons(code, coupon_uid, campaign_id, max_uses, till_time)
  SELECT f->>'code', f->>'id', f->>'campaign_id', (f->>'max_uses')::bigint,
         (f->>'created_at')::bigint
  FROM jsonb_array_elements(p_body) f WHERE f->>'t' = 'coupon'
  ON CONFLICT DO NOTHING;
  INSERT INTO loyalty.coupon_uses(use_uid, code, campaign_id, member_uid, sale_uid, discount,
                                  branch, till_time)
  SELECT f->>'id', f->>'code', f->>'campaign_id', f->>'member_id', f->>'sale_id',
         (f->>'discount')::bigint, f->>'branch', (f->>'created_at')::bigint
  FROM jsonb_array_elements(p_body) f WHERE f->>'t' = 'coupon_use'
  ON CONFLICT DO NOTHING;
  INSERT INTO loyalty.wallet_entries(entry_uid, member_uid, kind, amount, available_at, sale_uid,
                                     till_time)
  SELECT f->>'id', f->>'member_id', (f->>'kind')::smallint, (f->>'amount')::bigint,
         (f->>'available_at')::bigint, f->>'sale_id', (f->>'created_at')::bigint
  FROM jsonb_array_elements(p_body) f WHERE f->>'t' = 'wallet_entry'
  ON CONFLICT DO NOTHING;
  UPDATE loyalty.wallet_holds h SET status = 'posted', posted_sale = f->>'id',
    posted_amount = (f->>'wallet_paid')::bigint,
    late = (h.status = 'voided' OR h.expires_at < now())
  FROM jsonb_array_elements(p_body) f
  WHERE f->>'t' = 'sale' AND f ? 'wallet_hold' AND h.hold_id = f->>'wallet_hold'
    AND h.status <> 'posted';
  INSERT INTO loyalty.reward_redemptions AS r (redemption_uid, member_uid, reward_id, quantity,
                                               points, refunded, till_time)
  SELECT f->>'id', f->>'member_id', f->>'reward_id', (f->>'quantity')::bigint,
         (f->>'points')::bigint, coalesce((f->>'refunded_at')::bigint, 0) <> 0,
         (f->>'created_at')::bigint
  FROM jsonb_array_elements(p_body) f WHERE f->>'t' = 'reward_redemption'
  ON CONFLICT (redemption_uid) DO UPDATE SET refunded = excluded.refunded;
  UPDATE loyalty.reward_holds h SET status = 'posted', posted_redemption = f->>'id',
    late = (h.status = 'voided' OR h.expires_at < now())
  FROM jsonb_array_elements(p_body) f
  WHERE f->>'t' = 'reward_redemption' AND f ? 'hold_id' AND h.hold_id = f->>'hold_id'
    AND h.status <> 'posted';
  INSERT INTO loyalty.gift_cards(card_uid, code, till_time)
  SELECT f->>'id', f->>'code', (f->>'created_at')::bigint
  FROM jsonb_array_elements(p_body) f WHERE f->>'t' = 'gift_card'
  ON CONFLICT DO NOTHING;
  INSERT INTO loyalty.gift_card_activities(activity_uid, card_uid, amount, sale_uid, till_time)
  SELECT f->>'id', f->>'card_id', (f->>'amount')::bigint, f->>'sale_id',
         (f->>'created_at')::bigint
  FROM jsonb_array_elements(p_body) f WHERE f->>'t' = 'gift_card_activity'
  ON CONFLICT DO NOTHING;
  UPDATE loyalty.giftcard_holds h SET status = 'posted', posted_sale = f->>'id',
    late = (h.status = 'voided' OR h.expires_at < now())
  FROM jsonb_array_elements(p_body) f
  WHERE f->>'t' = 'sale' AND f ? 'giftcard_hold' AND h.hold_id = f->>'giftcard_hold'
    AND h.status <> 'posted';
  -- A sale that used coupons under a hold posts it (late when it had lapsed or was given back).
  UPDATE loyalty.coupon_holds h SET status = 'posted', posted_sale = f->>'id',
    late = (h.status = 'voided' OR h.expires_at < now())
  FROM jsonb_array_elements(p_body) f
  WHERE f->>'t' = 'sale' AND f ? 'coupon_hold' AND h.hold_id = f->>'coupon_hold'
    AND h.status <> 'posted';
  -- A sale voided, or refunded until every line came back, gives its coupon uses back, as the
  -- till that refunds it does.
  UPDATE loyalty.coupon_uses u SET restored = true
  FROM jsonb_array_elements(p_body) f
  WHERE f->>'t' = 'refund' AND u.sale_uid = f->>'sale_id' AND NOT u.restored
    AND loyalty.came_back_whole(u.sale_uid);
  -- A past receipt claimed at the till that made it: the sale becomes the member's.
  UPDATE loyalty.sales s SET member_uid = f->>'member_id',
    points_earned = (f->>'points_earned')::bigint
  FROM jsonb_array_elements(p_body) f
  WHERE f->>'t' = 'sale_claim' AND s.sale_uid = f->>'sale_id';
  -- A sale that spent points under a hold posts it; one that arrives after its hold expired or
  -- was voided is taken all the same (the customer has the goods) and marked late.
  UPDATE loyalty.holds h SET status = 'posted', posted_sale = f->>'id',
    posted_points = (f->>'points_redeemed')::bigint,
    late = (h.status = 'voided' OR h.expires_at < now())
  FROM jsonb_array_elements(p_body) f
  WHERE f->>'t' = 'sale' AND f ? 'hold_id' AND h.hold_id = f->>'hold_id' AND h.status <> 'posted';
  WITH e AS (
    INSERT INTO loyalty.entries(member_uid, entry_uid, kind, points, sale_uid, till_time, branch)
    SELECT f->>'member_id', f->>'id', (f->>'kind')::smallint, (f->>'points')::bigint,
           f->>'sale_id', (f->>'created_at')::bigint, f->>'branch'
    FROM jsonb_array_elements(p_body) f WHERE f->>'t' = 'entry'
    ON CONFLICT DO NOTHING
    RETURNING member_uid, kind, points)
  INSERT INTO loyalty.accounts AS a (member_uid, balance, lifetime)
  SELECT member_uid, sum(points), sum(CASE WHEN kind IN (1, 5, 7, 8) THEN points ELSE 0 END)
  FROM e GROUP BY member_uid
  ON CONFLICT (member_uid) DO UPDATE SET balance = a.balance + excluded.balance,
    lifetime = a.lifetime + excluded.lifetime;
END $$;

-- The points of member `p_member` that pending holds reserve: for sales and for rewards.
CREATE OR REPLACE FUNCTION loyalty.points_held(p_member text) RETURNS bigint
LANGUAGE sql STABLE SET search_path = loyalty, pg_temp AS $$
  SELECT coalesce((SELECT sum(h.points) FROM holds h WHERE h.member_uid = p_member
                     AND h.status = 'pending' AND h.expires_at > now()), 0)
       + coalesce((SELECT sum(h.points) FROM reward_holds h WHERE h.member_uid = p_member
                     AND h.status = 'pending' AND h.expires_at > now()), 0)
$$;

-- The origin `p_name`, which must be registered and not quarantined to hold anything.
CREATE OR REPLACE FUNCTION loyalty.active_origin(p_name text) RETURNS loyalty.origins
LANGUAGE plpgsql STABLE SET search_path = loyalty, pg_temp AS $$
DECLARE
  o origins%ROWTYPE;
BEGIN
  SELECT * INTO o FROM origins WHERE name = p_name;
  IF NOT FOUND OR o.status <> 'active' THEN
    RAISE EXCEPTION 'origin % is not registered, or is quarantined', p_name
      USING ERRCODE = '22023';
  END IF;
  RETURN o;
END $$;

-- Holds `p_points` of member `p_member` for `p_ttl_ms` for a sale at till `p_name`, when what the
-- member has over the whole chain, less the pending holds, covers them; otherwise answers an
-- empty hold id. The member's account is locked, so holds on one member are taken one at a time.
CREATE OR REPLACE FUNCTION loyalty.hold(p_name text, p_member text, p_points bigint,
  p_ttl_ms bigint, OUT hold_id text, OUT expires_at bigint, OUT available bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
DECLARE
  o origins%ROWTYPE;
  bal bigint;
BEGIN
  IF p_points IS NULL OR p_points <= 0 OR p_ttl_ms IS NULL OR p_ttl_ms <= 0
     OR p_ttl_ms > 86400000 THEN
    RAISE EXCEPTION 'a hold needs points > 0 and a time to live of up to a day'
      USING ERRCODE = '22023';
  END IF;
  o := active_origin(p_name);
  hold_id := '';
  expires_at := 0;
  SELECT balance INTO bal FROM accounts WHERE member_uid = p_member FOR UPDATE;
  available := coalesce(bal, 0) - points_held(p_member);
  IF available < p_points THEN
    RETURN;
  END IF;
  INSERT INTO holds AS h (member_uid, points, origin_id, expires_at)
  VALUES (p_member, p_points, o.origin_id, now() + p_ttl_ms * interval '1 millisecond')
  RETURNING h.hold_id, (extract(epoch FROM h.expires_at) * 1000)::bigint
  INTO hold_id, expires_at;
  available := available - p_points;
END $$;

-- Holds `p_quantity` of reward `p_reward` for member `p_member` at till `p_name` for `p_ttl_ms`:
-- `p_points` of what the member has over the whole chain (less the pending holds), and of the
-- reward's stock `p_stock` and per-member limit `p_per_member` (0 = none; the till's programme's)
-- over every till's redemptions not refunded and the pending holds. Otherwise an empty hold id,
-- `status` 'stock', 'member' or 'points' and the reason in `refused`. Holds on one reward are
-- taken one at a time (a lock per reward, then the member's account).
CREATE OR REPLACE FUNCTION loyalty.hold_reward(p_name text, p_member text, p_reward text,
  p_quantity bigint, p_points bigint, p_stock bigint, p_per_member bigint, p_ttl_ms bigint,
  OUT hold_id text, OUT expires_at bigint, OUT refused text, OUT status text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
DECLARE
  o origins%ROWTYPE;
  bal bigint;
  taken bigint;
BEGIN
  IF p_quantity IS NULL OR p_quantity < 1 OR p_points IS NULL OR p_points < 0
     OR p_ttl_ms IS NULL OR p_ttl_ms <= 0 OR p_ttl_ms > 86400000 THEN
    RAISE EXCEPTION 'a reward hold needs a quantity, its points and a time to live of up to a day'
      USING ERRCODE = '22023';
  END IF;
  o := active_origin(p_name);
  hold_id := '';
  expires_at := 0;
  refused := '';
  status := '';
  PERFORM pg_advisory_xact_lock(hashtextextended('loyalty.reward:' || p_reward, 0));
  IF coalesce(p_stock, 0) > 0 THEN
    taken := (SELECT coalesce(sum(r.quantity), 0) FROM reward_redemptions r
              WHERE r.reward_id = p_reward AND NOT r.refunded)
           + (SELECT coalesce(sum(h.quantity), 0) FROM reward_holds h
              WHERE h.reward_id = p_reward AND h.status = 'pending' AND h.expires_at > now());
    IF taken + p_quantity > p_stock THEN
      status := 'stock';
      refused := 'reward ''' || p_reward || ''': ' || greatest(p_stock - taken, 0) ||
                 ' left over the whole chain';
      RETURN;
    END IF;
  END IF;
  IF coalesce(p_per_member, 0) > 0 THEN
    taken := (SELECT coalesce(sum(r.quantity), 0) FROM reward_redemptions r
              WHERE r.reward_id = p_reward AND r.member_uid = p_member AND NOT r.refunded)
           + (SELECT coalesce(sum(h.quantity), 0) FROM reward_holds h
              WHERE h.reward_id = p_reward AND h.member_uid = p_member AND h.status = 'pending'
                AND h.expires_at > now());
    IF taken + p_quantity > p_per_member THEN
      status := 'member';
      refused := 'reward ''' || p_reward || ''' is limited to ' || p_per_member ||
                 ' per member over the whole chain';
      RETURN;
    END IF;
  END IF;
  SELECT balance INTO bal FROM accounts WHERE member_uid = p_member FOR UPDATE;
  bal := coalesce(bal, 0) - points_held(p_member);
  IF bal < p_points THEN
    status := 'points';
    refused := p_points || ' points asked, ' || bal || ' available over the whole chain';
    RETURN;
  END IF;
  INSERT INTO reward_holds AS h (member_uid, reward_id, quantity, points, origin_id, expires_at)
  VALUES (p_member, p_reward, p_quantity, p_points, o.origin_id,
          now() + p_ttl_ms * interval '1 millisecond')
  RETURNING h.hold_id, (extract(epoch FROM h.expires_at) * 1000)::bigint
  INTO hold_id, expires_at;
  status := 'held';
END $$;

-- Holds `p_amount` of member `p_member`'s wallet money for `p_ttl_ms` for a sale at till
-- `p_name`, when what the member may spend over the whole chain (every till's wallet entries
-- available by now, less the pending holds) covers it; otherwise answers an empty hold id. Holds
-- on one member's wallet are taken one at a time (a transaction lock per member).
CREATE OR REPLACE FUNCTION loyalty.hold_wallet(p_name text, p_member text, p_amount bigint,
  p_ttl_ms bigint, OUT hold_id text, OUT expires_at bigint, OUT available bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
DECLARE
  o origins%ROWTYPE;
BEGIN
  IF p_amount IS NULL OR p_amount <= 0 OR p_ttl_ms IS NULL OR p_ttl_ms <= 0
     OR p_ttl_ms > 86400000 THEN
    RAISE EXCEPTION 'a hold needs an amount > 0 and a time to live of up to a day'
      USING ERRCODE = '22023';
  END IF;
  o := active_origin(p_name);
  hold_id := '';
  expires_at := 0;
  PERFORM pg_advisory_xact_lock(hashtextextended('loyalty.wallet:' || p_member, 0));
  available := coalesce((SELECT sum(w.amount) FROM wallet_entries w
      WHERE w.member_uid = p_member
        AND w.available_at <= (extract(epoch FROM now()) * 1000)::bigint), 0)
    - coalesce((SELECT sum(h.amount) FROM wallet_holds h
      WHERE h.member_uid = p_member AND h.status = 'pending' AND h.expires_at > now()), 0);
  IF available < p_amount THEN
    RETURN;
  END IF;
  INSERT INTO wallet_holds AS h (member_uid, amount, origin_id, expires_at)
  VALUES (p_member, p_amount, o.origin_id, now() + p_ttl_ms * interval '1 millisecond')
  RETURNING h.hold_id, (extract(epoch FROM h.expires_at) * 1000)::bigint
  INTO hold_id, expires_at;
  available := available - p_amount;
END $$;

-- Holds the gift card payments of a sale at till `p_name` for `p_ttl_ms` (`p_cards`: a JSON array
-- of {code, amount}, as loy_basket_giftcard_claims gives), when each card's balance over the whole
-- chain (the sum of its activities at every till), less the pending holds, covers them; otherwise
-- answers an empty hold id and, in `refused`, which card. A lock per card, in code order.
CREATE OR REPLACE FUNCTION loyalty.hold_giftcards(p_name text, p_cards jsonb, p_ttl_ms bigint,
  OUT hold_id text, OUT expires_at bigint, OUT refused text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
DECLARE
  o origins%ROWTYPE;
  card text;
  wanted bigint;
  balance bigint;
BEGIN
  IF p_ttl_ms IS NULL OR p_ttl_ms <= 0 OR p_ttl_ms > 86400000 OR p_cards IS NULL
     OR jsonb_typeof(p_cards) <> 'array' OR jsonb_array_length(p_cards) = 0
     OR jsonb_array_length(p_cards) > 10
     OR EXISTS (SELECT 1 FROM jsonb_array_elements(p_cards) x
                WHERE coalesce((x->>'amount')::bigint, 0) <= 0) THEN
    RAISE EXCEPTION 'a gift card hold needs 1 to 10 cards with amounts > 0 and a time to live '
                    'of up to a day' USING ERRCODE = '22023';
  END IF;
  o := active_origin(p_name);
  refused := '';
  hold_id := '';
  expires_at := 0;
  FOR card, wanted IN SELECT x->>'code', sum((x->>'amount')::bigint)
                      FROM jsonb_array_elements(p_cards) x GROUP BY 1 ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended('loyalty.giftcard:' || card, 0));
    balance := (SELECT coalesce(sum(a.amount), 0) FROM gift_card_activities a
                JOIN gift_cards g ON g.card_uid = a.card_uid WHERE g.code = card)
             - (SELECT coalesce(sum(i.amount), 0) FROM giftcard_hold_items i
                JOIN giftcard_holds h ON h.hold_id = i.hold_id
                WHERE i.code = card AND h.status = 'pending' AND h.expires_at > now());
    IF balance < wanted THEN
      refused := 'gift card ' || card || ' holds ' || greatest(balance, 0) ||
                 ' over the whole chain, ' || wanted || ' asked';
      RETURN;
    END IF;
  END LOOP;
  INSERT INTO giftcard_holds AS h (origin_id, expires_at)
  VALUES (o.origin_id, now() + p_ttl_ms * interval '1 millisecond')
  RETURNING h.hold_id, (extract(epoch FROM h.expires_at) * 1000)::bigint
  INTO hold_id, expires_at;
  INSERT INTO giftcard_hold_items(hold_id, code, amount)
  SELECT hold_giftcards.hold_id, x->>'code', (x->>'amount')::bigint
  FROM jsonb_array_elements(p_cards) x;
END $$;

-- Holds the coupon uses of a sale at till `p_name` for `p_ttl_ms`, when no limit they count
-- against is reached over the whole chain, counting every till's uses that were not given back
-- and the pending holds; otherwise answers an empty hold id and, in `refused`, which limit.
-- `p_items`: what the till's programme says of each use (loy_basket_coupon_claims): a JSON array
-- of {code, campaign, discount, max_uses, member_uses, member_since, budget, code_uses}; an
-- issued code's uses are the ones the authority holds for it when it knows the code. Holds on
-- one campaign are taken one at a time (a transaction lock per campaign, in campaign order).
CREATE OR REPLACE FUNCTION loyalty.hold_coupons(p_name text, p_member text, p_items jsonb,
  p_ttl_ms bigint, OUT hold_id text, OUT expires_at bigint, OUT refused text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
DECLARE
  o origins%ROWTYPE;
  it jsonb;
  camp text;
  lim bigint;
  used bigint;
  money bigint;
BEGIN
  IF p_ttl_ms IS NULL OR p_ttl_ms <= 0 OR p_ttl_ms > 86400000 OR p_items IS NULL
     OR jsonb_typeof(p_items) <> 'array' OR jsonb_array_length(p_items) = 0
     OR jsonb_array_length(p_items) > 50 THEN
    RAISE EXCEPTION 'a coupon hold needs 1 to 50 uses and a time to live of up to a day'
      USING ERRCODE = '22023';
  END IF;
  o := active_origin(p_name);
  FOR camp IN SELECT DISTINCT x->>'campaign' FROM jsonb_array_elements(p_items) x ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended('loyalty.campaign:' || camp, 0));
  END LOOP;
  refused := '';
  expires_at := 0;
  INSERT INTO coupon_holds AS h (member_uid, origin_id, expires_at)
  VALUES (coalesce(p_member, ''), o.origin_id, now() + p_ttl_ms * interval '1 millisecond')
  RETURNING h.hold_id, (extract(epoch FROM h.expires_at) * 1000)::bigint
  INTO hold_id, expires_at;
  INSERT INTO coupon_hold_items(hold_id, code, campaign_id, discount)
  SELECT hold_coupons.hold_id, coalesce(x->>'code', ''), x->>'campaign',
         coalesce((x->>'discount')::bigint, 0)
  FROM jsonb_array_elements(p_items) x;
  -- Each limit counts the uses not given back and the pending holds, this one included.
  FOR it IN SELECT * FROM jsonb_array_elements(p_items) LOOP
    camp := it->>'campaign';
    IF coalesce(it->>'code', '') <> '' THEN
      SELECT c.max_uses INTO lim FROM coupons c WHERE c.code = it->>'code';
      lim := coalesce(lim, (it->>'code_uses')::bigint, 0);
      IF lim > 0 THEN
        used := (SELECT count(*) FROM coupon_uses u WHERE u.code = it->>'code' AND NOT u.restored)
              + (SELECT count(*) FROM coupon_hold_items i JOIN coupon_holds h ON h.hold_id = i.hold_id
                 WHERE i.code = it->>'code' AND h.status = 'pending' AND h.expires_at > now());
        IF used > lim THEN
          refused := 'coupon ' || (it->>'code') || ' has been used (' || lim || ' use' ||
                     CASE WHEN lim = 1 THEN '' ELSE 's' END || ' over the whole chain)';
          EXIT;
        END IF;
      END IF;
    END IF;
    lim := coalesce((it->>'max_uses')::bigint, 0);
    IF lim > 0 THEN
      used := (SELECT count(*) FROM coupon_uses u WHERE u.campaign_id = camp AND NOT u.restored)
            + (SELECT count(*) FROM coupon_hold_items i JOIN coupon_holds h ON h.hold_id = i.hold_id
               WHERE i.campaign_id = camp AND h.status = 'pending' AND h.expires_at > now());
      IF used > lim THEN
        refused := 'campaign ''' || camp || ''' has had its ' || lim || ' uses over the whole chain';
        EXIT;
      END IF;
    END IF;
    lim := coalesce((it->>'member_uses')::bigint, 0);
    IF lim > 0 AND coalesce(p_member, '') <> '' THEN
      used := (SELECT count(*) FROM coupon_uses u WHERE u.campaign_id = camp
                 AND u.member_uid = p_member AND NOT u.restored
                 AND u.till_time >= coalesce((it->>'member_since')::bigint, 0))
            + (SELECT count(*) FROM coupon_hold_items i JOIN coupon_holds h ON h.hold_id = i.hold_id
               WHERE i.campaign_id = camp AND h.member_uid = p_member AND h.status = 'pending'
                 AND h.expires_at > now());
      IF used > lim THEN
        refused := 'the member has used campaign ''' || camp || ''' ' || lim || ' time' ||
                   CASE WHEN lim = 1 THEN '' ELSE 's' END || ' over the whole chain';
        EXIT;
      END IF;
    END IF;
    lim := coalesce((it->>'budget')::bigint, 0);
    IF lim > 0 THEN
      money := (SELECT coalesce(sum(u.discount), 0) FROM coupon_uses u
                WHERE u.campaign_id = camp AND NOT u.restored)
             + (SELECT coalesce(sum(i.discount), 0) FROM coupon_hold_items i
                JOIN coupon_holds h ON h.hold_id = i.hold_id
                WHERE i.campaign_id = camp AND h.status = 'pending' AND h.expires_at > now());
      IF money > lim THEN
        refused := 'campaign ''' || camp || ''' has spent its budget of ' || lim ||
                   ' over the whole chain';
        EXIT;
      END IF;
    END IF;
  END LOOP;
  IF refused <> '' THEN
    DELETE FROM coupon_hold_items i WHERE i.hold_id = hold_coupons.hold_id;
    DELETE FROM coupon_holds h WHERE h.hold_id = hold_coupons.hold_id;
    hold_id := '';
    expires_at := 0;
  END IF;
END $$;

-- Gives back a pending hold the till took (the customer paid otherwise), of points, wallet money,
-- a reward, gift cards or coupons; true when it was pending.
CREATE OR REPLACE FUNCTION loyalty.void_hold(p_name text, p_hold_id text) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
  WITH v AS (
    UPDATE holds h SET status = 'voided' FROM origins o
    WHERE h.hold_id = p_hold_id AND h.status = 'pending' AND o.origin_id = h.origin_id
      AND o.name = p_name
    RETURNING 1),
  w AS (
    UPDATE coupon_holds h SET status = 'voided' FROM origins o
    WHERE h.hold_id = p_hold_id AND h.status = 'pending' AND o.origin_id = h.origin_id
      AND o.name = p_name
    RETURNING 1),
  m AS (
    UPDATE wallet_holds h SET status = 'voided' FROM origins o
    WHERE h.hold_id = p_hold_id AND h.status = 'pending' AND o.origin_id = h.origin_id
      AND o.name = p_name
    RETURNING 1),
  r AS (
    UPDATE reward_holds h SET status = 'voided' FROM origins o
    WHERE h.hold_id = p_hold_id AND h.status = 'pending' AND o.origin_id = h.origin_id
      AND o.name = p_name
    RETURNING 1),
  g AS (
    UPDATE giftcard_holds h SET status = 'voided' FROM origins o
    WHERE h.hold_id = p_hold_id AND h.status = 'pending' AND o.origin_id = h.origin_id
      AND o.name = p_name
    RETURNING 1)
  SELECT EXISTS (SELECT 1 FROM v) OR EXISTS (SELECT 1 FROM w) OR EXISTS (SELECT 1 FROM m)
      OR EXISTS (SELECT 1 FROM r) OR EXISTS (SELECT 1 FROM g)
$$;

-- Registers an origin (again: it answers what the authority holds of it). A name is the till's,
-- then `~<generation>-<6 hex>` for a later generation of a copied or restored file.
CREATE OR REPLACE FUNCTION loyalty.register(p_name text,
  OUT origin_id int, OUT acked_seq bigint, OUT acked_hash text, OUT status text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
BEGIN
  IF p_name IS NULL OR p_name = '' OR p_name ~ '[:"\\[:cntrl:]]' OR length(p_name) > 128 THEN
    RAISE EXCEPTION 'not an origin name: %', p_name USING ERRCODE = '22023';
  END IF;
  INSERT INTO origins(name, till, generation)
  VALUES (p_name, split_part(p_name, '~', 1),
          CASE WHEN p_name LIKE '%~%'
               THEN coalesce(nullif(split_part(split_part(p_name, '~', 2), '-', 1), '')::int, 1)
               ELSE 1 END)
  ON CONFLICT (name) DO NOTHING;
  UPDATE origins o SET last_seen = now() WHERE o.name = p_name
  RETURNING o.origin_id, o.acked_seq, o.acked_hash, o.status
  INTO origin_id, acked_seq, acked_hash, status;
END $$;

-- Applies a batch of one origin's records, in order, in this transaction: a record held already
-- with the same hash is a duplicate; one held with another hash, or that does not follow the last
-- held record, quarantines the origin and is kept in `forks` (status 'fork'); a gap answers
-- 'gap' with the seq to resend from. `p_records`: a JSON array of {seq, kind, key, body, prev,
-- hash, at}. `p_profiles`: the profiles of the members those records name, a JSON array of
-- {uid, at, erased, profile}. Answers the acknowledged seq and hash, the records applied and the
-- duplicates.
CREATE OR REPLACE FUNCTION loyalty.push(p_name text, p_records jsonb, p_profiles jsonb,
  OUT status text, OUT acked_seq bigint, OUT acked_hash text, OUT applied int,
  OUT duplicates int, OUT message text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
DECLARE
  o origins%ROWTYPE;
  r jsonb;
  held text;
  computed text;
BEGIN
  applied := 0;
  duplicates := 0;
  message := '';
  SELECT * INTO o FROM origins WHERE name = p_name FOR UPDATE;  -- one pusher per origin
  IF NOT FOUND THEN
    RAISE EXCEPTION 'origin % is not registered', p_name USING ERRCODE = '22023';
  END IF;
  acked_seq := o.acked_seq;
  acked_hash := o.acked_hash;
  IF o.status = 'quarantined' THEN
    status := 'fork';
    message := 'origin ' || p_name || ' is quarantined after a fork: register the till again '
               'under a new generation';
    RETURN;
  END IF;
  status := 'ok';
  FOR r IN SELECT * FROM jsonb_array_elements(p_records) LOOP
    computed := record_hash(r->>'prev', p_name, (r->>'seq')::bigint, r->>'kind', r->>'key',
                            (r->>'at')::bigint, r->>'body');
    IF computed <> r->>'hash' THEN
      RAISE EXCEPTION 'record %:J%: its content does not match its hash', p_name, r->>'seq'
        USING ERRCODE = '22023';
    END IF;
    IF (r->>'seq')::bigint <= acked_seq THEN
      SELECT hash INTO held FROM records WHERE origin_id = o.origin_id AND seq = (r->>'seq')::bigint;
      IF held = r->>'hash' THEN
        duplicates := duplicates + 1;
        CONTINUE;
      END IF;
      message := 'record ' || p_name || ':J' || (r->>'seq') || ' differs from the record the '
                 'authority holds under that id: two files wrote as ' || p_name;
    ELSIF (r->>'seq')::bigint > acked_seq + 1 THEN
      status := 'gap';
      message := 'the authority holds ' || p_name || ' up to seq ' || acked_seq ||
                 '; send from seq ' || (acked_seq + 1);
      EXIT;
    ELSIF r->>'prev' <> acked_hash THEN
      message := 'record ' || p_name || ':J' || (r->>'seq') || ' does not follow record ' ||
                 p_name || ':J' || acked_seq || ' held by the authority: two files wrote as ' ||
                 p_name;
    END IF;
    IF message <> '' THEN
      status := 'fork';
      INSERT INTO forks(origin_id, seq, kind, idem_key, body, prev, hash, till_time, reason)
      VALUES (o.origin_id, (r->>'seq')::bigint, r->>'kind', nullif(r->>'key', ''), r->>'body',
              r->>'prev', r->>'hash', (r->>'at')::bigint, message);
      UPDATE origins SET status = 'quarantined', acked_seq = push.acked_seq,
        acked_hash = push.acked_hash, last_seen = now() WHERE origin_id = o.origin_id;
      RETURN;
    END IF;
    INSERT INTO records(origin_id, seq, kind, idem_key, body, prev, hash, till_time)
    VALUES (o.origin_id, (r->>'seq')::bigint, r->>'kind', nullif(r->>'key', ''), r->>'body',
            r->>'prev', r->>'hash', (r->>'at')::bigint);
    PERFORM project(o.origin_id, (r->>'body')::jsonb);
    acked_seq := (r->>'seq')::bigint;
    acked_hash := r->>'hash';
    applied := applied + 1;
  END LOOP;
  UPDATE origins SET acked_seq = push.acked_seq, acked_hash = push.acked_hash, last_seen = now()
  WHERE origin_id = o.origin_id;
  INSERT INTO profiles AS p (member_uid, profile, erased, origin, till_time)
  SELECT x->>'uid', CASE WHEN (x->>'erased')::boolean THEN NULL ELSE x->'profile' END,
         (x->>'erased')::boolean, p_name, (x->>'at')::bigint
  FROM jsonb_array_elements(coalesce(p_profiles, '[]'::jsonb)) x
  ON CONFLICT (member_uid) DO UPDATE SET profile = excluded.profile, erased = excluded.erased,
    origin = excluded.origin, till_time = excluded.till_time, received_at = now()
  WHERE NOT p.erased AND (excluded.erased OR
    (excluded.till_time, excluded.origin) >= (p.till_time, p.origin));
END $$;

-- The profiles of `p_uids` (a JSON array of member ids) the authority holds.
CREATE OR REPLACE FUNCTION loyalty.profiles_of(p_name text, p_uids jsonb)
RETURNS TABLE(member_uid text, profile text, erased boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
  SELECT p.member_uid, coalesce(p.profile::text, ''), p.erased
  FROM jsonb_array_elements_text(p_uids) u(uid) JOIN profiles p ON p.member_uid = u.uid
$$;

-- The records a till does not hold yet: of every origin but its own, those after the seq the
-- till holds of that origin (`p_held`: a JSON object {origin name: last seq held}). Per origin,
-- seqs are gap-free and pushed in order under the origin's row lock, so a cursor of held seqs
-- never skips a record, whatever order concurrent pushes commit in (docs/chain.md, "Pull").
-- In the order the authority received them, which is an order every record's references allow.
CREATE OR REPLACE FUNCTION loyalty.pull(p_name text, p_held jsonb, p_limit int)
RETURNS TABLE(origin text, seq bigint, kind text, idem_key text, body text, prev text,
              hash text, till_time bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
  -- Per origin, a range of the primary key after the seq held (no scan of what is held); the
  -- page ends with the record whose body brings it to 8 MiB (two records of a large import),
  -- as a till's journal read does: a till reads on after a page of 8 MiB or of p_limit records.
  SELECT p.name, p.seq, p.kind, p.idem_key, p.body, p.prev, p.hash, p.till_time FROM (
    SELECT q.*, coalesce(sum(octet_length(q.body)) OVER (
             ORDER BY q.received_at, q.origin_id, q.seq
             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
    FROM (
      SELECT o.name, o.origin_id, r.seq, r.kind, coalesce(r.idem_key, '') AS idem_key, r.body,
             r.prev, r.hash, r.till_time, r.received_at
      FROM origins o
      CROSS JOIN LATERAL (
        SELECT * FROM records x
        WHERE x.origin_id = o.origin_id AND x.seq > coalesce((p_held ->> o.name)::bigint, 0)
        ORDER BY x.seq LIMIT least(greatest(p_limit, 1), 10000)) r
      WHERE o.name <> p_name
      ORDER BY r.received_at, r.origin_id, r.seq
      LIMIT least(greatest(p_limit, 1), 10000)) q) p
  WHERE p.before < 8388608
  ORDER BY p.received_at, p.origin_id, p.seq
$$;

-- An authority made before loyalty.members existed: its members from the records it holds (the
-- tier of each member's latest tier event, the status of the last member fact), once.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM loyalty.members) THEN
    INSERT INTO loyalty.members(member_uid, origin_id, branch, status, enrolled_at)
    SELECT DISTINCT ON (f->>'id') f->>'id', r.origin_id, coalesce(f->>'branch', ''),
           coalesce((f->>'status')::smallint, 0), (f->>'created_at')::bigint
    FROM loyalty.records r, jsonb_array_elements(r.body::jsonb) f WHERE f->>'t' = 'member'
    ORDER BY f->>'id', (coalesce((f->>'status')::smallint, 0) IN (2, 3)) DESC, r.received_at DESC;
    UPDATE loyalty.members m SET tier = t.to_tier, tier_at = t.at
    FROM (SELECT DISTINCT ON (f->>'member_id') f->>'member_id' AS member_uid,
                 f->>'to_tier' AS to_tier, (f->>'created_at')::bigint AS at
          FROM loyalty.records r, jsonb_array_elements(r.body::jsonb) f
          WHERE f->>'t' = 'tier_event' ORDER BY f->>'member_id', (f->>'created_at')::bigint DESC) t
    WHERE m.member_uid = t.member_uid;
  END IF;
END $$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA loyalty FROM PUBLIC;
GRANT USAGE ON SCHEMA loyalty TO loyalty_till;
GRANT EXECUTE ON FUNCTION loyalty.register(text), loyalty.push(text, jsonb, jsonb),
  loyalty.pull(text, jsonb, int), loyalty.profiles_of(text, jsonb),
  loyalty.hold(text, text, bigint, bigint), loyalty.void_hold(text, text),
  loyalty.hold_coupons(text, text, jsonb, bigint), loyalty.hold_wallet(text, text, bigint, bigint),
  loyalty.hold_reward(text, text, text, bigint, bigint, bigint, bigint, bigint),
  loyalty.hold_giftcards(text, jsonb, bigint) TO loyalty_till;

-- The manager's reports over the whole chain, and what they may run.
\ir reports.sql
