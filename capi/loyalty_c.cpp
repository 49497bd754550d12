// The C ABI: extern "C" shims over the C++ core. Each handle is a struct holding the C++ value;
// each entry point clears its out-parameters, catches every exception and maps it to a status.
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

int32_t loy_version_number(void) {
    return LOY_VERSION_NUMBER;
}
const char* loy_version_string(void) {
    return LOY_VERSION_STRING;
}

const char* loy_status_name(int32_t status) {
    return status_name(static_cast<Status>(status));
}
int32_t loy_status_is_transient(int32_t status) {
    return is_transient(static_cast<Status>(status)) ? 1 : 0;
}

void loy_error_init(loy_error* err) {
    if (!err) return;
    std::memset(err, 0, sizeof *err);
    err->size = sizeof *err;
}

// ---- database -------------------------------------------------------------------------------

void loy_open_options_init(loy_open_options* o) {
    if (!o) return;
    std::memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->durability = LOY_DURABILITY_FULL;
    o->busy_timeout_ms = 5000;
    o->default_currency_exponent = -1;
}

int32_t loy_open(const loy_open_options* options, loy_db** out_db, loy_error* err) {
    if (out_db) *out_db = nullptr;
    return guard(err, [&] {
        if (!options) null_arg("options");
        if (!out_db) null_arg("out_db");
        // A caller built against 0.3's header passes the struct without its last field.
        check_size(options->size, offsetof(loy_open_options, default_currency_exponent),
                   "loy_open_options");
        OpenOptions o;
        o.path = req(options->path, "options->path");
        if (options->durability != LOY_DURABILITY_FULL &&
            options->durability != LOY_DURABILITY_NORMAL)
            throw Error(Status::InvalidArgument,
                        "durability must be LOY_DURABILITY_FULL or _NORMAL");
        o.durability =
            options->durability == LOY_DURABILITY_NORMAL ? Durability::Normal : Durability::Full;
        o.busy_timeout_ms = options->busy_timeout_ms;
        if (options->default_country) o.default_country = options->default_country;
        if (options->default_currency) o.default_currency = options->default_currency;
        o.origin = opt(options->origin);
        o.read_only = options->read_only != 0;
        if (options->size >=
            offsetof(loy_open_options, default_currency_exponent) + sizeof(int32_t))
            o.default_currency_exponent = options->default_currency_exponent;
        auto h = std::make_unique<loy_db>();
        h->rep = Database::open(o);
        *out_db = h.release();
    });
}

void loy_close(loy_db* db) {
    delete db;
}

int32_t loy_set_clock(loy_db* db, int64_t now_ms, loy_error* err) {
    return guard(err, [&] { db_of(db).set_clock(now_ms); });
}

int64_t loy_now(const loy_db* db) {
    if (!db || !db->rep) return 0;
    return db->rep->now();
}

int32_t loy_currency_set(loy_db* db, const char* code, int32_t exponent, loy_error* err) {
    return guard(err, [&] { db_of(db).set_currency(req(code, "code"), exponent); });
}

int32_t loy_currency_exponent(loy_db* db, const char* code, int32_t* out_exponent, loy_error* err) {
    if (out_exponent) *out_exponent = 0;
    return guard(err, [&] {
        if (!out_exponent) null_arg("out_exponent");
        *out_exponent = db_of(db).currency_exponent(req(code, "code"));
    });
}

int32_t loy_money_format(loy_db* db, int64_t minor_units, const char* currency, int32_t grouping,
                         char* buf, size_t capacity, size_t* out_needed, loy_error* err) {
    if (out_needed) *out_needed = 0;
    return guard(err, [&] {
        int e = db_of(db).currency_exponent(req(currency, "currency"));
        copy_out(format_money(minor_units, e, grouping != 0), buf, capacity, out_needed);
    });
}

int32_t loy_phone_normalize(loy_db* db, const char* phone, char* buf, size_t capacity,
                            size_t* out_needed, loy_error* err) {
    if (out_needed) *out_needed = 0;
    return guard(err, [&] {
        copy_out(db_of(db).normalize_phone(req(phone, "phone")), buf, capacity, out_needed);
    });
}

