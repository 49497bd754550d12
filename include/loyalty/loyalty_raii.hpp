// libloyalty for C++ programs that link the shared library: a header-only RAII layer over the
// C ABI (loyalty.h). Handles are move-only owners freed by their destructors; a failed call
// throws loy::Error carrying the C status code. Uses only the exported C functions, so it works
// with libloyalty.so (the C++ core API in database.hpp needs the static library).
#ifndef LOYALTY_LOYALTY_RAII_HPP
#define LOYALTY_LOYALTY_RAII_HPP

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "loyalty/loyalty.h"

namespace loy {

// A failed call: status() is the LOY_ERR_* code, detail() the library's message.
class Error : public std::runtime_error {
  public:
    Error(std::int32_t status, const std::string& detail)
        : std::runtime_error(std::string(loy_status_name(status)) + ": " + detail),
          status_(status),
          detail_(detail) {}
    std::int32_t status() const noexcept { return status_; }
    const std::string& detail() const noexcept { return detail_; }
    // True when retrying with the same idempotency key may succeed.
    bool transient() const noexcept { return loy_status_is_transient(status_) == 1; }

  private:
    std::int32_t status_;
    std::string detail_;
};

namespace detail {

// Calls f(args..., &err) and throws on failure.
template <class F, class... Args>
void call(F f, Args... args) {
    loy_error err;
    loy_error_init(&err);
    const std::int32_t status = f(args..., &err);
    if (status != LOY_OK) throw Error(status, err.message);
}

inline const char* opt(const std::string& s) {
    return s.empty() ? nullptr : s.c_str();
}

// A move-only owner of one C handle.
template <class T, void (*Free)(T*)>
class Owned {
  public:
    Owned() = default;
    explicit Owned(T* p) noexcept : p_(p) {}
    Owned(Owned&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    Owned& operator=(Owned&& o) noexcept {
        if (this != &o) {
            Free(p_);
            p_ = std::exchange(o.p_, nullptr);
        }
        return *this;
    }
    Owned(const Owned&) = delete;
    Owned& operator=(const Owned&) = delete;
    ~Owned() { Free(p_); }
    T* get() const noexcept { return p_; }
    T** out() noexcept {
        Free(std::exchange(p_, nullptr));
        return &p_;
    }

  private:
    T* p_ = nullptr;
};

// snprintf-style text out: asks for the size, then fills.
template <class F, class... Args>
std::string text(F f, Args... args) {
    std::size_t needed = 0;
    call(f, args..., static_cast<char*>(nullptr), std::size_t{0}, &needed);
    std::string s(needed + 1, '\0');
    call(f, args..., &s[0], s.size(), &needed);
    s.resize(needed);
    return s;
}

}  // namespace detail

struct RuleLine {
    std::string rule;
    std::int64_t points;
    std::string explanation;
};

namespace detail {

// The rule lines of a quote or a receipt, read through its accessors.
template <class H, class Count, class Id, class Points, class Text>
std::vector<RuleLine> rules(const H* h, Count count, Id id, Points points, Text explanation) {
    std::vector<RuleLine> out;
    for (std::size_t i = 0; i < count(h); ++i)
        out.push_back({id(h, i), points(h, i), explanation(h, i)});
    return out;
}

}  // namespace detail

class Member {
  public:
    explicit Member(loy_member* m) : h_(m) {}
    std::int64_t id() const { return loy_member_id(h_.get()); }
    std::string uid() const { return loy_member_uid(h_.get()); }
    std::int32_t status() const { return loy_member_status(h_.get()); }
    std::string phone() const { return loy_member_phone(h_.get()); }
    std::string card() const { return loy_member_card(h_.get()); }
    std::string name() const { return loy_member_name(h_.get()); }
    std::string tier() const { return loy_member_tier(h_.get()); }
    std::int64_t balance() const { return loy_member_balance(h_.get()); }
    std::int64_t available() const { return loy_member_available(h_.get()); }
    std::int64_t pending() const { return loy_member_pending(h_.get()); }
    std::int64_t wallet_balance() const { return loy_member_wallet_balance(h_.get()); }
    std::string referral_code() const { return loy_member_referral_code(h_.get()); }
    const loy_member* get() const { return h_.get(); }

