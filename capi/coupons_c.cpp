// The C ABI of coupons, the wallet, rewards, partners and prize draws.
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

extern "C" {

// ---- coupons, wallet, rewards, partners, draws --------------------------------------------------

int32_t loy_coupon_code_check(const char* code) {
    try {
        if (!code) return LOY_ERR_INVALID_ARGUMENT;
        std::string c = code;
        if (c.size() > 40 || !text::is_valid_utf8(c)) return LOY_ERR_COUPON_INVALID;
        return coupon::well_formed(coupon::normalize(c)) ? LOY_OK : LOY_ERR_COUPON_INVALID;
    } catch (...) {
        return LOY_ERR_NO_MEMORY;
    }
}

int32_t loy_coupon_issue(loy_db* db, const char* campaign_id, int64_t member_id, const char* key,
                         char* buf, size_t capacity, size_t* out_needed, loy_error* err) {
    if (out_needed) *out_needed = 0;
    if (buf && capacity) buf[0] = '\0';
    return guard(err, [&] {
        Database& d = db_of(db);
        std::string code =
            d.issue_coupon(req(campaign_id, "campaign_id"), member_id, req(key, "idempotency_key"));
        copy_out(code, buf, capacity, out_needed);
    });
}

int32_t loy_coupon_batch_create(loy_db* db, const char* campaign_id, int64_t count, const char* key,
                                int64_t* out_batch_id, loy_error* err) {
    if (out_batch_id) *out_batch_id = 0;
    return guard(err, [&] {
        Database& d = db_of(db);
        int64_t id = d.create_coupon_batch(req(campaign_id, "campaign_id"), count,
                                           req(key, "idempotency_key"));
        if (out_batch_id) *out_batch_id = id;
    });
}

int32_t loy_coupon_batch_export(loy_db* db, int64_t batch_id, char* buf, size_t capacity,
                                size_t* out_needed, loy_error* err) {
    if (out_needed) *out_needed = 0;
    return guard(err, [&] {
        std::string csv = "code\n";
        for (const auto& c : db_of(db).coupon_batch_codes(batch_id))
            csv += c + "\n";
        copy_out(csv, buf, capacity, out_needed);
    });
}

int32_t loy_coupon_get(loy_db* db, const char* code, loy_coupon** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_coupon");
        *out = new_coupon_handle(db_of(db).coupon(req(code, "code")));
    });
}
void loy_coupon_free(loy_coupon* c) {
    delete c;
}
const char* loy_coupon_code(const loy_coupon* c) {
    return c ? c->display.c_str() : "";
}
const char* loy_coupon_campaign(const loy_coupon* c) {
    return c ? c->c.campaign_id.c_str() : "";
}
int64_t loy_coupon_member_id(const loy_coupon* c) {
    return c ? c->c.member_id : 0;
}
int64_t loy_coupon_batch_id(const loy_coupon* c) {
    return c ? c->c.batch_id : 0;
}
int64_t loy_coupon_max_uses(const loy_coupon* c) {
    return c ? c->c.max_uses : 0;
}
int64_t loy_coupon_uses(const loy_coupon* c) {
    return c ? c->c.uses : 0;
}
int64_t loy_coupon_valid_until(const loy_coupon* c) {
    return c ? c->c.valid_until : 0;
}
int64_t loy_coupon_issued_sale_id(const loy_coupon* c) {
    return c ? c->c.issued_sale_id : 0;
}
int32_t loy_coupon_revoked(const loy_coupon* c) {
    return c && c->c.revoked ? 1 : 0;
}

int32_t loy_coupon_revoke(loy_db* db, const char* code, const char* key, loy_error* err) {
    return guard(err, [&] {
        Database& d = db_of(db);
        d.revoke_coupon(req(code, "code"), req(key, "idempotency_key"));
    });
}

int32_t loy_wallet_credit(loy_db* db, int64_t member_id, int64_t amount, const char* reason,
                          const char* operator_id, const char* key, int64_t* out_balance,
                          loy_error* err) {
    if (out_balance) *out_balance = 0;
    return guard(err, [&] {
        Database& d = db_of(db);
        int64_t b = d.wallet_credit(member_id, amount, req(reason, "reason"),
                                    req(operator_id, "operator_id"), req(key, "idempotency_key"));
        if (out_balance) *out_balance = b;
    });
}

int32_t loy_wallet_get(loy_db* db, int64_t member_id, int64_t* out_balance, int64_t* out_available,
                       int64_t* out_pending, loy_error* err) {
    for (int64_t* p : {out_balance, out_available, out_pending})
        if (p) *p = 0;
    return guard(err, [&] {
        WalletBalance w = db_of(db).wallet(member_id);
        if (out_balance) *out_balance = w.balance;
        if (out_available) *out_available = w.available;
        if (out_pending) *out_pending = w.pending;
    });
}