// ---- members --------------------------------------------------------------------------------

void loy_member_fields_init(loy_member_fields* f) {
    if (!f) return;
    std::memset(f, 0, sizeof *f);
    f->size = sizeof *f;
    f->birth_year = f->birth_month = f->birth_day = LOY_UNCHANGED;
    f->consent_sms = f->consent_email = f->consent_push = LOY_UNCHANGED;
}

int32_t loy_member_enrol(loy_db* db, const loy_member_fields* fields, const char* key,
                         loy_member** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!fields) null_arg("fields");
        if (!out) null_arg("out_member");
        Database& d = db_of(db);
        MemberFields mf = to_fields(fields, false);
        std::string k = opt(key);
        *out = filled<loy_member>([&](loy_member& h) { h.m = d.enrol(mf, k); });
    });
}

int32_t loy_member_get(loy_db* db, int64_t id, loy_member** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_member");
        *out = wrap(db_of(db).member(id));
    });
}

int32_t loy_member_find_by_phone(loy_db* db, const char* phone, loy_member** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_member");
        *out = wrap(db_of(db).find_by_phone(req(phone, "phone")));
    });
}

int32_t loy_member_find_by_card(loy_db* db, const char* card, loy_member** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_member");
        *out = wrap(db_of(db).find_by_card(req(card, "card")));
    });
}

int32_t loy_member_identify(loy_db* db, const char* text_in, loy_member** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_member");
        *out = wrap(db_of(db).identify(req(text_in, "phone_or_card")));
    });
}

// The member events without a key: the keyed forms (capi/identity_c.cpp) with none.
int32_t loy_member_update(loy_db* db, int64_t id, const loy_member_fields* fields, loy_member** out,
                          loy_error* err) {
    return loy_member_update_with_key(db, id, fields, nullptr, out, err);
}
int32_t loy_member_deactivate(loy_db* db, int64_t id, loy_error* err) {
    return loy_member_deactivate_with_key(db, id, nullptr, err);
}
int32_t loy_member_reactivate(loy_db* db, int64_t id, loy_error* err) {
    return loy_member_reactivate_with_key(db, id, nullptr, err);
}
int32_t loy_member_erase(loy_db* db, int64_t id, loy_error* err) {
    return loy_member_erase_with_key(db, id, nullptr, err);
}
int32_t loy_member_merge(loy_db* db, int64_t survivor, int64_t absorbed, loy_member** out,
                         loy_error* err) {
    return loy_member_merge_with_key(db, survivor, absorbed, nullptr, out, err);
}

void loy_member_free(loy_member* m) {
    delete m;
}

#define LOY_MEMBER_GET(name, type, expr)          \
    type loy_member_##name(const loy_member* h) { \
        return h ? (expr) : type{};               \
    }
#define LOY_MEMBER_STR(name, expr)                       \
    const char* loy_member_##name(const loy_member* h) { \
        return h ? cstr(expr) : "";                      \
    }

LOY_MEMBER_GET(id, int64_t, h->m.id)
LOY_MEMBER_STR(uid, h->m.uid)
LOY_MEMBER_GET(status, int32_t, static_cast<int32_t>(h->m.status))
LOY_MEMBER_STR(phone, h->m.phone)
LOY_MEMBER_STR(card, h->m.card)
LOY_MEMBER_STR(name, h->m.name)
LOY_MEMBER_STR(email, h->m.email)
LOY_MEMBER_GET(birth_year, int32_t, h->m.birth_year)
LOY_MEMBER_GET(birth_month, int32_t, h->m.birth_month)
LOY_MEMBER_GET(birth_day, int32_t, h->m.birth_day)
LOY_MEMBER_STR(gender, h->m.gender)
LOY_MEMBER_STR(tags, h->m.tags_text)
LOY_MEMBER_STR(language, h->m.language)
LOY_MEMBER_GET(consent_sms, int32_t, h->m.consent_sms ? 1 : 0)
LOY_MEMBER_GET(consent_email, int32_t, h->m.consent_email ? 1 : 0)
LOY_MEMBER_GET(consent_push, int32_t, h->m.consent_push ? 1 : 0)
LOY_MEMBER_STR(branch, h->m.branch)
LOY_MEMBER_GET(referrer_id, int64_t, h->m.referrer_id)
LOY_MEMBER_STR(referral_code, h->m.referral_code)
LOY_MEMBER_GET(merged_into, int64_t, h->m.merged_into)
LOY_MEMBER_GET(created_at, int64_t, h->m.created_at)
LOY_MEMBER_GET(balance, int64_t, h->m.balance)
LOY_MEMBER_GET(available, int64_t, h->m.available)
LOY_MEMBER_GET(pending, int64_t, h->m.pending)
LOY_MEMBER_GET(lifetime_earned, int64_t, h->m.lifetime_earned)
LOY_MEMBER_STR(tier, h->m.tier)
LOY_MEMBER_GET(wallet_balance, int64_t, h->m.wallet_balance)

