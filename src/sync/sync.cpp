// libloyalty-sync: one round pushes this till's journal records the authority does not hold and
// pulls the other tills' records this file does not hold (docs/chain.md, "The protocol"). It
// speaks to the core only through its C ABI, as any integrator would, and to PostgreSQL through
// libpq and the SQL functions of authority.sql (a till's role may execute nothing else).
#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "loyalty/sync.h"
#include "pg.hpp"

using loyalty::sync::Failure;
using loyalty::sync::guard;
using loyalty::sync::Result;

namespace {

// The most profiles loy_journal_add_profile takes in a list of more than one record.
constexpr std::size_t kListProfiles = 10000;

// The bodies' bytes at which the authority's loyalty.pull ends a page (authority.sql), as a
// till's journal read ends at them: a page that reached them may have more behind it.
constexpr std::size_t kPageBytes = 8 * 1024 * 1024;

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// A core call that failed: its status and message, as they are.
void check(int32_t rc, const loy_error& e) {
    if (rc != LOY_OK) throw Failure{rc, e.message};
}

// The whole text of a core call with snprintf semantics: `call(buf, capacity, &needed, &err)`.
template <typename F>
std::string core_text(F&& call) {
    loy_error e;
    loy_error_init(&e);
    std::size_t needed = 0;
    check(call(nullptr, 0, &needed, &e), e);
    std::string text(needed + 1, '\0');
    check(call(text.data(), text.size(), &needed, &e), e);
    text.resize(needed);
    return text;
}

struct JournalPtr {
    loy_journal* j = nullptr;
    ~JournalPtr() { loy_journal_free(j); }
};

// A hold the authority granted (its id and expiry in ms, the answer's first two columns), handed
// to the caller's buffers.
void granted(const Result& r, char* buf, size_t capacity, int64_t* out_expires_at) {
    if (buf && capacity) std::snprintf(buf, capacity, "%s", PQgetvalue(r.r, 0, 0));
    if (out_expires_at) *out_expires_at = std::strtoll(PQgetvalue(r.r, 0, 1), nullptr, 10);
}

}  // namespace

struct loy_sync {
    loy_db* db = nullptr;
    std::string conninfo;
    int batch = 500;
    int timeout_s = 5;
    PGconn* conn = nullptr;
    std::int64_t acked = -1;
    std::int64_t last_synced = 0;

    ~loy_sync() {
        if (conn) PQfinish(conn);
    }

    // The origin this file writes as now (a copied file moves to a new generation).
    std::string origin() {
        loy_error e;
        loy_error_init(&e);
        char name[256];
        check(loy_origin_get(db, name, sizeof name, nullptr, nullptr, nullptr, &e), e);
        return name;
    }

    // Connects and pushes this till's waiting records, so that the authority counts them
    // before it holds anything: the origin's name.
    std::string push_waiting() {
        connect();
        const std::string name = origin();
        loy_sync_report rep;
        loy_sync_report_init(&rep);
        push(name, rep);
        return name;
    }

    // The last seq this file holds of each origin.
    std::map<std::string, std::int64_t> heads() {
        loy_error e;
        loy_error_init(&e);
        JournalPtr h;
        check(loy_journal_heads(db, &h.j, &e), e);
        std::map<std::string, std::int64_t> out;
        for (std::size_t i = 0; i < loy_journal_count(h.j); ++i)
            out[loy_journal_origin(h.j, i)] = loy_journal_seq(h.j, i);
        return out;
    }

    void connect() {
        if (conn && PQstatus(conn) == CONNECTION_OK) return;
        if (conn) {
            PQfinish(conn);
            conn = nullptr;
        }
        conn = loyalty::sync::connect(conninfo, timeout_s);
    }

    Result call(const char* sql, const std::vector<std::string>& params) {
        return loyalty::sync::call(conn, sql, params);
    }

    // The chain-wide ids of the members a record's body names as facts.
    static void members_in(const char* body, std::vector<std::string>& out) {
        const auto facts = nlohmann::json::parse(body, nullptr, false);
        if (!facts.is_array()) return;
        for (const auto& f : facts)
            if (f.is_object() && f.value("t", "") == "member" && f.contains("id") &&
                f["id"].is_string())
                out.push_back(f["id"].get<std::string>());
    }

