// Stamp cards beside the points (docs/programme.md, "Stamp cards"): each qualifying item of a
// member's sale (or each qualifying purchase) gives a stamp; a full card issues the member a
// coupon of its campaign and starts again with the stamps left over. Stamps are append-only
// entries (facts of the journal, Y); a member's count on a card is their sum. A returned item
// takes its stamp back; a reward coupon still unused when its whole sale is returned is withdrawn
// and its stamps come back.
#include "phrases.hpp"
#include "storage/family.hpp"
#include "storage/impl.hpp"

namespace loyalty {

namespace {

// Stamps a line gives on a card: its whole qualifying items, when something was paid for them
// (a coffee the card's own reward made free gives no stamp).
std::int64_t line_stamps(const StampCard& sc, const BasketLine& l) {
    if (!l.is_goods() || !sc.selector.matches(l.sku, l.category) || l.quantity_milli <= 0 ||
        l.amount() <= 0)
        return 0;
    return l.quantity_milli / 1000;
}

// The basket's lines at what the customer pays for them (member and coupon discounts taken off).
Basket paid(const Basket& b, const Evaluation& ev) {
    Basket out = b;
    for (std::size_t i = 0; i < out.lines.size() && i < ev.line_discounts.size(); ++i)
        out.lines[i].discount = checked_add(
            out.lines[i].discount, checked_add(ev.line_discounts[i], ev.line_coupon_discounts[i]));
    return out;
}

}  // namespace

// A member's stamps on a card, with those of the members merged into it.
std::int64_t Database::Impl::stamps_of(std::int64_t member, const std::string& card) {
    return scalar(c.query(LOY_FAMILY
                          "SELECT COALESCE(SUM(stamps), 0) FROM stamp_entries WHERE member_id IN "
                          "fam AND stamp_card=?2",
                          member, card));
}

// What the basket gives on each card, per card in programme order.
std::vector<std::int64_t> Database::Impl::basket_stamps(const Basket& b) {
    std::vector<std::int64_t> out;
    for (const auto& sc : program.stamp_cards) {
        std::int64_t n = 0;
        for (const auto& l : b.lines)
            n = checked_add(n, line_stamps(sc, l));
        out.push_back(sc.per_purchase ? (n > 0 ? 1 : 0) : n);
    }
    return out;
}

// The explanation lines of the stamps a member's basket gives: "+2 stamps, 5 of 9", and a full
// card's reward.
void Database::Impl::stamp_rules(std::int64_t member, const Basket& pb, const Evaluation& ev,
                                 std::vector<RuleResult>& rules) {
    if (member == 0 || program.stamp_cards.empty()) return;
    const phrases::Writer say(program, exponent(program.currency));
    const auto added = basket_stamps(paid(pb, ev));
    for (std::size_t k = 0; k < added.size(); ++k) {
        if (added[k] <= 0) continue;
        const StampCard& sc = program.stamp_cards[k];
        const std::int64_t total = checked_add(stamps_of(member, sc.id), added[k]);
        const std::int64_t rewards = total > 0 ? total / sc.stamps : 0;
        const std::string name = say.name(sc.names, sc.name);
        rules.push_back(
            {"stamps:" + sc.id, 0,
             say.say(phrases::Id::Stamps, {{"name", name},
                                           {"added", say.number(added[k])},
                                           {"count", say.number(total - rewards * sc.stamps)},
                                           {"target", say.number(sc.stamps)}})});
        if (rewards > 0)
            rules.push_back({"stamps:" + sc.id, 0,
                             say.say(phrases::Id::StampReward,
                                     {{"name", name}, {"rewards", say.number(rewards)}})});
    }
}

// A committed sale's stamps, and the reward coupons of the cards it fills.
void Database::Impl::give_stamps(std::int64_t member, const Basket& pb, const Evaluation& ev,
                                 std::int64_t sale) {
    const auto added = basket_stamps(paid(pb, ev));
    const std::int64_t t = now();
    for (std::size_t k = 0; k < added.size(); ++k) {
        if (added[k] <= 0) continue;
        const StampCard& sc = program.stamp_cards[k];
        c.query(
             "INSERT INTO stamp_entries(origin, member_id, stamp_card, stamps, sale_id, "
             "created_at) VALUES (?,?,?,?,?,?)",
             origin_id, member, sc.id, added[k], sale, t)
            .run();
        for (std::int64_t have = stamps_of(member, sc.id); have >= sc.stamps; have -= sc.stamps) {
            new_coupon(campaign_of(program, sc.campaign), member, 0, sale);
            c.query(
                 "INSERT INTO stamp_entries(origin, member_id, stamp_card, stamps, sale_id, "
                 "coupon_id, created_at) VALUES (?,?,?,?,?,?,?)",
                 origin_id, member, sc.id, -sc.stamps, sale, c.last_id(), t)
                .run();
        }
    }
}

// A refund's stamps: per card, the stamps of the items returned (per purchase: the purchase's
// stamp when the whole sale is back), never more than the sale gave; when the whole sale is back,
// its unused reward coupons are withdrawn (settle_sale) and their stamps given back.
void Database::Impl::take_back_stamps(std::int64_t member, std::int64_t sale, std::int64_t refund,
                                      const std::vector<std::int64_t>& before,
                                      const std::vector<std::int64_t>& after, bool all_returned) {
    if (program.stamp_cards.empty()) return;
    std::vector<BasketLine> lines;
    {
        auto q = c.query(
            "SELECT sku, category, quantity_milli, plan_id, wallet_topup, amount FROM sale_lines "
            "WHERE sale_id=? ORDER BY line_no",
            sale);
        while (q.next()) {
            BasketLine l;
            l.sku = q.text(0);
            l.category = q.text(1);
            l.quantity_milli = q.i64(2);
            l.plan_id = q.is_null(3) ? "" : q.text(3);
            l.wallet_topup = !q.is_null(4) && q.i64(4) != 0;
            l.unit_price = q.i64(5) > 0 ? 1 : 0;  // only whether something was paid matters
            lines.push_back(std::move(l));
        }
    }
    const std::int64_t t = now();
    for (const auto& sc : program.stamp_cards) {
        const std::int64_t given =
            scalar(c.query("SELECT COALESCE(SUM(stamps), 0) FROM stamp_entries WHERE sale_id=? AND "
                           "stamp_card=? AND coupon_id IS NULL",
                           sale, sc.id));
        if (given <= 0) continue;
        std::int64_t back = 0;
        if (sc.per_purchase) {
            back = all_returned ? given : 0;
        } else {
            for (std::size_t i = 0; i < lines.size() && i < after.size(); ++i) {
                if (line_stamps(sc, lines[i]) == 0) continue;
                back += after[i] / 1000 - before[i] / 1000;
            }
            back = std::min(back, given);
        }
        if (back > 0)
            c.query(
                 "INSERT INTO stamp_entries(origin, member_id, stamp_card, stamps, sale_id, "
                 "refund_id, created_at) VALUES (?,?,?,?,?,?,?)",
                 origin_id, member, sc.id, -back, sale, refund, t)
                .run();
        if (!all_returned) continue;
        // Rewards of this sale still unused are withdrawn with it: their stamps come back.
        auto q = c.query(
            "SELECT e.stamps FROM stamp_entries e JOIN coupons k ON k.id = e.coupon_id WHERE "
            "e.sale_id=? AND e.stamp_card=? AND k.revoked_at = 0 AND NOT EXISTS (SELECT 1 FROM "
            "coupon_uses u WHERE u.coupon_id = k.id AND u.restored_at = 0)",
            sale, sc.id);
        std::int64_t returned = 0;
        while (q.next())
            returned -= q.i64(0);
        if (returned > 0)
            c.query(
                 "INSERT INTO stamp_entries(origin, member_id, stamp_card, stamps, sale_id, "
                 "refund_id, created_at) VALUES (?,?,?,?,?,?,?)",
                 origin_id, member, sc.id, returned, sale, refund, t)
                .run();
    }
}

std::int64_t Database::stamps(std::int64_t member_id, const std::string& card) {
    text::check_field("stamp card", card, kMaxShort);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    const Program& p = d.active_program();
    if (std::none_of(p.stamp_cards.begin(), p.stamp_cards.end(),
                     [&](const StampCard& sc) { return sc.id == card; }))
        throw Error(Status::NotFound, "the programme has no stamp card '" + card + "'");
    return d.stamps_of(d.owner_of(member_id), card);
}

}  // namespace loyalty