void loy_member_query_init(loy_member_query* q) {
    if (!q) return;
    std::memset(q, 0, sizeof *q);
    q->size = sizeof *q;
}

int32_t loy_member_search(loy_db* db, const loy_member_query* query, loy_member_list** out,
                          loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!query) null_arg("query");
        if (!out) null_arg("out_list");
        check_size(query->size, sizeof(loy_member_query), "loy_member_query");
        MemberQuery q;
        q.name_prefix = opt(query->name_prefix);
        q.phone_prefix = opt(query->phone_prefix);
        q.tag = opt(query->tag);
        q.include_inactive = query->include_inactive != 0;
        q.limit = query->limit;
        q.after_id = query->after_id;
        auto members = db_of(db).list(q);
        auto list = std::make_unique<loy_member_list>();
        list->items.reserve(members.size());
        for (auto& m : members)
            list->items.push_back(loy_member{std::move(m)});
        *out = list.release();
    });
}

size_t loy_member_list_count(const loy_member_list* l) {
    return l ? l->items.size() : 0;
}
const loy_member* loy_member_list_at(const loy_member_list* l, size_t i) {
    return l && i < l->items.size() ? &l->items[i] : nullptr;
}
void loy_member_list_free(loy_member_list* l) {
    delete l;
}

// ---- programme ------------------------------------------------------------------------------

int32_t loy_program_load_json(loy_db* db, const char* json, int64_t* out_version, loy_error* err) {
    if (out_version) *out_version = 0;
    return guard(err, [&] {
        int64_t v = db_of(db).load_program(req(json, "json"));
        if (out_version) *out_version = v;
    });
}

int32_t loy_program_load_file(loy_db* db, const char* path, int64_t* out_version, loy_error* err) {
    if (out_version) *out_version = 0;
    return guard(err, [&] {
        Database& d = db_of(db);
        std::string p = req(path, "path");
        int64_t v = d.load_program(platform::read_file(p, "programme file"));
        if (out_version) *out_version = v;
    });
}

int64_t loy_program_active_version(loy_db* db) {
    if (!db || !db->rep) return 0;
    try {
        return db->rep->active_program_version();
    } catch (...) {
        return 0;
    }
}

int32_t loy_program_export_json(loy_db* db, int64_t version, char* buf, size_t capacity,
                                size_t* out_needed, loy_error* err) {
    if (out_needed) *out_needed = 0;
    return guard(err,
                 [&] { copy_out(db_of(db).export_program(version), buf, capacity, out_needed); });
}

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

