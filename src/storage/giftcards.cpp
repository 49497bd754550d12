// Gift cards: stored value by code, not tied to a member. A card is sold (activated) with its
// first amount, loaded again, redeemed in part as a tender, and credited back when a sale it paid
// for is refunded. Every change is an append-only activity; the card's balance is their sum.
#include "storage/impl.hpp"

namespace loyalty {

namespace {

enum GiftCardActivity : std::int64_t { kActivate = 1, kLoad = 2, kRedeem = 3, kRefund = 4 };

// A card's id and balance by its code (any form: dashes, spaces, case); a typo is caught by the
// check symbol before any lookup.
std::pair<std::int64_t, std::int64_t> find_card(Connection& c, const std::string& typed) {
    const std::string code = coupon::normalize(typed);
    if (!coupon::well_formed(code))
        throw Error(Status::CouponInvalid, "'" + typed + "' is not a valid gift card code");
    auto q = c.query("SELECT id, balance FROM gift_cards WHERE code=?", code);
    if (!q.next()) throw Error(Status::NotFound, "no gift card " + coupon::display(code));
    return {q.i64(0), q.i64(1)};
}

void check_amount(std::int64_t amount) {
    if (amount <= 0) throw Error(Status::InvalidAmount, "a gift card amount must be more than 0");
}

// The programme's most one card may hold.
void check_most(const Program& p, std::int64_t balance) {
    if (p.gift_cards.max_balance > 0 && balance > p.gift_cards.max_balance)
        throw Error(Status::InvalidAmount,
                    fmt::format("a gift card holds at most {}", p.gift_cards.max_balance));
}

}  // namespace

void Database::Impl::gift_card_activity(std::int64_t card, std::int64_t kind, std::int64_t amount,
                                        const GiftCardContext& ctx, std::int64_t sale,
                                        std::int64_t refund) {
    c.query(
         "INSERT INTO gift_card_activities(origin, card_id, kind, amount, reference, branch, "
         "terminal, operator, created_at, sale_id, refund_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
         origin_id, card, kind, amount, NullIfEmpty{ctx.reference}, NullIfEmpty{ctx.branch},
         NullIfEmpty{ctx.terminal}, NullIfEmpty{ctx.operator_id}, now(), NullIfZero{sale},
         NullIfZero{refund})
        .run();
    c.query("UPDATE gift_cards SET balance = balance + ? WHERE id=?", amount, card).run();
}

std::vector<std::pair<std::int64_t, std::int64_t>> Database::Impl::basket_gift_cards(
    const Basket& b, Evaluation& ev) {
    std::vector<std::pair<std::int64_t, std::int64_t>> cards;
    if (b.gift_cards.empty()) return cards;
    std::int64_t paid = 0, topups = 0;
    for (const auto& l : b.lines)
        if (l.wallet_topup) topups = checked_add(topups, l.amount());
    for (const auto& g : b.gift_cards) {
        auto [card, balance] = find_card(c, g.code);
        auto q = c.query("SELECT currency FROM gift_cards WHERE id=?", card);
        q.next();
        if (q.text(0) != program.currency)
            throw Error(Status::UnknownCurrency, "gift card " + coupon::display(q.text(0)) +
                                                     " holds " + q.text(0) + ", not " +
                                                     program.currency);
        std::int64_t already = 0;  // the same card presented twice
        for (const auto& [id, amount] : cards)
            if (id == card) already = checked_add(already, amount);
        if (checked_add(already, g.amount) > balance)
            throw Error(Status::InsufficientFunds,
                        fmt::format("gift card {} holds {}, {} asked", coupon::display(g.code),
                                    balance, checked_add(already, g.amount)));
        cards.emplace_back(card, g.amount);
        paid = checked_add(paid, g.amount);
    }
    if (paid > ev.amount_due - topups)
        throw Error(
            Status::InvalidAmount,
            fmt::format("the gift cards pay {}, more than the {} due{}", paid,
                        ev.amount_due - topups,
                        topups > 0 ? " (a wallet top-up is not paid with a gift card)" : ""));
    ev.amount_due -= paid;
    return cards;
}

void Database::Impl::pay_gift_cards(const std::vector<std::pair<std::int64_t, std::int64_t>>& cards,
                                    const Basket& b, std::int64_t sale) {
    GiftCardContext ctx{b.receipt, b.branch, b.terminal, b.cashier};
    for (const auto& [card, amount] : cards)
        gift_card_activity(card, kRedeem, -amount, ctx, sale);
}

// What a refund gives back to the cards that paid its sale: each card its `share` (cumulative,
// so the refunds of a sale add up to what each card paid). Returns the total credited.
std::int64_t Database::Impl::refund_gift_cards(
    std::int64_t sale, std::int64_t refund, const std::function<std::int64_t(std::int64_t)>& share,
    const GiftCardContext& ctx) {
    std::vector<std::pair<std::int64_t, std::int64_t>> paid;
    {
        auto q = c.query(
            "SELECT card_id, -SUM(amount) FROM gift_card_activities WHERE sale_id=? AND kind=? "
            "GROUP BY card_id ORDER BY MIN(id)",
            sale, static_cast<std::int64_t>(kRedeem));
        while (q.next())
            paid.emplace_back(q.i64(0), q.i64(1));
    }
    std::int64_t total = 0;
    for (const auto& [card, amount] : paid) {
        const std::int64_t back = share(amount);
        if (back <= 0) continue;
        gift_card_activity(card, kRefund, back, ctx, sale, refund);
        total = checked_add(total, back);
    }
    return total;
}

std::string Database::gift_card_sell(std::int64_t amount, const GiftCardContext& ctx,
                                     const std::string& key) {
    check_key(key);
    check_amount(amount);
    ctx.check();
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req =
        canonical("amount", amount, "reference", ctx.reference, "branch", ctx.branch, "terminal",
                  ctx.terminal, "operator", ctx.operator_id);
    return d.idempotent(
        key, "gift_card_sell", req,
        [&] {
            const Program& p = d.active_program();
            check_most(p, amount);
            const std::string code = d.free_code();
            d.c.query("INSERT INTO gift_cards(origin, code, currency, created_at) VALUES (?,?,?,?)",
                      d.origin_id, code, p.currency, d.now())
                .run();
            const std::int64_t card = d.c.last_id();
            d.gift_card_activity(card, kActivate, amount, ctx);
            return std::pair<std::int64_t, std::int64_t>(card, amount);
        },
        [&](const Impl::Outcome& out) {
            auto q = d.c.query("SELECT code FROM gift_cards WHERE id=?", out.id);
            q.next();
            return coupon::display(q.text(0));
        });
}

// Load, redeem and refund: one activity on a card, its balance after.
std::int64_t Database::gift_card_change(const std::string& op, const std::string& code,
                                        std::int64_t amount, const GiftCardContext& ctx,
                                        const std::string& key) {
    check_key(key);
    check_amount(amount);
    ctx.check();
    text::check_field("gift card code", code, 40);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req =
        canonical("card", coupon::normalize(code), "amount", amount, "reference", ctx.reference,
                  "branch", ctx.branch, "terminal", ctx.terminal, "operator", ctx.operator_id);
    auto out = d.idempotent(key, "gift_card_" + op, req, [&] {
        const Program& p = d.active_program();
        auto [card, balance] = find_card(d.c, code);
        std::int64_t kind = kLoad, signed_amount = amount;
        if (op == "redeem") {
            // In a chain a card may have been spent at another branch: its balance is the
            // authority's to hold, for a sale's gift cards (docs/chain.md, "Gift cards in a
            // chain"); a redemption on its own is the head office's.
            if (d.opt.chain_mode)
                throw Error(Status::NeedsOnline,
                            "in a chain, gift cards pay in a sale under a hold from the chain's "
                            "authority (loy_sync_hold_giftcards), or at the head office");
            if (amount > balance)
                throw Error(Status::InsufficientFunds,
                            fmt::format("the gift card holds {}, {} asked", balance, amount));
            kind = kRedeem;
            signed_amount = -amount;
        } else if (op == "refund") {
            kind = kRefund;
        }
        const std::int64_t after = checked_add(balance, signed_amount);
        if (signed_amount > 0) check_most(p, after);
        d.gift_card_activity(card, kind, signed_amount, ctx);
        return std::pair<std::int64_t, std::int64_t>(card, after);
    });
    return out.value;
}

std::int64_t Database::gift_card_load(const std::string& code, std::int64_t amount,
                                      const GiftCardContext& ctx, const std::string& key) {
    return gift_card_change("load", code, amount, ctx, key);
}
std::int64_t Database::gift_card_redeem(const std::string& code, std::int64_t amount,
                                        const GiftCardContext& ctx, const std::string& key) {
    return gift_card_change("redeem", code, amount, ctx, key);
}
std::int64_t Database::gift_card_refund(const std::string& code, std::int64_t amount,
                                        const GiftCardContext& ctx, const std::string& key) {
    return gift_card_change("refund", code, amount, ctx, key);
}

GiftCard Database::gift_card(const std::string& code) {
    text::check_field("gift card code", code, 40);
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    auto [card, balance] = find_card(impl_->c, code);
    auto q = impl_->c.query(
        "SELECT code, currency, created_at, (SELECT COUNT(*) FROM gift_card_activities WHERE "
        "card_id = g.id) FROM gift_cards g WHERE id=?",
        card);
    q.next();
    GiftCard g;
    g.code = coupon::display(q.text(0));
    g.currency = q.text(1);
    g.created_at = q.i64(2);
    g.activities = q.i64(3);
    g.balance = balance;
    return g;
}

void GiftCardContext::check() const {
    text::check_field("reference", reference, kMaxShort);
    text::check_field("branch", branch, kMaxShort);
    text::check_field("terminal", terminal, kMaxShort);
    text::check_field("operator", operator_id, kMaxShort);
}

}  // namespace loyalty