  private:
    detail::Owned<loy_member, loy_member_free> h_;
};

class Quote {
  public:
    explicit Quote(loy_quote* q) : h_(q) {}
    std::int64_t total() const { return loy_quote_total(h_.get()); }
    std::int64_t points_earned() const { return loy_quote_points_earned(h_.get()); }
    std::int64_t balance() const { return loy_quote_balance(h_.get()); }
    std::int64_t available() const { return loy_quote_available(h_.get()); }
    std::int64_t redeemable_points() const { return loy_quote_redeemable_points(h_.get()); }
    std::int64_t redeemable_value() const { return loy_quote_redeemable_value(h_.get()); }
    std::int32_t redeem_status() const { return loy_quote_redeem_status(h_.get()); }
    std::int64_t redeem_value() const { return loy_quote_redeem_value(h_.get()); }
    std::int64_t amount_due() const { return loy_quote_amount_due(h_.get()); }
    std::string tier() const { return loy_quote_tier(h_.get()); }
    std::string tier_after() const { return loy_quote_tier_after(h_.get()); }
    std::string progress() const { return loy_quote_progress(h_.get()); }
    std::vector<RuleLine> rules() const {
        return detail::rules(h_.get(), loy_quote_rule_count, loy_quote_rule_id,
                             loy_quote_rule_points, loy_quote_rule_explanation);
    }
    const loy_quote* get() const { return h_.get(); }

  private:
    detail::Owned<loy_quote, loy_quote_free> h_;
};

class Receipt {
  public:
    explicit Receipt(loy_receipt* r) : h_(r) {}
    std::int32_t kind() const { return loy_receipt_kind(h_.get()); }
    bool replayed() const { return loy_receipt_replayed(h_.get()) == 1; }
    std::int64_t sale_id() const { return loy_receipt_sale_id(h_.get()); }
    std::string uid() const { return loy_receipt_uid(h_.get()); }
    std::int64_t total() const { return loy_receipt_total(h_.get()); }
    std::int64_t points_earned() const { return loy_receipt_points_earned(h_.get()); }
    std::int64_t points_redeemed() const { return loy_receipt_points_redeemed(h_.get()); }
    std::int64_t redeem_value() const { return loy_receipt_redeem_value(h_.get()); }
    std::int64_t amount_due() const { return loy_receipt_amount_due(h_.get()); }
    std::int64_t refund_amount() const { return loy_receipt_refund_amount(h_.get()); }
    std::int64_t balance_after() const { return loy_receipt_balance_after(h_.get()); }
    std::int64_t available_after() const { return loy_receipt_available_after(h_.get()); }
    std::string tier_after() const { return loy_receipt_tier_after(h_.get()); }
    std::vector<RuleLine> rules() const {
        return detail::rules(h_.get(), loy_receipt_rule_count, loy_receipt_rule_id,
                             loy_receipt_rule_points, loy_receipt_rule_explanation);
    }
    const loy_receipt* get() const { return h_.get(); }

  private:
    detail::Owned<loy_receipt, loy_receipt_free> h_;
};

// A basket builder: quantities in thousandths, amounts in minor units.
class Basket {
  public:
    Basket() { detail::call(loy_basket_new, h_.out()); }
    Basket& member(std::int64_t id) {
        detail::call(loy_basket_set_member, h_.get(), id);
        return *this;
    }
    Basket& context(const std::string& receipt, const std::string& branch = {},
                    const std::string& terminal = {}, const std::string& cashier = {}) {
        detail::call(loy_basket_set_context, h_.get(), detail::opt(receipt), detail::opt(branch),
                     detail::opt(terminal), detail::opt(cashier));
        return *this;
    }
    std::int32_t add_line(const std::string& sku, const std::string& category,
                          std::int64_t quantity_milli, std::int64_t unit_price,
                          std::int64_t line_discount = 0) {
        std::int32_t line = 0;
        detail::call(loy_basket_add_line, h_.get(), sku.c_str(), detail::opt(category),
                     quantity_milli, unit_price, line_discount, &line);
        return line;
    }
    Basket& tender(const std::string& type, std::int64_t amount) {
        detail::call(loy_basket_add_tender, h_.get(), type.c_str(), amount);
        return *this;
    }
    Basket& coupon(const std::string& code) {
        detail::call(loy_basket_add_coupon, h_.get(), code.c_str());
        return *this;
    }
    Basket& redeem_points(std::int64_t points) {
        detail::call(loy_basket_redeem_points, h_.get(), points);
        return *this;
    }
    Basket& pay_wallet(std::int64_t amount) {
        detail::call(loy_basket_pay_wallet, h_.get(), amount);
        return *this;
    }
    const loy_basket* get() const { return h_.get(); }

