// The C ABI of checkout: baskets, quotes, commits, refunds and voids, and receipts.
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

// ---- checkout -------------------------------------------------------------------------------

int32_t loy_basket_new(loy_basket** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_basket");
        *out = new loy_basket{};
    });
}
void loy_basket_free(loy_basket* b) {
    delete b;
}

static Basket& basket_of(loy_basket* b) {
    if (!b) null_arg("basket");
    return b->b;
}

int32_t loy_basket_set_member(loy_basket* b, int64_t member_id, loy_error* err) {
    return guard(err, [&] {
        if (member_id < 0) throw Error(Status::InvalidArgument, "member id cannot be negative");
        basket_of(b).member_id = member_id;
    });
}

int32_t loy_basket_set_context(loy_basket* b, const char* receipt, const char* branch,
                               const char* terminal, const char* cashier, loy_error* err) {
    return guard(err, [&] {
        Basket& k = basket_of(b);
        std::string r = opt(receipt), br = opt(branch), t = opt(terminal), c = opt(cashier);
        text::check_field("receipt", r, 64);
        text::check_field("branch", br, 64);
        text::check_field("terminal", t, 64);
        text::check_field("cashier", c, 64);
        k.receipt = r;
        k.branch = br;
        k.terminal = t;
        k.cashier = c;
    });
}

int32_t loy_basket_set_currency(loy_basket* b, const char* currency, loy_error* err) {
    return guard(err, [&] {
        Basket& k = basket_of(b);
        std::string c = req(currency, "currency");
        text::check_field("currency", c, 8);
        k.currency = c;
    });
}

int32_t loy_basket_add_line(loy_basket* b, const char* sku, const char* category, int64_t qty,
                            int64_t unit_price, int64_t discount, int32_t* out_line_no,
                            loy_error* err) {
    if (out_line_no) *out_line_no = 0;
    return guard(err, [&] {
        Basket& k = basket_of(b);
        BasketLine l;
        l.sku = req(sku, "sku");
        l.category = opt(category);
        text::check_field("sku", l.sku, 64);
        text::check_field("category", l.category, 64);
        if (l.sku.empty()) throw Error(Status::InvalidArgument, "sku is empty");
        l.quantity_milli = qty;
        l.unit_price = unit_price;
        l.discount = discount;
        l.amount();  // validates
        if (k.lines.size() >= 10000)
            throw Error(Status::TooLong, "a basket holds at most 10,000 lines");
        k.lines.push_back(std::move(l));
        k.lines_total();  // the running total must still fit
        if (out_line_no) *out_line_no = static_cast<int32_t>(k.lines.size());
    });
}

int32_t loy_basket_set_charges(loy_basket* b, int64_t tax, int64_t service, int64_t tip,
                               loy_error* err) {
    return guard(err, [&] {
        Basket& k = basket_of(b);
        if (tax < 0 || service < 0 || tip < 0)
            throw Error(Status::InvalidAmount, "tax, service charge and tip cannot be negative");
        k.tax = tax;
        k.service = service;
        k.tip = tip;
    });
}

int32_t loy_basket_add_tender(loy_basket* b, const char* type, int64_t amount, loy_error* err) {
    return guard(err, [&] {
        Basket& k = basket_of(b);
        std::string t = req(type, "type");
        text::check_field("tender type", t, 64);
        if (t.empty()) throw Error(Status::InvalidArgument, "a tender needs a type");
        if (amount < 0) throw Error(Status::InvalidAmount, "a tender cannot be negative");
        if (k.tenders.size() >= 100)
            throw Error(Status::TooLong, "a sale holds at most 100 tenders");
        k.tenders.push_back({t, amount});
    });
}

int32_t loy_basket_add_plan(loy_basket* b, const char* plan_id, int32_t periods,
                            int32_t* out_line_no, loy_error* err) {
    if (out_line_no) *out_line_no = 0;
    return guard(err, [&] {
        Basket& k = basket_of(b);
        BasketLine l;
        l.plan_id = req(plan_id, "plan_id");
        text::check_field("plan id", l.plan_id, 64);
        if (l.plan_id.empty()) throw Error(Status::InvalidArgument, "plan id is empty");
        if (periods < 1 || periods > 120)
            throw Error(Status::InvalidAmount, "a plan is bought for 1 to 120 periods");
        l.quantity_milli = static_cast<int64_t>(periods) * 1000;
        if (k.lines.size() >= 10000)
            throw Error(Status::TooLong, "a basket holds at most 10,000 lines");
        k.lines.push_back(std::move(l));
        if (out_line_no) *out_line_no = static_cast<int32_t>(k.lines.size());
    });
}