    // A member's profile as this file holds it, for the authority: personal data, which the
    // journal never carries ({uid, at, erased, profile}).
    nlohmann::json profile_of(const std::string& uid, std::int64_t at) {
        loy_error e;
        loy_error_init(&e);
        loy_member* m = nullptr;
        check(loy_member_find_by_uid(db, uid.c_str(), &m, &e), e);
        const bool erased = loy_member_status(m) == LOY_MEMBER_ERASED;
        nlohmann::json p = {{"uid", uid}, {"at", at}, {"erased", erased}};
        if (!erased)
            p["profile"] = {{"phone", loy_member_phone(m)},
                            {"card", loy_member_card(m)},
                            {"name", loy_member_name(m)},
                            {"email", loy_member_email(m)},
                            {"birth_year", loy_member_birth_year(m)},
                            {"birth_month", loy_member_birth_month(m)},
                            {"birth_day", loy_member_birth_day(m)},
                            {"gender", loy_member_gender(m)},
                            {"language", loy_member_language(m)},
                            {"tags", loy_member_tags(m)}};
        loy_member_free(m);
        return p;
    }

    // A profile the authority holds, its text kept for loy_member_fields.
    struct Profile {
        std::string phone, card, name, email, gender, language, tags;
        int birth_year = 0, birth_month = 0, birth_day = 0;
    };
    using Profiles = std::map<std::string, Profile>;  // by member uid

    // The authority's profiles of `uids`; an erased one is left out (the journal erases it here).
    Profiles fetch_profiles(const std::string& name, const std::vector<std::string>& uids) {
        Profiles out;
        if (uids.empty()) return out;
        Result r =
            call("SELECT member_uid, profile, erased FROM loyalty.profiles_of($1, $2::jsonb)",
                 {name, nlohmann::json(uids).dump()});
        for (int i = 0; i < PQntuples(r.r); ++i) {
            if (PQgetvalue(r.r, i, 2)[0] == 't') continue;
            const auto p = nlohmann::json::parse(PQgetvalue(r.r, i, 1), nullptr, false);
            if (!p.is_object()) continue;
            Profile& f = out[PQgetvalue(r.r, i, 0)];
            f.phone = p.value("phone", "");
            f.card = p.value("card", "");
            f.name = p.value("name", "");
            f.email = p.value("email", "");
            f.gender = p.value("gender", "");
            f.language = p.value("language", "");
            f.tags = p.value("tags", "");
            f.birth_year = p.value("birth_year", 0);
            f.birth_month = p.value("birth_month", 0);
            f.birth_day = p.value("birth_day", 0);
        }
        return out;
    }

    // Adds to list `j` the profile of member `uid`.
    static void add_profile(loy_journal* j, const std::string& uid, const Profile& p) {
        loy_member_fields f;
        loy_member_fields_init(&f);
        f.phone = p.phone.c_str();
        f.card = p.card.c_str();
        f.name = p.name.c_str();
        f.email = p.email.c_str();
        f.gender = p.gender.c_str();
        f.language = p.language.c_str();
        f.tags = p.tags.c_str();
        f.birth_year = p.birth_year;
        f.birth_month = p.birth_month;
        f.birth_day = p.birth_day;
        loy_error e;
        loy_error_init(&e);
        check(loy_journal_add_profile(j, uid.c_str(), &f, &e), e);
    }

    // Counts the profiles applied, and those kept apart because their phone or card is another
    // member's here (the member holds neither). A member not here yet, erased or merged counts
    // in neither.
    void tally(const Profiles& profiles, loy_sync_report& rep) {
        for (const auto& [uid, p] : profiles) {
            loy_error e;
            loy_error_init(&e);
            loy_member* m = nullptr;
            if (loy_member_find_by_uid(db, uid.c_str(), &m, &e) != LOY_OK) continue;
            const int32_t status = loy_member_status(m);
            const bool apart = (!p.phone.empty() && p.phone != loy_member_phone(m)) ||
                               (!p.card.empty() && p.card != loy_member_card(m));
            loy_member_free(m);
            if (status == LOY_MEMBER_ERASED || status == LOY_MEMBER_MERGED) continue;
            ++(apart ? rep.conflicts : rep.profiles);
        }
    }

    static std::int64_t i64(PGresult* r, int row, int col) {
        return std::strtoll(PQgetvalue(r, row, col), nullptr, 10);
    }

