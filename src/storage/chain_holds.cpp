// What a till of a chain spends only under a hold from the chain's authority, besides points
// (Impl::redeem_mode): wallet money, gift cards, and coupon uses that a limit counts over the whole
// chain (an issued code's uses, a campaign's uses, a member's uses of it, its budget), since a till
// counts only what its own file holds (docs/chain.md, "Wallet money in a chain", "Coupons in a
// chain"). Here: which coupon uses those are, what a basket claims of them, and the commit's
// checks.
#include <nlohmann/json.hpp>

#include "storage/impl.hpp"

namespace loyalty {

// An issued code (its uses are counted), or a campaign with a limit or a budget.
bool Database::Impl::counted_chain_wide(const CouponResult& cr, const Campaign& camp) {
    const bool issued = !cr.code.empty() && cr.code != camp.code;
    return issued || camp.max_uses > 0 || camp.max_uses_per_member > 0 || camp.budget > 0;
}

// In chain mode, a sale paying from the wallet carries the authority's hold covering it.
void Database::Impl::require_wallet_hold(const Basket& b, const Evaluation& ev) {
    if (!opt.chain_mode || ev.wallet_amount <= 0) return;
    if (b.wallet_hold.empty())
        throw Error(Status::NeedsOnline,
                    "in a chain, wallet money is spent under a hold from the chain's authority: "
                    "take one (loy_sync_hold_wallet) and set it on the basket, or pay otherwise");
    if (b.wallet_hold_amount < ev.wallet_amount)
        throw Error(Status::NeedsOnline, "the wallet hold covers " +
                                             std::to_string(b.wallet_hold_amount) +
                                             " but the basket pays " +
                                             std::to_string(ev.wallet_amount) + " from the wallet");
}

// In chain mode, a sale paid with gift cards carries the authority's hold for them.
void Database::Impl::require_giftcard_hold(const Basket& b) {
    if (!opt.chain_mode || b.gift_cards.empty() || !b.giftcard_hold.empty()) return;
    throw Error(Status::NeedsOnline,
                "in a chain, a gift card may have been spent at another branch: take a hold "
                "from the chain's authority (loy_sync_hold_giftcards) and set it on the basket");
}

// The basket's gift card payments, for the authority to hold: {"cards": [{code, amount}]}
// (codes normalised; a card presented twice, twice).
std::string Database::Impl::giftcard_claims(const Basket& b) {
    check_basket(b);
    nlohmann::json cards = nlohmann::json::array();
    for (const auto& g : b.gift_cards)
        cards.push_back({{"code", coupon::normalize(g.code)}, {"amount", g.amount}});
    return nlohmann::json{{"cards", cards}}.dump();
}

std::string Database::giftcard_claims(const Basket& basket) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->giftcard_claims(basket);
}

// In chain mode, a sale whose coupons a limit counts carries the authority's hold for them.
void Database::Impl::require_coupon_hold(const Basket& b, const Evaluation& ev) {
    if (!opt.chain_mode || !b.coupon_hold.empty()) return;
    for (const CouponResult& cr : ev.coupons) {
        if (cr.status != Status::Ok) continue;
        const Campaign* camp = program.campaign(cr.campaign_id);
        if (!camp || !counted_chain_wide(cr, *camp)) continue;
        const std::string what =
            cr.code.empty() ? "promotion '" + camp->id + "'" : "coupon " + coupon::display(cr.code);
        throw Error(Status::NeedsOnline,
                    "in a chain, " + what +
                        " counts against a limit over the whole chain: take a hold from the "
                        "chain's authority (loy_sync_hold_coupons) and set it on the basket");
    }
}

// The basket's coupon uses that a limit counts, each with the limits the programme sets, for the
// authority to hold: {"member": uid or "", "items": [{code, campaign, discount, max_uses,
// member_uses, member_since, budget, code_uses}]}. A coupon presented that does not apply is
// refused with its status, as the commit would refuse it. `member_since`: where a member's uses
// start to count (the campaign's current period, in ms; 0 = ever). `code_uses`: an issued code's
// uses.
std::string Database::Impl::coupon_claims(const Basket& b) {
    check_basket(b);
    Transaction t(c, false);
    std::int64_t member = 0;
    MemberState st;
    const Evaluation ev = evaluate_basket(b, member, st);
    const Program& p = program;
    nlohmann::json items = nlohmann::json::array();
    for (const CouponResult& cr : ev.coupons) {
        // A coupon this file refuses is refused as the commit would refuse it: there is nothing
        // to hold for it.
        if (cr.status != Status::Ok)
            throw Error(cr.status, "coupon " + coupon::display(cr.code) + ": " + cr.message);
        const Campaign* camp = p.campaign(cr.campaign_id);
        if (!camp || !counted_chain_wide(cr, *camp)) continue;
        std::int64_t code_uses = 0;
        if (!cr.code.empty() && cr.code != camp->code)
            code_uses = scalar(c.query("SELECT max_uses FROM coupons WHERE code=?", cr.code));
        const std::int64_t since =
            camp->max_uses_per_member > 0 && camp->per_member_in_period
                ? window_of(camp->member_period, now(), p.utc_offset_minutes, p.week_start).start_ms
                : 0;
        items.push_back({{"code", cr.code},
                         {"campaign", camp->id},
                         {"discount", cr.discount},
                         {"max_uses", camp->max_uses},
                         {"member_uses", camp->max_uses_per_member},
                         {"member_since", since},
                         {"budget", camp->budget},
                         {"code_uses", code_uses}});
    }
    const nlohmann::json out = {{"member", member ? load_member(member).uid : std::string()},
                                {"items", items}};
    return out.dump();
}

std::string Database::coupon_claims(const Basket& basket) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->coupon_claims(basket);
}

}  // namespace loyalty
