// The C ABI of tiers and plans, and of points outside a basket: events, adjustments, expiry,
// history, verify and rebuild.
#include "loyalty/loyalty.h"

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "loyalty/coupons.hpp"
#include "loyalty/database.hpp"
#include "handles.hpp"
#include "platform.hpp"
#include "text.hpp"

using namespace loyalty;
using namespace loyalty::capi;

namespace {

// A hold of points or wallet money (the Database method that opens it), and its capture.
using OpenHold = std::int64_t (Database::*)(std::int64_t, std::int64_t, std::int64_t,
                                            const std::string&, const std::string&);
using CaptureHold = std::int64_t (Database::*)(std::int64_t, std::int64_t, const std::string&);

int32_t open_hold(OpenHold fn, loy_db* db, int64_t member_id, int64_t amount, int64_t ttl_ms,
                  const char* reference, const char* key, int64_t* out_hold_id, loy_error* err) {
    if (out_hold_id) *out_hold_id = 0;
    return guard(err, [&] {
        if (!out_hold_id) null_arg("out_hold_id");
        *out_hold_id =
            (db_of(db).*fn)(member_id, amount, ttl_ms, opt(reference), req(key, "idempotency_key"));
    });
}

int32_t capture(CaptureHold fn, loy_db* db, int64_t hold_id, int64_t amount, const char* key,
                int64_t* out_balance, loy_error* err) {
    if (out_balance) *out_balance = 0;
    return guard(err, [&] {
        const int64_t b = (db_of(db).*fn)(hold_id, amount, req(key, "idempotency_key"));
        if (out_balance) *out_balance = b;
    });
}

}  // namespace

extern "C" {

// ---- tiers and plans ----------------------------------------------------------------------------

int32_t loy_tier_status_get(loy_db* db, int64_t member_id, loy_tier_status** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_status");
        *out = new loy_tier_status{db_of(db).tier_status(member_id)};
    });
}
void loy_tier_status_free(loy_tier_status* s) {
    delete s;
}

#define LOY_TIER_STR(name, expr)                                   \
    const char* loy_tier_status_##name(const loy_tier_status* h) { \
        return h ? (expr).c_str() : "";                            \
    }
#define LOY_TIER_GET(name, type, expr)                      \
    type loy_tier_status_##name(const loy_tier_status* h) { \
        return h ? (expr) : type{};                         \
    }
LOY_TIER_STR(tier, h->s.tier)
LOY_TIER_STR(tier_name, h->s.tier_name)
LOY_TIER_GET(since, int64_t, h->s.since)
LOY_TIER_GET(score, int64_t, h->s.score)
LOY_TIER_STR(next_tier, h->s.next_tier)
LOY_TIER_STR(next_tier_name, h->s.next_tier_name)
LOY_TIER_GET(next_threshold, int64_t, h->s.next_threshold)
LOY_TIER_GET(missing, int64_t, h->s.missing)
LOY_TIER_STR(progress, h->s.progress)
LOY_TIER_GET(at_risk_since, int64_t, h->s.at_risk_since)
LOY_TIER_STR(floor_tier, h->s.floor_tier)
LOY_TIER_STR(multiplier, h->s.multiplier)
LOY_TIER_STR(discount, h->s.discount)
LOY_TIER_GET(free_delivery, int32_t, h->s.free_delivery ? 1 : 0)
LOY_TIER_GET(benefit_count, size_t, h->s.benefits.size())
LOY_TIER_STR(plan, h->s.plan)
LOY_TIER_STR(assigned_tier, h->s.assigned_tier)
LOY_TIER_GET(assigned_until, int64_t, h->s.assigned_until)
LOY_TIER_GET(plan_ends_at, int64_t, h->s.plan_ends_at)
LOY_TIER_GET(event_count, size_t, h->s.events.size())

const char* loy_tier_status_benefit(const loy_tier_status* h, size_t i) {
    return h && i < h->s.benefits.size() ? h->s.benefits[i].c_str() : "";
}
#define LOY_TIER_EVENT(name, type, expr, none)                              \
    type loy_tier_status_event_##name(const loy_tier_status* h, size_t i) { \
        if (!h || i >= h->s.events.size()) return none;                     \
        const TierEvent& e = h->s.events[i];                                \
        return (expr);                                                      \
    }