int32_t loy_reward_redeem(loy_db* db, int64_t member_id, const char* reward_id, int64_t quantity,
                          const char* key, loy_redemption** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        Database& d = db_of(db);
        std::string reward = req(reward_id, "reward_id"), k = req(key, "idempotency_key");
        auto h = std::make_unique<loy_redemption>();
        h->r = d.redeem_reward(member_id, reward, quantity, k);
        if (out) *out = h.release();
    });
}
int32_t loy_reward_redeem_held(loy_db* db, int64_t member_id, const char* reward_id,
                               int64_t quantity, const char* hold_id, const char* key,
                               loy_redemption** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        Database& d = db_of(db);
        std::string reward = req(reward_id, "reward_id"), k = req(key, "idempotency_key");
        std::string hold = req(hold_id, "hold_id");
        if (hold.empty()) throw Error(Status::InvalidArgument, "hold_id is empty");
        auto h = std::make_unique<loy_redemption>();
        h->r = d.redeem_reward(member_id, reward, quantity, k, hold);
        if (out) *out = h.release();
    });
}
void loy_redemption_free(loy_redemption* r) {
    delete r;
}
int64_t loy_redemption_id(const loy_redemption* r) {
    return r ? r->r.id : 0;
}
int32_t loy_redemption_replayed(const loy_redemption* r) {
    return r && r->r.replayed ? 1 : 0;
}
const char* loy_redemption_reward(const loy_redemption* r) {
    return r ? r->r.reward_id.c_str() : "";
}
int64_t loy_redemption_quantity(const loy_redemption* r) {
    return r ? r->r.quantity : 0;
}
int64_t loy_redemption_points(const loy_redemption* r) {
    return r ? r->r.points : 0;
}
const char* loy_redemption_coupon_code(const loy_redemption* r) {
    return r ? r->r.coupon_code.c_str() : "";
}
int64_t loy_redemption_wallet_credit(const loy_redemption* r) {
    return r ? r->r.wallet_credit : 0;
}
const char* loy_redemption_cause(const loy_redemption* r) {
    return r ? r->r.cause.c_str() : "";
}

int32_t loy_reward_refund(loy_db* db, int64_t redemption_id, const char* key, loy_error* err) {
    return guard(err, [&] {
        Database& d = db_of(db);
        d.refund_reward(redemption_id, req(key, "idempotency_key"));
    });
}

int32_t loy_reward_report(loy_db* db, int64_t from_ms, int64_t to_ms, loy_table** out,
                          loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        *out = wrap_table(db_of(db).reward_report(from_ms, to_ms));
    });
}

int32_t loy_partner_record_redemption(loy_db* db, const char* partner_id, const char* code,
                                      int64_t amount, const char* key, loy_error* err) {
    return guard(err, [&] {
        Database& d = db_of(db);
        d.record_partner_redemption(req(partner_id, "partner_id"), req(code, "code"), amount,
                                    req(key, "idempotency_key"));
    });
}

int32_t loy_partner_settlement(loy_db* db, const char* partner_id, int64_t from_ms, int64_t to_ms,
                               loy_table** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        *out = wrap_table(db_of(db).partner_settlement(opt(partner_id), from_ms, to_ms));
    });
}

int32_t loy_draw_enter(loy_db* db, const char* draw_id, int64_t member_id, int64_t entries,
                       const char* key, int64_t* out_points, loy_error* err) {
    if (out_points) *out_points = 0;
    return guard(err, [&] {
        Database& d = db_of(db);
        int64_t p =
            d.draw_enter(req(draw_id, "draw_id"), member_id, entries, req(key, "idempotency_key"));
        if (out_points) *out_points = p;
    });
}

int32_t loy_draw_entries(loy_db* db, const char* draw_id, loy_table** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        Database& d = db_of(db);
        *out = wrap_table(d.draw_entries(req(draw_id, "draw_id")));
    });
}

int32_t loy_draw_run(loy_db* db, const char* draw_id, const char* seed, int64_t winners,
                     const char* key, loy_table** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        Database& d = db_of(db);
        std::string draw = req(draw_id, "draw_id"), s = req(seed, "seed"),
                    k = req(key, "idempotency_key");
        *out = filled<loy_table>([&](loy_table& h) { h.t = d.draw_run(draw, s, winners, k); });
    });
}

}  // extern "C"