    // Pushes this till's records the authority does not hold, batch by batch. Where this file
    // and the authority part ways — this file's record at the authority's last seq is not the
    // one the authority holds, or this file holds fewer records than the authority (restored
    // from a backup) and writes again — the records sent from there let the authority find the
    // fork.
    void push(const std::string& name, loy_sync_report& rep) {
        std::string acked_hash;
        {
            Result r =
                call("SELECT acked_seq, acked_hash, status FROM loyalty.register($1)", {name});
            acked = i64(r.r, 0, 0);
            acked_hash = PQgetvalue(r.r, 0, 1);
            if (std::strcmp(PQgetvalue(r.r, 0, 2), "quarantined") == 0)
                throw Failure{LOY_ERR_SYNC_FORK,
                              "the authority quarantined origin " + name +
                                  " after a fork: this file wrote records another file had "
                                  "written under the same ids"};
        }
        const auto held = heads();
        const auto it = held.find(name);
        std::int64_t after = std::min(acked, it == held.end() ? 0 : it->second);
        if (after == acked && acked > 0) {
            loy_error e;
            loy_error_init(&e);
            JournalPtr j;
            check(loy_journal_read(db, name.c_str(), acked - 1, 1, &j.j, &e), e);
            if (loy_journal_count(j.j) == 1 && acked_hash != loy_journal_hash(j.j, 0))
                after = acked - 1;  // not the record the authority holds: send it
        }
        for (;;) {
            loy_error e;
            loy_error_init(&e);
            JournalPtr j;
            check(loy_journal_read(db, name.c_str(), after, batch, &j.j, &e), e);
            const std::size_t n = loy_journal_count(j.j);
            if (n == 0) return;
            nlohmann::json records = nlohmann::json::array();
            nlohmann::json profiles = nlohmann::json::array();
            std::vector<std::string> members;
            for (std::size_t i = 0; i < n; ++i) {
                members.clear();
                members_in(loy_journal_body(j.j, i), members);
                for (const auto& uid : members)
                    profiles.push_back(profile_of(uid, loy_journal_created_at(j.j, i)));
                records.push_back({{"seq", loy_journal_seq(j.j, i)},
                                   {"kind", loy_journal_kind(j.j, i)},
                                   {"key", loy_journal_key(j.j, i)},
                                   {"body", loy_journal_body(j.j, i)},
                                   {"prev", loy_journal_prev(j.j, i)},
                                   {"hash", loy_journal_hash(j.j, i)},
                                   {"at", loy_journal_created_at(j.j, i)}});
            }
            Result r = call(
                "SELECT status, acked_seq, applied, duplicates, message FROM loyalty.push($1, "
                "$2::jsonb, $3::jsonb)",
                {name, records.dump(), profiles.dump()});
            const std::string status = PQgetvalue(r.r, 0, 0);
            acked = i64(r.r, 0, 1);
            rep.pushed += i64(r.r, 0, 2);
            rep.duplicates += i64(r.r, 0, 3);
            if (status == "fork") throw Failure{LOY_ERR_SYNC_FORK, PQgetvalue(r.r, 0, 4)};
            if (status == "gap") {  // the authority lost records it had acknowledged
                if (acked >= after) throw Failure{LOY_ERR_INTERNAL, PQgetvalue(r.r, 0, 4)};
                after = acked;
                continue;
            }
            after = loy_journal_seq(j.j, n - 1);
        }
    }

