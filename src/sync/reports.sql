-- The chain's reports on the authority (docs/chain.md, "Projections and the chain's reports"):
-- what the manager's role may run, over every till's facts, by branch and Jalali month. Included
-- by authority.sql (\ir), after the tables and projections they read.

-- The Jalali month ('1405-01') of a till's time in ms, at a UTC offset in minutes: the same
-- arithmetic as the library's (src/calendar.hpp: ICU's arithmetic Persian calendar).
CREATE OR REPLACE FUNCTION loyalty.jalali_month(p_ms bigint, p_offset_min int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  WITH d AS (SELECT floor((p_ms + p_offset_min * 60000::bigint) / 86400000.0)::bigint
                    + 2440588 - 1948320 AS s),
       y AS (SELECT s, 1 + floor((33 * s + 3) / 12053.0)::bigint AS y FROM d),
       n AS (SELECT y, s - (365 * (y - 1) + floor((8 * y + 21) / 33.0)::bigint) AS doy FROM y)
  SELECT y || '-' || lpad((CASE WHEN doy < 186 THEN doy / 31 ELSE (doy - 6) / 30 END + 1)::text,
                          2, '0')
  FROM n
$$;

-- The chain's sales by branch and Jalali month (a manager's report): sales, distinct members,
-- the money taken and refunded, points earned and redeemed.
CREATE OR REPLACE FUNCTION loyalty.report_branches(p_offset_min int)
RETURNS TABLE(branch text, month text, sales bigint, members bigint, total bigint,
              refunded bigint, points_earned bigint, points_redeemed bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
  SELECT coalesce(s.branch, ''), jalali_month(s.till_time, p_offset_min), count(*),
         count(DISTINCT s.member_uid), sum(s.total)::bigint,
         coalesce(sum(r.amount), 0)::bigint, sum(s.points_earned)::bigint,
         sum(s.points_redeemed)::bigint
  FROM sales s
  LEFT JOIN (SELECT sale_uid, sum(amount) AS amount FROM refunds GROUP BY sale_uid) r
    USING (sale_uid)
  GROUP BY 1, 2 ORDER BY 2, 1
$$;

-- The chain's points by branch (the entry's: the till's branch for a sale's entries, '' for the
-- head office's jobs) and Jalali month, with the library's report's definitions (docs/reports.md,
-- `points`): earned (purchase, bonus, action), reversed (earned points taken back by refunds),
-- redeemed (spent, net of restores), expired, adjusted (signed).
CREATE OR REPLACE FUNCTION loyalty.report_points(p_offset_min int)
RETURNS TABLE(branch text, month text, earned bigint, reversed bigint, redeemed bigint,
              expired bigint, adjusted bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
  SELECT coalesce(e.branch, ''), jalali_month(e.till_time, p_offset_min),
         coalesce(sum(e.points) FILTER (WHERE e.kind IN (1, 7, 8)), 0)::bigint,
         coalesce(-sum(e.points) FILTER (WHERE e.kind = 5), 0)::bigint,
         coalesce(-sum(e.points) FILTER (WHERE e.kind IN (2, 6)), 0)::bigint,
         coalesce(-sum(e.points) FILTER (WHERE e.kind = 3), 0)::bigint,
         coalesce(sum(e.points) FILTER (WHERE e.kind = 4), 0)::bigint
  FROM entries e GROUP BY 1, 2 ORDER BY 2, 1
$$;

-- The chain's points liability at the end of each Jalali month with entries: the points every
-- member holds over the whole chain (the sum of every entry to then), and the points expired and
-- redeemed to then, whose ratio is the breakage the library's `liability` report shows. In
-- points: each file's programme gives a point its money value.
CREATE OR REPLACE FUNCTION loyalty.report_liability(p_offset_min int)
RETURNS TABLE(month text, points_outstanding bigint, expired_to_date bigint,
              redeemed_to_date bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
  WITH m AS (
    SELECT jalali_month(till_time, p_offset_min) AS month, sum(points) AS net,
           coalesce(-sum(points) FILTER (WHERE kind = 3), 0) AS expired,
           coalesce(-sum(points) FILTER (WHERE kind IN (2, 6)), 0) AS redeemed
    FROM entries GROUP BY 1)
  SELECT month, (sum(net) OVER w)::bigint, (sum(expired) OVER w)::bigint,
         (sum(redeemed) OVER w)::bigint
  FROM m WINDOW w AS (ORDER BY month) ORDER BY month
$$;

-- The chain's best members by money spent (sales less refunds, every till): the member's
-- chain-wide id, name (from the profile; empty once erased), purchases, net spend and points held.
-- Personal data: for the manager's role only.
CREATE OR REPLACE FUNCTION loyalty.report_top_members(p_limit int)
RETURNS TABLE(member_uid text, name text, purchases bigint, spend bigint, points bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
  SELECT s.member_uid, coalesce(p.profile->>'name', ''), count(*),
         (sum(s.total) - coalesce(sum(r.amount), 0))::bigint, coalesce(max(a.balance), 0)
  FROM sales s
  LEFT JOIN (SELECT sale_uid, sum(amount) AS amount FROM refunds GROUP BY sale_uid) r
    USING (sale_uid)
  LEFT JOIN profiles p ON p.member_uid = s.member_uid AND NOT p.erased
  LEFT JOIN accounts a ON a.member_uid = s.member_uid
  WHERE s.member_uid IS NOT NULL
  GROUP BY s.member_uid, p.profile
  ORDER BY 4 DESC, 1
  LIMIT least(greatest(coalesce(p_limit, 10), 1), 1000)
$$;

-- The chain's coupon uses by campaign, branch and Jalali month: uses and money off that count
-- (not given back by a refund), and the uses given back.
CREATE OR REPLACE FUNCTION loyalty.report_campaigns(p_offset_min int)
RETURNS TABLE(campaign text, branch text, month text, uses bigint, discount bigint,
              given_back bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
  SELECT u.campaign_id, coalesce(u.branch, ''), jalali_month(u.till_time, p_offset_min),
         count(*) FILTER (WHERE NOT u.restored),
         coalesce(sum(u.discount) FILTER (WHERE NOT u.restored), 0)::bigint,
         count(*) FILTER (WHERE u.restored)
  FROM coupon_uses u GROUP BY 1, 2, 3 ORDER BY 3, 1, 2
$$;

-- Points spent within tills' offline allowances, by till and Jalali month, and how many of the
-- members who spent so now owe points (their chain-wide balance is below zero: the over-use the
-- allowance let through while the till could not reach the authority).
CREATE OR REPLACE FUNCTION loyalty.report_offline_spends(p_offset_min int)
RETURNS TABLE(till text, month text, sales bigint, points bigint, members_in_debt bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
  SELECT o.name, jalali_month(s.till_time, p_offset_min), count(*),
         sum(s.points_redeemed)::bigint,
         count(DISTINCT s.member_uid) FILTER (WHERE a.balance < 0)
  FROM sales s JOIN origins o USING (origin_id)
  LEFT JOIN accounts a ON a.member_uid = s.member_uid
  WHERE s.redeem_mode = 2
  GROUP BY 1, 2 ORDER BY 2, 1
$$;

-- The chain's members by the branch that enrolled them (the till's name when the member fact
-- names no branch) and Jalali month: members enrolled, members who bought there in the month,
-- and of those, members who bought there more than once (sales that came back whole do not
-- count). A member erased since is counted, nameless, as the figures were made.
CREATE OR REPLACE FUNCTION loyalty.report_members(p_offset_min int)
RETURNS TABLE(branch text, month text, enrolled bigint, buying bigint, repeat bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
  WITH joined AS (
    SELECT coalesce(nullif(m.branch, ''), o.name) AS branch,
           jalali_month(m.enrolled_at, p_offset_min) AS month, count(*) AS enrolled
    FROM members m JOIN origins o USING (origin_id) GROUP BY 1, 2),
  bought AS (
    SELECT coalesce(nullif(s.branch, ''), o.name) AS branch,
           jalali_month(s.till_time, p_offset_min) AS month, s.member_uid, count(*) AS n
    FROM sales s JOIN origins o USING (origin_id)
    WHERE s.member_uid IS NOT NULL AND NOT came_back_whole(s.sale_uid)
    GROUP BY 1, 2, 3),
  buyers AS (
    SELECT branch, month, count(*) AS buying, count(*) FILTER (WHERE n > 1) AS repeat
    FROM bought GROUP BY 1, 2)
  SELECT branch, month, coalesce(j.enrolled, 0)::bigint, coalesce(b.buying, 0)::bigint,
         coalesce(b.repeat, 0)::bigint
  FROM joined j FULL JOIN buyers b USING (branch, month)
  ORDER BY month, branch
$$;

-- The chain's active members per tier now: the tier of each member's latest tier event, from
-- whichever till wrote it ('' for members no till has placed yet).
CREATE OR REPLACE FUNCTION loyalty.report_tiers()
RETURNS TABLE(tier text, members bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
  SELECT tier, count(*) FROM members WHERE status = 0 GROUP BY 1 ORDER BY 1
$$;

-- The chain's RFM groups at `p_at_ms`, as the library's segments define them (docs/reports.md,
-- "Segments", by quintiles): over the last `p_window_days` days, recency = days since the last
-- counted sale (local days at `p_offset_min`), frequency = counted sales, monetary = their net
-- amount, every till's sales together; members who bought in the window are scored 1-5 against
-- each other (a member's score is ceil(5 x members no better / members scored)); one whose last
-- purchase is older is `lost`; one who never bought has no group. Active members only, as the
-- library's. Each group with its members and their net spend in the window.
CREATE OR REPLACE FUNCTION loyalty.report_rfm(p_at_ms bigint, p_offset_min int,
                                              p_window_days int)
RETURNS TABLE(rfm_group text, members bigint, spend bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = loyalty, pg_temp AS $$
  WITH counted AS (
    SELECT s.member_uid, s.till_time,
           s.total - coalesce((SELECT sum(r.amount) FROM refunds r
                               WHERE r.sale_uid = s.sale_uid), 0) AS net
    FROM sales s JOIN members m USING (member_uid)
    WHERE m.status = 0 AND s.till_time <= p_at_ms AND NOT came_back_whole(s.sale_uid)),
  facts AS (
    SELECT member_uid,
           floor((p_at_ms + p_offset_min * 60000::bigint) / 86400000.0)
             - floor((max(till_time) + p_offset_min * 60000::bigint) / 86400000.0) AS recency,
           count(*) FILTER (WHERE till_time >= p_at_ms - p_window_days * 86400000::bigint)
             AS visits,
           coalesce(sum(net) FILTER (WHERE till_time >= p_at_ms
                                       - p_window_days * 86400000::bigint), 0) AS spend
    FROM counted GROUP BY member_uid),
  scored AS (
    SELECT visits, spend,
           (5 * count(*) OVER (ORDER BY recency DESC RANGE UNBOUNDED PRECEDING) + n - 1) / n AS r,
           (5 * count(*) OVER (ORDER BY visits RANGE UNBOUNDED PRECEDING) + n - 1) / n AS f,
           (5 * count(*) OVER (ORDER BY spend RANGE UNBOUNDED PRECEDING) + n - 1) / n AS m
    FROM (SELECT *, count(*) OVER () AS n FROM facts WHERE visits > 0) b),
  grouped AS (
    SELECT CASE WHEN r >= 4 AND visits = 1 THEN 'new'
                WHEN r >= 4 AND f >= 4 AND m >= 4 THEN 'champions'
                WHEN r >= 3 AND f >= 4 THEN 'loyal'
                WHEN r >= 3 THEN 'potential'
                WHEN f >= 3 THEN 'at_risk'
                WHEN r = 2 THEN 'hibernating'
                ELSE 'lost' END AS rfm_group, spend
    FROM scored
    UNION ALL
    SELECT 'lost', 0 FROM facts WHERE visits = 0)
  SELECT g, count(x.rfm_group), coalesce(sum(x.spend), 0)::bigint
  FROM unnest(ARRAY['champions', 'loyal', 'potential', 'new', 'at_risk', 'hibernating', 'lost'])
         WITH ORDINALITY AS k(g, i)
  LEFT JOIN grouped x ON x.rfm_group = k.g
  GROUP BY g, i ORDER BY i
$$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA loyalty FROM PUBLIC;
GRANT USAGE ON SCHEMA loyalty TO loyalty_manager;
GRANT EXECUTE ON FUNCTION loyalty.report_branches(int), loyalty.jalali_month(bigint, int),
  loyalty.report_offline_spends(int), loyalty.report_points(int), loyalty.report_liability(int),
  loyalty.report_campaigns(int), loyalty.report_top_members(int), loyalty.report_members(int),
  loyalty.report_tiers(), loyalty.report_rfm(bigint, int, int) TO loyalty_manager;
