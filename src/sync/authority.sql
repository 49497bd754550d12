-- The chain's authority on PostgreSQL 15 (docs/chain.md): every till's journal records, kept
-- exactly once per (origin, seq), forks quarantined, and served to the other tills. A till's
-- role may only execute the functions below (SECURITY DEFINER); it holds no table privilege.
--
--   psql -v ON_ERROR_STOP=1 -f authority.sql        (as the owner of the database; re-runnable)
--
-- Records carry their hash: SHA-256 of their canonical text (prev, origin, seq, kind, key, time
-- and body, each written <name>=<bytes>:<value>;), which the authority computes again, so a
-- record changed on the way is refused like a fork would be.

CREATE SCHEMA IF NOT EXISTS loyalty;

DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'loyalty_till') THEN
    CREATE ROLE loyalty_till NOLOGIN;
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
  SELECT p.member_uid, coalesce(p.profile::text, ''), p.erased FROM profiles p
  WHERE p.member_uid IN (SELECT jsonb_array_elements_text(p_uids))
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
  SELECT o.name, r.seq, r.kind, coalesce(r.idem_key, ''), r.body, r.prev, r.hash, r.till_time
  FROM records r JOIN origins o ON o.origin_id = r.origin_id
  WHERE o.name <> p_name
    AND r.seq > coalesce((p_held ->> o.name)::bigint, 0)
  ORDER BY r.received_at, r.origin_id, r.seq
  LIMIT least(greatest(p_limit, 1), 10000)
$$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA loyalty FROM PUBLIC;
GRANT USAGE ON SCHEMA loyalty TO loyalty_till;
GRANT EXECUTE ON FUNCTION loyalty.register(text), loyalty.push(text, jsonb, jsonb),
  loyalty.pull(text, jsonb, int), loyalty.profiles_of(text, jsonb) TO loyalty_till;