int32_t loy_basket_add_wallet_topup(loy_basket* b, int64_t amount, int32_t* out_line_no,
                                    loy_error* err) {
    if (out_line_no) *out_line_no = 0;
    return guard(err, [&] {
        Basket& k = basket_of(b);
        if (amount <= 0) throw Error(Status::InvalidAmount, "a wallet top-up must be positive");
        BasketLine l;
        l.wallet_topup = true;
        l.quantity_milli = 1000;
        l.unit_price = amount;
        if (k.lines.size() >= 10000)
            throw Error(Status::TooLong, "a basket holds at most 10,000 lines");
        k.lines.push_back(std::move(l));
        if (out_line_no) *out_line_no = static_cast<int32_t>(k.lines.size());
    });
}

int32_t loy_basket_add_coupon(loy_basket* b, const char* code, loy_error* err) {
    return guard(err, [&] {
        Basket& k = basket_of(b);
        std::string c = req(code, "code");
        text::check_field("coupon code", c, 40);
        if (coupon::normalize(c).empty())
            throw Error(Status::InvalidArgument, "the coupon code is empty");
        if (k.coupons.size() >= 20) throw Error(Status::TooLong, "a sale takes at most 20 coupons");
        k.coupons.push_back(c);
    });
}

int32_t loy_basket_pay_wallet(loy_basket* b, int64_t amount, loy_error* err) {
    return guard(err, [&] {
        Basket& k = basket_of(b);
        if (amount < 0) throw Error(Status::InvalidAmount, "a wallet payment cannot be negative");
        k.wallet_amount = amount;
    });
}

int32_t loy_basket_pay_giftcard(loy_basket* b, const char* code, int64_t amount, loy_error* err) {
    return guard(err, [&] {
        Basket& k = basket_of(b);
        std::string typed = req(code, "code");
        text::check_field("gift card code", typed, 40);
        if (amount <= 0) throw Error(Status::InvalidAmount, "a gift card payment must be positive");
        if (k.gift_cards.size() >= 5)
            throw Error(Status::TooLong, "a sale takes at most 5 gift cards");
        k.gift_cards.push_back({std::move(typed), amount});
    });
}

int32_t loy_basket_redeem_points(loy_basket* b, int64_t points, loy_error* err) {
    return guard(err, [&] {
        Basket& k = basket_of(b);
        if (points < 0) throw Error(Status::InvalidAmount, "points to redeem cannot be negative");
        k.redeem_points = points;
    });
}

int32_t loy_basket_set_hold(loy_basket* b, const char* hold_id, int64_t points, loy_error* err) {
    return guard(err, [&] {
        Basket& k = basket_of(b);
        if (points < 0) throw Error(Status::InvalidAmount, "held points cannot be negative");
        k.hold_id = opt(hold_id);
        k.hold_points = k.hold_id.empty() ? 0 : points;
    });
}

int32_t loy_basket_set_coupon_hold(loy_basket* b, const char* hold_id, loy_error* err) {
    return guard(err, [&] { basket_of(b).coupon_hold = opt(hold_id); });
}

int32_t loy_basket_set_wallet_hold(loy_basket* b, const char* hold_id, int64_t amount,
                                   loy_error* err) {
    return guard(err, [&] {
        Basket& k = basket_of(b);
        if (amount < 0) throw Error(Status::InvalidAmount, "a held amount cannot be negative");
        k.wallet_hold = opt(hold_id);
        k.wallet_hold_amount = k.wallet_hold.empty() ? 0 : amount;
    });
}

int32_t loy_basket_set_giftcard_hold(loy_basket* b, const char* hold_id, loy_error* err) {
    return guard(err, [&] { basket_of(b).giftcard_hold = opt(hold_id); });
}