    // Applies rows [from, to) of `rows` (in the authority's order) and the profiles of the
    // members they name in one transaction; if one of them needs a record not here yet, each
    // origin's records in order, each with its members' profiles, an origin stopping at its first
    // gap (`blocked`, kept across the lists of a page, says which; `why`, the gap's message).
    // Returns the records applied.
    std::int64_t apply(PGresult* rows, int from, int to, const Profiles& profiles,
                       std::set<std::string>& blocked, std::string& why) {
        loy_error e;
        loy_error_init(&e);
        // Each row as a record of a list, in the authority's order.
        auto add = [&](loy_journal* j, int i) {
            check(loy_journal_add(j, PQgetvalue(rows, i, 0), i64(rows, i, 1),
                                  PQgetvalue(rows, i, 2), PQgetvalue(rows, i, 3),
                                  PQgetvalue(rows, i, 4), PQgetvalue(rows, i, 5),
                                  PQgetvalue(rows, i, 6), i64(rows, i, 7), &e),
                  e);
        };
        int64_t applied = 0, duplicates = 0;
        int32_t rc = LOY_ERR_SYNC_GAP;
        if (blocked.empty()) {
            JournalPtr all;
            check(loy_journal_new(&all.j, &e), e);
            for (int i = from; i < to; ++i)
                add(all.j, i);
            // `profiles` are those of the members these rows name (pull fetched them so).
            for (const auto& [uid, p] : profiles)
                add_profile(all.j, uid, p);
            rc = loy_journal_apply(db, all.j, &applied, &duplicates, &e);
            if (rc == LOY_OK) return applied;
            if (rc != LOY_ERR_SYNC_GAP) throw Failure{rc, e.message};
            why = e.message;
        }
        // One record at a time: what can be applied now is, the rest waits for the next round.
        std::int64_t total = 0;
        for (int i = from; i < to; ++i) {
            const std::string origin = PQgetvalue(rows, i, 0);
            if (blocked.count(origin)) continue;
            JournalPtr one;
            check(loy_journal_new(&one.j, &e), e);
            add(one.j, i);
            std::vector<std::string> named;
            members_in(PQgetvalue(rows, i, 4), named);
            for (const auto& uid : unique(std::move(named)))
                if (const auto it = profiles.find(uid); it != profiles.end())
                    add_profile(one.j, uid, it->second);
            rc = loy_journal_apply(db, one.j, &applied, &duplicates, &e);
            if (rc == LOY_ERR_SYNC_GAP) {
                blocked.insert(origin);
                why = e.message;
                continue;
            }
            if (rc != LOY_OK) throw Failure{rc, e.message};
            total += applied;
        }
        return total;
    }

    static std::vector<std::string> unique(std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        v.erase(std::unique(v.begin(), v.end()), v.end());
        return v;
    }

    // Pulls the other tills' records this file does not hold, page by page. A page is applied
    // in lists of consecutive records naming at most kListProfiles members between them, each
    // list with those members' profiles in one transaction; a record naming more (an import at
    // the head office) is a list of its own, with all of them.
    void pull(const std::string& name, loy_sync_report& rep) {
        for (;;) {
            nlohmann::json held = nlohmann::json::object();
            for (const auto& [origin, seq] : heads())
                held[origin] = seq;
            Result r = call(
                "SELECT origin, seq, kind, idem_key, body, prev, hash, till_time FROM "
                "loyalty.pull($1, $2::jsonb, $3)",
                {name, held.dump(), std::to_string(batch)});
            const int n = PQntuples(r.r);
            if (n == 0) return;
            std::set<std::string> blocked;
            std::string why;
            std::int64_t pulled = 0;
            for (int from = 0, to = 0; from < n; from = to) {
                // The profiles first: the records and the profiles of the members they name are
                // applied together, so a round stopped in between leaves no member without one.
                std::set<std::string> members;
                for (to = from; to < n; ++to) {
                    std::vector<std::string> named;
                    members_in(PQgetvalue(r.r, to, 4), named);
                    named = unique(std::move(named));
                    std::size_t fresh = 0;
                    for (const auto& uid : named)
                        fresh += members.count(uid) ? 0 : 1;
                    if (to > from && members.size() + fresh > kListProfiles) break;
                    members.insert(named.begin(), named.end());
                }
                const Profiles profiles =
                    fetch_profiles(name, std::vector<std::string>(members.begin(), members.end()));
                pulled += apply(r.r, from, to, profiles, blocked, why);
                tally(profiles, rep);
            }
            if (pulled == 0 && !blocked.empty()) throw Failure{LOY_ERR_SYNC_GAP, why};
            rep.pulled += pulled;
            // A page ends at `batch` records or with the record that brings it to 8 MiB.
            std::size_t bytes = 0;
            for (int i = 0; i < n; ++i)
                bytes += static_cast<std::size_t>(PQgetlength(r.r, i, 4));
            if (n < batch && bytes < kPageBytes) return;
        }
    }

    void report(loy_sync_report& rep) {
        rep.acked_seq = acked;
        rep.last_synced_at = last_synced;
        const std::string name = origin();
        const auto h = heads();
        const auto it = h.find(name);
        const std::int64_t last = it == h.end() ? 0 : it->second;
        rep.waiting = acked < 0 ? last : std::max<std::int64_t>(0, last - acked);
    }
};