int32_t loy_basket_redeem_points(loy_basket* b, int64_t points, loy_error* err) {
    return guard(err, [&] {
        Basket& k = basket_of(b);
        if (points < 0) throw Error(Status::InvalidAmount, "points to redeem cannot be negative");
        k.redeem_points = points;
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
int64_t loy_receipt_cashback(const loy_receipt* h) {
    return h ? h->r.cashback : 0;
}
int64_t loy_receipt_money_back(const loy_receipt* h) {
    return h ? h->r.money_back : 0;
}

// ---- result tables ----------------------------------------------------------------------------

void loy_table_free(loy_table* t) {
    delete t;
}
size_t loy_table_column_count(const loy_table* t) {
    return t ? t->t.columns.size() : 0;
}
const char* loy_table_column_name(const loy_table* t, size_t c) {
    return t && c < t->t.columns.size() ? t->t.columns[c].c_str() : "";
}
size_t loy_table_row_count(const loy_table* t) {
    return t ? t->t.rows.size() : 0;
}
static const Table::Cell* table_cell(const loy_table* t, size_t r, size_t c) {
    if (!t || r >= t->t.rows.size() || c >= t->t.rows[r].size()) return nullptr;
    return &t->t.rows[r][c];
}
const char* loy_table_text(const loy_table* t, size_t r, size_t c) {
    const Table::Cell* x = table_cell(t, r, c);
    return x ? x->text.c_str() : "";
}
int64_t loy_table_int(const loy_table* t, size_t r, size_t c) {
    const Table::Cell* x = table_cell(t, r, c);
    return x ? x->number : 0;
}
int32_t loy_table_is_number(const loy_table* t, size_t r, size_t c) {
    const Table::Cell* x = table_cell(t, r, c);
    return x && x->numeric ? 1 : 0;
}

static loy_table* wrap_table(Table t) {
    return new loy_table{std::move(t)};
}

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
    if (out_balance) *out_balance = 0;
    return guard(err, [&] {
        Database& d = db_of(db);
        int64_t b = d.adjust(member_id, points, req(reason, "reason"),
                             req(operator_id, "operator_id"), req(key, "idempotency_key"));
        if (out_balance) *out_balance = b;
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

// ---- reports, segments, messages, import ------------------------------------------------------

void loy_report_options_init(loy_report_options* o) {
    if (!o) return;
    std::memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->group_by = LOY_GROUP_NONE;
    o->calendar = LOY_CALENDAR_GREGORIAN;
    o->limit = 20;
}

static ReportOptions report_options(const loy_report_options* o) {
    ReportOptions r;
    if (!o) return r;
    check_size(o->size, sizeof(loy_report_options), "loy_report_options");
    if (o->group_by < LOY_GROUP_NONE || o->group_by > LOY_GROUP_MONTH)
        throw Error(Status::InvalidArgument, "group_by must be one of LOY_GROUP_*");
    if (o->calendar != LOY_CALENDAR_GREGORIAN && o->calendar != LOY_CALENDAR_JALALI)
        throw Error(Status::InvalidArgument, "calendar must be one of LOY_CALENDAR_*");
    r.from_ms = o->from_ms;
    r.to_ms = o->to_ms;
    r.branch = opt(o->branch);
    r.group = static_cast<Grouping>(o->group_by);
    r.calendar = static_cast<CalendarKind>(o->calendar);
    r.limit = o->limit == 0 ? 20 : o->limit;
    return r;
}

size_t loy_report_count(void) {
    return report_catalogue().size();
}
const char* loy_report_name(size_t i) {
    return i < report_catalogue().size() ? report_catalogue()[i].name.c_str() : "";
}
const char* loy_report_title(size_t i) {
    return i < report_catalogue().size() ? report_catalogue()[i].title.c_str() : "";
}
const char* loy_report_description(size_t i) {
    return i < report_catalogue().size() ? report_catalogue()[i].description.c_str() : "";
}

int32_t loy_report(loy_db* db, const char* name, const loy_report_options* options, loy_table** out,
                   loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        Database& d = db_of(db);
        *out = wrap_table(d.report(req(name, "name"), report_options(options)));
    });
}

int32_t loy_dashboard_html(loy_db* db, const loy_report_options* options, char* buf,
                           size_t capacity, size_t* out_needed, loy_error* err) {
    if (out_needed) *out_needed = 0;
    return guard(err, [&] {
        Database& d = db_of(db);
        copy_out(d.dashboard_html(report_options(options)), buf, capacity, out_needed);
    });
}

int32_t loy_segments(loy_db* db, int64_t at_ms, loy_table** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        *out = wrap_table(db_of(db).segments(at_ms));
    });
}

int32_t loy_segment_members(loy_db* db, const char* segment_id, int64_t at_ms, loy_table** out,
                            loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        Database& d = db_of(db);
        *out = wrap_table(d.segment_members(req(segment_id, "segment_id"), at_ms));
    });
}