LOY_TIER_EVENT(from, const char*, e.from.c_str(), "")
LOY_TIER_EVENT(to, const char*, e.to.c_str(), "")
LOY_TIER_EVENT(reason, const char*, e.reason.c_str(), "")
LOY_TIER_EVENT(score, int64_t, e.score, 0)
LOY_TIER_EVENT(sale_id, int64_t, e.sale_id, 0)
LOY_TIER_EVENT(at, int64_t, e.at, 0)
LOY_TIER_EVENT(uid, const char*, e.uid.c_str(), "")

int32_t loy_tiers_review(loy_db* db, int64_t now_ms, int64_t* out_reviewed, int64_t* out_upgraded,
                         int64_t* out_downgraded, int64_t* out_at_risk, loy_error* err) {
    for (int64_t* p : {out_reviewed, out_upgraded, out_downgraded, out_at_risk})
        if (p) *p = 0;
    return guard(err, [&] {
        ReviewResult r = db_of(db).review_tiers(now_ms);
        if (out_reviewed) *out_reviewed = r.reviewed;
        if (out_upgraded) *out_upgraded = r.upgraded;
        if (out_downgraded) *out_downgraded = r.downgraded;
        if (out_at_risk) *out_at_risk = r.at_risk;
    });
}

int32_t loy_member_stamps(loy_db* db, int64_t member_id, const char* card_id, int64_t* out_stamps,
                          loy_error* err) {
    if (out_stamps) *out_stamps = 0;
    return guard(err, [&] {
        if (!out_stamps) null_arg("out_stamps");
        *out_stamps = db_of(db).stamps(member_id, req(card_id, "card_id"));
    });
}

int32_t loy_tier_assign(loy_db* db, int64_t member_id, const char* tier_id, int64_t until_ms,
                        const char* reason, const char* operator_id, const char* key,
                        loy_error* err) {
    return guard(err, [&] {
        Database& d = db_of(db);
        d.assign_tier(member_id, opt(tier_id), until_ms, req(reason, "reason"), opt(operator_id),
                      req(key, "idempotency_key"));
    });
}

int32_t loy_plan_cancel(loy_db* db, int64_t member_id, const char* key, loy_error* err) {
    return guard(err, [&] {
        Database& d = db_of(db);
        d.cancel_plan(member_id, req(key, "idempotency_key"));
    });
}

// ---- points outside a basket ------------------------------------------------------------------

int32_t loy_event_record(loy_db* db, int64_t member_id, const char* action, const char* key,
                         int64_t* out_points, loy_error* err) {
    if (out_points) *out_points = 0;
    return guard(err, [&] {
        Database& d = db_of(db);
        int64_t p = d.record_event(member_id, req(action, "action"), req(key, "idempotency_key"));
        if (out_points) *out_points = p;
    });
}

int32_t loy_points_adjust(loy_db* db, int64_t member_id, int64_t points, const char* reason,
                          const char* operator_id, const char* key, int64_t* out_balance,
                          loy_error* err) {
    return loy_points_adjust_approved(db, member_id, points, reason, operator_id, nullptr, key,
                                      out_balance, err);
}

int32_t loy_points_adjust_approved(loy_db* db, int64_t member_id, int64_t points,
                                   const char* reason, const char* operator_id,
                                   const char* approver, const char* key, int64_t* out_balance,
                                   loy_error* err) {
    if (out_balance) *out_balance = 0;
    return guard(err, [&] {
        Database& d = db_of(db);
        int64_t b =
            d.adjust(member_id, points, req(reason, "reason"), req(operator_id, "operator_id"),
                     req(key, "idempotency_key"), opt(approver));
        if (out_balance) *out_balance = b;
    });
}

int32_t loy_points_hold(loy_db* db, int64_t member_id, int64_t points, int64_t ttl_ms,
                        const char* reference, const char* key, int64_t* out_hold_id,
                        loy_error* err) {
    return open_hold(&Database::hold_points, db, member_id, points, ttl_ms, reference, key,
                     out_hold_id, err);
}

int32_t loy_points_hold_capture(loy_db* db, int64_t hold_id, int64_t points, const char* key,
                                int64_t* out_balance, loy_error* err) {
    return capture(&Database::capture_hold, db, hold_id, points, key, out_balance, err);
}

int32_t loy_points_hold_release(loy_db* db, int64_t hold_id, const char* key, loy_error* err) {
    return guard(err, [&] { db_of(db).release_hold(hold_id, req(key, "idempotency_key")); });
}

int32_t loy_wallet_hold(loy_db* db, int64_t member_id, int64_t amount, int64_t ttl_ms,
                        const char* reference, const char* key, int64_t* out_hold_id,
                        loy_error* err) {
    return open_hold(&Database::hold_wallet, db, member_id, amount, ttl_ms, reference, key,
                     out_hold_id, err);
}