namespace {

// A report the caller passed, emptied before a call fills it.
void clear(loy_sync_report* r) {
    if (!r || r->size < sizeof(loy_sync_report)) return;
    r->pushed = r->duplicates = r->pulled = r->profiles = r->conflicts = r->waiting = 0;
    r->acked_seq = -1;
    r->last_synced_at = 0;
}

}  // namespace

extern "C" {

void loy_sync_options_init(loy_sync_options* o) {
    if (!o) return;
    std::memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->batch_records = 500;
    o->connect_timeout_s = 5;
}

void loy_sync_report_init(loy_sync_report* r) {
    if (!r) return;
    std::memset(r, 0, sizeof *r);
    r->size = sizeof *r;
    r->acked_seq = -1;
}

int32_t loy_sync_open(loy_db* db, const loy_sync_options* o, loy_sync** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!db || !o || !out)
            throw Failure{LOY_ERR_INVALID_ARGUMENT, "db, options and out_sync are required"};
        if (o->size < sizeof(loy_sync_options))
            throw Failure{LOY_ERR_INVALID_ARGUMENT,
                          "options.size is too small: call loy_sync_options_init"};
        if (!o->conninfo || !*o->conninfo)
            throw Failure{LOY_ERR_INVALID_ARGUMENT,
                          "a conninfo (libpq connection string) is required"};
        if (o->batch_records < 1 || o->batch_records > 10000)
            throw Failure{LOY_ERR_INVALID_ARGUMENT, "batch_records must be 1 to 10000"};
        if (o->connect_timeout_s < 1 || o->connect_timeout_s > 600)
            throw Failure{LOY_ERR_INVALID_ARGUMENT, "connect_timeout_s must be 1 to 600"};
        auto s = std::make_unique<loy_sync>();
        s->db = db;
        s->conninfo = o->conninfo;
        s->batch = o->batch_records;
        s->timeout_s = o->connect_timeout_s;
        *out = s.release();
    });
}

int32_t loy_sync_run_once(loy_sync* s, loy_sync_report* out, loy_error* err) {
    clear(out);
    loy_sync_report rep;
    loy_sync_report_init(&rep);
    const int32_t rc = guard(err, [&] {
        if (!s) throw Failure{LOY_ERR_INVALID_ARGUMENT, "sync is NULL"};
        s->connect();
        const std::string name = s->origin();
        s->push(name, rep);
        s->pull(name, rep);
        s->last_synced = now_ms();
    });
    if (s && out && out->size >= sizeof(loy_sync_report)) {
        try {
            s->report(rep);
        } catch (...) {
        }
        *out = rep;
    }
    return rc;
}

int32_t loy_sync_status(loy_sync* s, loy_sync_report* out, loy_error* err) {
    clear(out);
    return guard(err, [&] {
        if (!s || !out) throw Failure{LOY_ERR_INVALID_ARGUMENT, "sync and out are required"};
        if (out->size < sizeof(loy_sync_report))
            throw Failure{LOY_ERR_INVALID_ARGUMENT,
                          "out.size is too small: call loy_sync_report_init"};
        loy_sync_report rep;
        loy_sync_report_init(&rep);
        s->report(rep);
        *out = rep;
    });
}

// A hold of `amount` of a member's points or wallet money, from the authority's function `fn`
// (loyalty.hold or loyalty.hold_wallet), answered into the caller's buffers; `short_of`: the
// status when what the member has over the whole chain does not cover it.
static int32_t hold_amount(loy_sync* s, const char* fn, const char* member_uid, int64_t amount,
                           int32_t ttl_s, int32_t short_of, const char* unit, char* buf,
                           size_t capacity, int64_t* out_expires_at, loy_error* err) {
    if (buf && capacity) buf[0] = '\0';
    if (out_expires_at) *out_expires_at = 0;
    return guard(err, [&] {
        if (!s || !member_uid || !*member_uid)
            throw Failure{LOY_ERR_INVALID_ARGUMENT, "sync and member_uid are required"};
        if (amount <= 0)
            throw Failure{LOY_ERR_INVALID_AMOUNT, std::string("a hold needs ") + unit + " > 0"};
        if (ttl_s < 1 || ttl_s > 86400)
            throw Failure{LOY_ERR_INVALID_ARGUMENT, "ttl_s must be 1 to 86400"};
        const std::string name = s->push_waiting();
        Result r = s->call(
            (std::string("SELECT hold_id, expires_at, available FROM ") + fn + "($1, $2, $3, $4)")
                .c_str(),
            {name, member_uid, std::to_string(amount), std::to_string(ttl_s * 1000LL)});
        if (PQgetvalue(r.r, 0, 0)[0] == '\0')
            throw Failure{short_of, std::to_string(amount) + " " + unit + " asked, " +
                                        PQgetvalue(r.r, 0, 2) + " available over the whole chain"};
        granted(r, buf, capacity, out_expires_at);
    });
}