int32_t loy_basket_giftcard_claims(loy_db* db, const loy_basket* basket, char* buf, size_t capacity,
                                   size_t* out_needed, loy_error* err) {
    if (out_needed) *out_needed = 0;
    if (buf && capacity) buf[0] = '\0';
    return guard(err, [&] {
        if (!basket) null_arg("basket");
        copy_out(db_of(db).giftcard_claims(basket->b), buf, capacity, out_needed);
    });
}

int32_t loy_basket_coupon_claims(loy_db* db, const loy_basket* basket, char* buf, size_t capacity,
                                 size_t* out_needed, loy_error* err) {
    if (out_needed) *out_needed = 0;
    if (buf && capacity) buf[0] = '\0';
    return guard(err, [&] {
        if (!basket) null_arg("basket");
        copy_out(db_of(db).coupon_claims(basket->b), buf, capacity, out_needed);
    });
}

int32_t loy_quote_basket(loy_db* db, const loy_basket* basket, loy_quote** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!basket) null_arg("basket");
        if (!out) null_arg("out_quote");
        *out = new loy_quote{db_of(db).quote(basket->b)};
    });
}

void loy_quote_free(loy_quote* q) {
    delete q;
}

#define LOY_QUOTE_GET(name, expr)                  \
    int64_t loy_quote_##name(const loy_quote* h) { \
        return h ? (expr) : 0;                     \
    }
LOY_QUOTE_GET(member_id, h->q.member_id)
LOY_QUOTE_GET(program_version, h->q.program_version)
LOY_QUOTE_GET(total, h->q.total)
LOY_QUOTE_GET(points_earned, h->q.points_earned)
LOY_QUOTE_GET(balance, h->q.balance)
LOY_QUOTE_GET(available, h->q.available)
LOY_QUOTE_GET(redeemable_points, h->q.redeemable_points)
LOY_QUOTE_GET(redeemable_value, h->q.redeemable_value)
LOY_QUOTE_GET(redeem_points, h->q.redeem_points)
LOY_QUOTE_GET(redeem_value, h->q.redeem_value)
LOY_QUOTE_GET(amount_due, h->q.amount_due)

int32_t loy_quote_redeem_status(const loy_quote* h) {
    return h ? static_cast<int32_t>(h->q.redeem_status) : 0;
}
size_t loy_quote_rule_count(const loy_quote* h) {
    return h ? h->q.rules.size() : 0;
}
const char* loy_quote_rule_id(const loy_quote* h, size_t i) {
    return h && i < h->q.rules.size() ? h->q.rules[i].rule_id.c_str() : "";
}
int64_t loy_quote_rule_points(const loy_quote* h, size_t i) {
    return h && i < h->q.rules.size() ? h->q.rules[i].points : 0;
}
const char* loy_quote_rule_explanation(const loy_quote* h, size_t i) {
    return h && i < h->q.rules.size() ? h->q.rules[i].explanation.c_str() : "";
}
int64_t loy_quote_line_points(const loy_quote* h, int32_t line_no) {
    if (!h || line_no < 1 || static_cast<size_t>(line_no) > h->q.line_points.size()) return 0;
    return h->q.line_points[static_cast<size_t>(line_no - 1)];
}

int64_t loy_quote_benefit_discount(const loy_quote* h) {
    return h ? h->q.benefit_discount : 0;
}
int32_t loy_quote_free_delivery(const loy_quote* h) {
    return h && h->q.free_delivery ? 1 : 0;
}
const char* loy_quote_tier(const loy_quote* h) {
    return h ? h->q.tier.c_str() : "";
}
const char* loy_quote_tier_after(const loy_quote* h) {
    return h ? h->q.tier_after.c_str() : "";
}
const char* loy_quote_progress(const loy_quote* h) {
    return h ? h->q.progress.c_str() : "";
}

size_t loy_quote_coupon_count(const loy_quote* h) {
    return h ? h->q.coupons.size() : 0;
}
#define LOY_QUOTE_COUPON(name, type, expr, none)                 \
    type loy_quote_coupon_##name(const loy_quote* h, size_t i) { \
        if (!h || i >= h->q.coupons.size()) return none;         \
        const CouponResult& c = h->q.coupons[i];                 \
        return (expr);                                           \
    }