int32_t loy_wallet_hold_capture(loy_db* db, int64_t hold_id, int64_t amount, const char* key,
                                int64_t* out_wallet_balance, loy_error* err) {
    return capture(&Database::capture_wallet_hold, db, hold_id, amount, key, out_wallet_balance,
                   err);
}

int32_t loy_wallet_hold_release(loy_db* db, int64_t hold_id, const char* key, loy_error* err) {
    return loy_points_hold_release(db, hold_id, key, err);
}

int32_t loy_points_transfer(loy_db* db, int64_t from_member_id, int64_t to_member_id,
                            int64_t points, const char* reason, const char* operator_id,
                            const char* key, int64_t* out_from_balance, loy_error* err) {
    if (out_from_balance) *out_from_balance = 0;
    return guard(err, [&] {
        int64_t b = db_of(db).transfer_points(from_member_id, to_member_id, points, opt(reason),
                                              opt(operator_id), req(key, "idempotency_key"));
        if (out_from_balance) *out_from_balance = b;
    });
}

int32_t loy_points_expire(loy_db* db, int64_t now_ms, int64_t* out_lots, int64_t* out_points,
                          loy_error* err) {
    if (out_lots) *out_lots = 0;
    if (out_points) *out_points = 0;
    return guard(err, [&] {
        ExpireResult r = db_of(db).expire(now_ms);
        if (out_lots) *out_lots = r.lots;
        if (out_points) *out_points = r.points;
    });
}

int32_t loy_points_expiring(loy_db* db, int64_t member_id, int64_t before_ms, int64_t* out_points,
                            int64_t* out_next_expiry, loy_error* err) {
    if (out_points) *out_points = 0;
    if (out_next_expiry) *out_next_expiry = 0;
    return guard(err, [&] {
        if (!out_points) null_arg("out_points");
        auto [p, next] = db_of(db).expiring(member_id, before_ms);
        *out_points = p;
        if (out_next_expiry) *out_next_expiry = next;
    });
}

int32_t loy_history_get(loy_db* db, int64_t member_id, int32_t limit, int32_t offset,
                        loy_history** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_history");
        *out = new loy_history{db_of(db).history(member_id, limit, offset)};
    });
}
void loy_history_free(loy_history* h) {
    delete h;
}
size_t loy_history_count(const loy_history* h) {
    return h ? h->e.size() : 0;
}

#define LOY_HISTORY_GET(name, type, expr)                     \
    type loy_history_##name(const loy_history* h, size_t i) { \
        if (!h || i >= h->e.size()) return type{};            \
        const LedgerEntry& e = h->e[i];                       \
        return (expr);                                        \
    }
#define LOY_HISTORY_STR(name, member)                                \
    const char* loy_history_##name(const loy_history* h, size_t i) { \
        if (!h || i >= h->e.size()) return "";                       \
        return h->e[i].member.c_str();                               \
    }
LOY_HISTORY_STR(uid, uid)
LOY_HISTORY_GET(kind, int32_t, static_cast<int32_t>(e.kind))
LOY_HISTORY_GET(points, int64_t, e.points)
LOY_HISTORY_GET(sale_id, int64_t, e.sale_id)
LOY_HISTORY_STR(reason, reason)
LOY_HISTORY_STR(branch, branch)
LOY_HISTORY_STR(terminal, terminal)
LOY_HISTORY_STR(operator, operator_id)
LOY_HISTORY_STR(approver, approver)
LOY_HISTORY_GET(created_at, int64_t, e.created_at)
LOY_HISTORY_GET(expires_at, int64_t, e.expires_at)
LOY_HISTORY_STR(corrects, corrects)

int32_t loy_verify(loy_db* db, int64_t* out_problems, char* buf, size_t capacity,
                   size_t* out_needed, loy_error* err) {
    if (out_problems) *out_problems = 0;
    if (out_needed) *out_needed = 0;
    return guard(err, [&] {
        if (!out_problems) null_arg("out_problems");
        VerifyReport r = db_of(db).verify();
        *out_problems = static_cast<int64_t>(r.problems.size());
        copy_out(text::join(r.problems, "\n"), buf, capacity, out_needed);
    });
}

int32_t loy_rebuild(loy_db* db, int64_t* out_corrected, loy_error* err) {
    if (out_corrected) *out_corrected = 0;
    return guard(err, [&] {
        const std::int64_t n = db_of(db).rebuild();
        if (out_corrected) *out_corrected = n;
    });
}

}  // extern "C"