int32_t loy_sync_hold(loy_sync* s, const char* member_uid, int64_t points, int32_t ttl_s, char* buf,
                      size_t capacity, int64_t* out_expires_at, loy_error* err) {
    return hold_amount(s, "loyalty.hold", member_uid, points, ttl_s, LOY_ERR_INSUFFICIENT_POINTS,
                       "points", buf, capacity, out_expires_at, err);
}

int32_t loy_sync_hold_wallet(loy_sync* s, const char* member_uid, int64_t amount, int32_t ttl_s,
                             char* buf, size_t capacity, int64_t* out_expires_at, loy_error* err) {
    return hold_amount(s, "loyalty.hold_wallet", member_uid, amount, ttl_s,
                       LOY_ERR_INSUFFICIENT_FUNDS, "of the wallet", buf, capacity, out_expires_at,
                       err);
}

int32_t loy_sync_hold_reward(loy_sync* s, const char* member_uid, const char* reward_id,
                             int64_t quantity, int32_t ttl_s, char* buf, size_t capacity,
                             int64_t* out_expires_at, loy_error* err) {
    if (buf && capacity) buf[0] = '\0';
    if (out_expires_at) *out_expires_at = 0;
    return guard(err, [&] {
        if (!s || !member_uid || !*member_uid || !reward_id || !*reward_id)
            throw Failure{LOY_ERR_INVALID_ARGUMENT, "sync, member_uid and reward_id are required"};
        if (quantity < 1 || quantity > 1000)
            throw Failure{LOY_ERR_INVALID_AMOUNT, "quantity must be 1 to 1,000"};
        if (ttl_s < 1 || ttl_s > 86400)
            throw Failure{LOY_ERR_INVALID_ARGUMENT, "ttl_s must be 1 to 86400"};
        // The reward as the programme in effect here says: its points, stock and limit.
        const nlohmann::json programme =
            nlohmann::json::parse(core_text([&](char* b, size_t c, size_t* n, loy_error* e) {
                return loy_program_export_json(s->db, 0, b, c, n, e);
            }));
        const nlohmann::json* reward = nullptr;
        for (const auto& w : programme.at("rewards"))
            if (w.at("id").get<std::string>() == reward_id) reward = &w;
        if (!reward)
            throw Failure{LOY_ERR_NOT_FOUND,
                          std::string("the programme has no reward '") + reward_id + "'"};
        const std::int64_t points = reward->at("points").get<std::int64_t>() * quantity;
        const std::string name = s->push_waiting();
        Result r = s->call(
            "SELECT hold_id, expires_at, refused, status FROM "
            "loyalty.hold_reward($1, $2, $3, $4, $5, $6, $7, $8)",
            {name, member_uid, reward_id, std::to_string(quantity), std::to_string(points),
             std::to_string(reward->at("stock").get<std::int64_t>()),
             std::to_string(reward->at("per_member").get<std::int64_t>()),
             std::to_string(ttl_s * 1000LL)});
        if (r.text(0, 0)[0] == '\0') {
            const std::string why = r.text(0, 3);
            throw Failure{why == "stock"    ? LOY_ERR_OUT_OF_STOCK
                          : why == "member" ? LOY_ERR_CAP_REACHED
                                            : LOY_ERR_INSUFFICIENT_POINTS,
                          r.text(0, 2)};
        }
        granted(r, buf, capacity, out_expires_at);
    });
}

using ClaimsFn = int32_t (*)(loy_db*, const loy_basket*, char*, size_t, size_t*, loy_error*);
using SetHoldFn = int32_t (*)(loy_basket*, const char*, loy_error*);