LOY_QUOTE_COUPON(code, const char*, c.code.c_str(), "")
LOY_QUOTE_COUPON(campaign, const char*, c.campaign_id.c_str(), "")
LOY_QUOTE_COUPON(status, int32_t, static_cast<int32_t>(c.status), 0)
LOY_QUOTE_COUPON(message, const char*, c.message.c_str(), "")
LOY_QUOTE_COUPON(amount, int64_t, c.discount, 0)
LOY_QUOTE_COUPON(points, int64_t, c.points, 0)
int64_t loy_quote_coupon_discount(const loy_quote* h) {
    return h ? h->q.coupon_discount : 0;
}
int64_t loy_quote_cashback(const loy_quote* h) {
    return h ? h->q.cashback : 0;
}
int64_t loy_quote_wallet_balance(const loy_quote* h) {
    return h ? h->q.wallet_balance : 0;
}
int64_t loy_quote_wallet_available(const loy_quote* h) {
    return h ? h->q.wallet_available : 0;
}
int32_t loy_quote_wallet_status(const loy_quote* h) {
    return h ? static_cast<int32_t>(h->q.wallet_status) : 0;
}
int64_t loy_quote_wallet_amount(const loy_quote* h) {
    return h ? h->q.wallet_amount : 0;
}
int64_t loy_quote_gift_card_amount(const loy_quote* h) {
    return h ? h->q.gift_card_amount : 0;
}

int32_t loy_commit(loy_db* db, const loy_basket* basket, const char* key, loy_receipt** out,
                   loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!basket) null_arg("basket");
        if (!out) null_arg("out_receipt");
        Database& d = db_of(db);
        *out = new loy_receipt{d.commit(basket->b, req(key, "idempotency_key"))};
    });
}

int32_t loy_refund_new(loy_refund** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_refund");
        *out = new loy_refund{};
    });
}
void loy_refund_free(loy_refund* r) {
    delete r;
}

int32_t loy_refund_add_line(loy_refund* r, int32_t line_no, int64_t qty, loy_error* err) {
    return guard(err, [&] {
        if (!r) null_arg("refund");
        if (line_no < 1) throw Error(Status::InvalidArgument, "line numbers start at 1");
        if (qty <= 0)
            throw Error(Status::InvalidAmount, "a refund quantity must be greater than 0");
        if (r->lines.size() >= 10000)
            throw Error(Status::TooLong, "a refund holds at most 10,000 lines");
        r->lines.push_back({line_no, qty});
    });
}

int32_t loy_refund_sale(loy_db* db, int64_t sale_id, const loy_refund* refund, const char* key,
                        loy_receipt** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_receipt");
        Database& d = db_of(db);
        static const std::vector<RefundLine> kAll;
        *out = new loy_receipt{
            d.refund(sale_id, refund ? refund->lines : kAll, req(key, "idempotency_key"))};
    });
}

int32_t loy_void_sale(loy_db* db, int64_t sale_id, const char* key, loy_receipt** out,
                      loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_receipt");
        Database& d = db_of(db);
        *out = new loy_receipt{d.void_sale(sale_id, req(key, "idempotency_key"))};
    });
}

int32_t loy_sale_find_by_key(loy_db* db, const char* key, int64_t* out_sale_id, loy_error* err) {
    if (out_sale_id) *out_sale_id = 0;
    return guard(err, [&] {
        if (!out_sale_id) null_arg("out_sale_id");
        Database& d = db_of(db);
        *out_sale_id = d.sale_by_key(req(key, "idempotency_key"));
    });
}

int32_t loy_sale_find_by_receipt(loy_db* db, const char* receipt, const char* branch,
                                 int64_t* out_sale_id, loy_error* err) {
    if (out_sale_id) *out_sale_id = 0;
    return guard(err, [&] {
        if (!out_sale_id) null_arg("out_sale_id");
        Database& d = db_of(db);
        *out_sale_id = d.sale_by_receipt(req(receipt, "receipt"), opt(branch));
    });
}

int32_t loy_sale_claim(loy_db* db, int64_t sale_id, int64_t member_id, const char* cashier,
                       const char* key, loy_receipt** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_receipt");
        Database& d = db_of(db);
        *out = new loy_receipt{
            d.claim_sale(sale_id, member_id, opt(cashier), req(key, "idempotency_key"))};
    });
}