  private:
    detail::Owned<loy_basket, loy_basket_free> h_;
};

// An open database. One Database may be used from several threads (calls are serialised).
class Database {
  public:
    static Database open(const std::string& path, const std::string& default_currency = {},
                         std::int32_t durability = LOY_DURABILITY_FULL) {
        loy_open_options o;
        loy_open_options_init(&o);
        o.path = path.c_str();
        o.default_currency = detail::opt(default_currency);
        o.durability = durability;
        Database db;
        detail::call(loy_open, &o, db.h_.out());
        return db;
    }
    loy_db* get() const { return h_.get(); }

    void set_clock(std::int64_t now_ms) { detail::call(loy_set_clock, h_.get(), now_ms); }
    std::int64_t load_programme_file(const std::string& path) {
        std::int64_t version = 0;
        detail::call(loy_program_load_file, h_.get(), path.c_str(), &version);
        return version;
    }
    std::string format_money(std::int64_t minor_units, const std::string& currency) {
        return detail::text(loy_money_format, h_.get(), minor_units, currency.c_str(), 1);
    }
    Member enrol(const std::string& phone, const std::string& name,
                 const std::string& idempotency_key = {}) {
        loy_member_fields f;
        loy_member_fields_init(&f);
        f.phone = detail::opt(phone);
        f.name = detail::opt(name);
        loy_member* m = nullptr;
        detail::call(loy_member_enrol, h_.get(), static_cast<const loy_member_fields*>(&f),
                     detail::opt(idempotency_key), &m);
        return Member(m);
    }
    Member member(std::int64_t id) {
        loy_member* m = nullptr;
        detail::call(loy_member_get, h_.get(), id, &m);
        return Member(m);
    }
    Member identify(const std::string& phone_or_card) {
        loy_member* m = nullptr;
        detail::call(loy_member_identify, h_.get(), phone_or_card.c_str(), &m);
        return Member(m);
    }
    Quote quote(const Basket& b) {
        loy_quote* q = nullptr;
        detail::call(loy_quote_basket, h_.get(), b.get(), &q);
        return Quote(q);
    }
    Receipt commit(const Basket& b, const std::string& idempotency_key) {
        loy_receipt* r = nullptr;
        detail::call(loy_commit, h_.get(), b.get(), idempotency_key.c_str(), &r);
        return Receipt(r);
    }
    // lines: (line number, quantity in thousandths); empty = the whole remaining sale.
    Receipt refund(std::int64_t sale_id,
                   const std::vector<std::pair<std::int32_t, std::int64_t>>& lines,
                   const std::string& idempotency_key) {
        detail::Owned<loy_refund, loy_refund_free> req;
        detail::call(loy_refund_new, req.out());
        for (const auto& l : lines)
            detail::call(loy_refund_add_line, req.get(), l.first, l.second);
        loy_receipt* r = nullptr;
        detail::call(loy_refund_sale, h_.get(), sale_id, static_cast<const loy_refund*>(req.get()),
                     idempotency_key.c_str(), &r);
        return Receipt(r);
    }
    Receipt void_sale(std::int64_t sale_id, const std::string& idempotency_key) {
        loy_receipt* r = nullptr;
        detail::call(loy_void_sale, h_.get(), sale_id, idempotency_key.c_str(), &r);
        return Receipt(r);
    }
    // Problems found by loy_verify (0 = consistent).
    std::int64_t verify() {
        std::int64_t problems = 0;
        std::size_t needed = 0;
        detail::call(loy_verify, h_.get(), &problems, static_cast<char*>(nullptr), std::size_t{0},
                     &needed);
        return problems;
    }

  private:
    Database() = default;
    detail::Owned<loy_db, loy_close> h_;
};

}  // namespace loy

#endif