int32_t loy_member_segments(loy_db* db, int64_t member_id, int64_t at_ms, loy_table** out,
                            loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        *out = wrap_table(db_of(db).member_segments(member_id, at_ms));
    });
}

int32_t loy_messages_generate(loy_db* db, int64_t now_ms, int64_t* out_queued, loy_error* err) {
    if (out_queued) *out_queued = 0;
    return guard(err, [&] {
        const std::int64_t n = db_of(db).generate_messages(now_ms);
        if (out_queued) *out_queued = n;
    });
}

int32_t loy_campaign_send(loy_db* db, const char* campaign_id, int64_t now_ms, int64_t* out_queued,
                          int64_t* out_holdout, int64_t* out_suppressed, loy_error* err) {
    for (int64_t* p : {out_queued, out_holdout, out_suppressed})
        if (p) *p = 0;
    return guard(err, [&] {
        Database& d = db_of(db);
        const CampaignSendResult r = d.send_campaign(req(campaign_id, "campaign_id"), now_ms);
        if (out_queued) *out_queued = r.queued;
        if (out_holdout) *out_holdout = r.holdout;
        if (out_suppressed) *out_suppressed = r.suppressed;
    });
}

int32_t loy_outbox_fetch(loy_db* db, int64_t now_ms, int32_t limit, int64_t lease_ms,
                         loy_table** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        Database& d = db_of(db);
        // Leasing is a write: the handle is allocated before it.
        *out = filled<loy_table>(
            [&](loy_table& h) { h.t = d.fetch_messages(now_ms, limit, lease_ms); });
    });
}

int32_t loy_outbox_ack(loy_db* db, int64_t message_id, int32_t result, const char* error_text,
                       int64_t retry_after_ms, loy_error* err) {
    return guard(err, [&] {
        Database& d = db_of(db);
        if (result != LOY_DELIVERY_SENT && result != LOY_DELIVERY_FAILED)
            throw Error(Status::InvalidArgument,
                        "result must be LOY_DELIVERY_SENT or LOY_DELIVERY_FAILED");
        d.acknowledge_message(message_id, static_cast<Delivery>(result), opt(error_text),
                              retry_after_ms);
    });
}

int32_t loy_member_messages(loy_db* db, int64_t member_id, int32_t limit, loy_table** out,
                            loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        *out = wrap_table(db_of(db).member_messages(member_id, limit == 0 ? 20 : limit));
    });
}

int32_t loy_member_sales(loy_db* db, int64_t member_id, int32_t limit, loy_table** out,
                         loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        *out = wrap_table(db_of(db).member_sales(member_id, limit == 0 ? 10 : limit));
    });
}

int32_t loy_member_coupons(loy_db* db, int64_t member_id, loy_table** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        *out = wrap_table(db_of(db).member_coupons(member_id));
    });
}

int32_t loy_member_export(loy_db* db, int64_t member_id, char* buf, size_t capacity,
                          size_t* out_needed, loy_error* err) {
    if (out_needed) *out_needed = 0;
    return guard(
        err, [&] { copy_out(db_of(db).member_export_json(member_id), buf, capacity, out_needed); });
}

int32_t loy_members_import_csv(loy_db* db, const char* csv, int32_t dry_run, int64_t* out_rows,
                               int64_t* out_imported, loy_table** out_errors, loy_error* err) {
    if (out_rows) *out_rows = 0;
    if (out_imported) *out_imported = 0;
    if (out_errors) *out_errors = nullptr;
    return guard(err, [&] {
        Database& d = db_of(db);
        if (dry_run != 0 && dry_run != 1)
            throw Error(Status::InvalidArgument, "dry_run must be 0 or 1");
        const std::string text = req(csv, "csv");
        // The result handle is allocated before the import commits.
        auto t = std::make_unique<loy_table>();
        ImportResult r = d.import_members_csv(text, dry_run == 1);
        t->t = std::move(r.errors);
        if (out_rows) *out_rows = r.rows;
        if (out_imported) *out_imported = r.imported;
        if (out_errors) *out_errors = t.release();
    });
}