void loy_receipt_free(loy_receipt* r) {
    delete r;
}

#define LOY_RECEIPT_GET(name, expr)                    \
    int64_t loy_receipt_##name(const loy_receipt* h) { \
        return h ? (expr) : 0;                         \
    }
int32_t loy_receipt_kind(const loy_receipt* h) {
    return h ? static_cast<int32_t>(h->r.kind) : 0;
}
int32_t loy_receipt_redeem_mode(const loy_receipt* h) {
    return h ? h->r.redeem_mode : 0;
}
int32_t loy_receipt_replayed(const loy_receipt* h) {
    return h && h->r.replayed ? 1 : 0;
}
LOY_RECEIPT_GET(sale_id, h->r.sale_id)
const char* loy_receipt_uid(const loy_receipt* h) {
    return h ? h->r.uid.c_str() : "";
}
LOY_RECEIPT_GET(member_id, h->r.member_id)
LOY_RECEIPT_GET(program_version, h->r.program_version)
LOY_RECEIPT_GET(total, h->r.total)
LOY_RECEIPT_GET(points_earned, h->r.points_earned)
LOY_RECEIPT_GET(points_redeemed, h->r.points_redeemed)
LOY_RECEIPT_GET(redeem_value, h->r.redeem_value)
LOY_RECEIPT_GET(amount_due, h->r.amount_due)
LOY_RECEIPT_GET(refund_amount, h->r.refund_amount)
LOY_RECEIPT_GET(balance_after, h->r.balance_after)
LOY_RECEIPT_GET(available_after, h->r.available_after)
LOY_RECEIPT_GET(created_at, h->r.created_at)
size_t loy_receipt_rule_count(const loy_receipt* h) {
    return h ? h->r.rules.size() : 0;
}
const char* loy_receipt_rule_id(const loy_receipt* h, size_t i) {
    return h && i < h->r.rules.size() ? h->r.rules[i].rule_id.c_str() : "";
}
int64_t loy_receipt_rule_points(const loy_receipt* h, size_t i) {
    return h && i < h->r.rules.size() ? h->r.rules[i].points : 0;
}
const char* loy_receipt_rule_explanation(const loy_receipt* h, size_t i) {
    return h && i < h->r.rules.size() ? h->r.rules[i].explanation.c_str() : "";
}

int64_t loy_receipt_benefit_discount(const loy_receipt* h) {
    return h ? h->r.benefit_discount : 0;
}
const char* loy_receipt_tier_before(const loy_receipt* h) {
    return h ? h->r.tier_before.c_str() : "";
}
const char* loy_receipt_tier_after(const loy_receipt* h) {
    return h ? h->r.tier_after.c_str() : "";
}

int64_t loy_receipt_coupon_discount(const loy_receipt* h) {
    return h ? h->r.coupon_discount : 0;
}
size_t loy_receipt_coupon_count(const loy_receipt* h) {
    return h ? h->r.coupons.size() : 0;
}
const char* loy_receipt_coupon_code(const loy_receipt* h, size_t i) {
    return h && i < h->r.coupons.size() ? h->r.coupons[i].code.c_str() : "";
}
int64_t loy_receipt_coupon_amount(const loy_receipt* h, size_t i) {
    return h && i < h->r.coupons.size() ? h->r.coupons[i].discount : 0;
}
size_t loy_receipt_issued_count(const loy_receipt* h) {
    return h ? h->r.coupons_issued.size() : 0;
}
const char* loy_receipt_issued_code(const loy_receipt* h, size_t i) {
    return h && i < h->r.coupons_issued.size() ? h->r.coupons_issued[i].c_str() : "";
}
int64_t loy_receipt_wallet_amount(const loy_receipt* h) {
    return h ? h->r.wallet_amount : 0;
}
int64_t loy_receipt_gift_card_amount(const loy_receipt* h) {
    return h ? h->r.gift_card_amount : 0;
}
int64_t loy_receipt_cashback(const loy_receipt* h) {
    return h ? h->r.cashback : 0;
}
int64_t loy_receipt_money_back(const loy_receipt* h) {
    return h ? h->r.money_back : 0;
}

}  // extern "C"