// A hold of what a basket claims (loy_basket_coupon_claims or loy_basket_giftcard_claims), after
// a round, so that what the authority counts and what this file knows are up to date. The
// basket's hold of that kind is cleared first and set to the granted one; a basket that claims
// nothing (`list` empty) holds nothing. `sql` is the authority's function, called with what
// `params` makes of the origin's name and the claims; `refused`: the status when it answers no.
static int32_t hold_basket(loy_sync* s, loy_basket* basket, int32_t ttl_s, char* buf,
                           size_t capacity, int64_t* out_expires_at, loy_error* err,
                           ClaimsFn claims, SetHoldFn set_hold, const char* list, const char* sql,
                           std::vector<std::string> (*params)(const std::string& name,
                                                              const nlohmann::json& claims),
                           int32_t refused) {
    if (buf && capacity) buf[0] = '\0';
    if (out_expires_at) *out_expires_at = 0;
    return guard(err, [&] {
        if (!s || !basket) throw Failure{LOY_ERR_INVALID_ARGUMENT, "sync and basket are required"};
        if (ttl_s < 1 || ttl_s > 86400)
            throw Failure{LOY_ERR_INVALID_ARGUMENT, "ttl_s must be 1 to 86400"};
        const std::string name = s->push_waiting();
        loy_sync_report rep;
        loy_sync_report_init(&rep);
        s->pull(name, rep);
        s->last_synced = now_ms();
        loy_error e;
        loy_error_init(&e);
        check(set_hold(basket, nullptr, &e), e);
        const nlohmann::json claimed =
            nlohmann::json::parse(core_text([&](char* b, size_t c, size_t* n, loy_error* ce) {
                return claims(s->db, basket, b, c, n, ce);
            }));
        if (claimed.at(list).empty()) return;
        std::vector<std::string> args = params(name, claimed);
        args.push_back(std::to_string(ttl_s * 1000LL));
        Result r = s->call(sql, args);
        const std::string id = r.text(0, 0);
        if (id.empty()) throw Failure{refused, r.text(0, 2)};
        check(set_hold(basket, id.c_str(), &e), e);
        granted(r, buf, capacity, out_expires_at);
    });
}

int32_t loy_sync_hold_giftcards(loy_sync* s, loy_basket* basket, int32_t ttl_s, char* buf,
                                size_t capacity, int64_t* out_expires_at, loy_error* err) {
    return hold_basket(
        s, basket, ttl_s, buf, capacity, out_expires_at, err, loy_basket_giftcard_claims,
        loy_basket_set_giftcard_hold, "cards",
        "SELECT hold_id, expires_at, refused FROM loyalty.hold_giftcards($1, $2, $3)",
        [](const std::string& name, const nlohmann::json& c) -> std::vector<std::string> {
            return {name, c.at("cards").dump()};
        },
        LOY_ERR_INSUFFICIENT_FUNDS);
}

int32_t loy_sync_hold_coupons(loy_sync* s, loy_basket* basket, int32_t ttl_s, char* buf,
                              size_t capacity, int64_t* out_expires_at, loy_error* err) {
    return hold_basket(
        s, basket, ttl_s, buf, capacity, out_expires_at, err, loy_basket_coupon_claims,
        loy_basket_set_coupon_hold, "items",
        "SELECT hold_id, expires_at, refused FROM loyalty.hold_coupons($1, $2, $3, $4)",
        [](const std::string& name, const nlohmann::json& c) -> std::vector<std::string> {
            return {name, c.at("member").get<std::string>(), c.at("items").dump()};
        },
        LOY_ERR_COUPON_REJECTED);
}

int32_t loy_sync_void_hold(loy_sync* s, const char* hold_id, loy_error* err) {
    return guard(err, [&] {
        if (!s || !hold_id || !*hold_id)
            throw Failure{LOY_ERR_INVALID_ARGUMENT, "sync and hold_id are required"};
        s->connect();
        Result r = s->call("SELECT loyalty.void_hold($1, $2)", {s->origin(), hold_id});
        if (PQgetvalue(r.r, 0, 0)[0] != 't')
            throw Failure{LOY_ERR_NOT_FOUND,
                          std::string("no pending hold '") + hold_id + "' of this till"};
    });
}

void loy_sync_close(loy_sync* s) {
    delete s;
}

}  // extern "C"
