// Rewards and partners: redeeming a catalogue reward for points (with stock), refunding it,
// the reward report, partner redemptions and their settlement.
#include "storage/impl.hpp"
#include "storage/report_kit.hpp"

namespace loyalty {

using report_kit::cell;

RewardRedemption Database::redeem_reward(std::int64_t member_id, const std::string& reward_id,
                                         std::int64_t quantity, const std::string& key,
                                         const std::string& hold_id) {
    check_key(key);
    text::check_field("reward", reward_id, kMaxShort);
    text::check_field("hold", hold_id, kMaxShort);
    if (quantity < 1 || quantity > 1000)
        throw Error(Status::InvalidAmount, "quantity must be 1 to 1,000");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req =
        canonical("member", member_id, "reward", reward_id, "quantity", quantity);
    return d.idempotent(
        key, "reward", req,
        [&] {
            const Program& p = d.active_program();
            const Reward* w = p.reward(reward_id);
            if (!w)
                throw Error(Status::NotFound, "the programme has no reward '" + reward_id + "'");
            if (w->type == Reward::Type::Coupon && quantity != 1)
                throw Error(Status::InvalidAmount, "a coupon reward is redeemed one at a time");
            std::int64_t member = d.owner_of(member_id);
            d.require_active(member);
            if (w->stock > 0) {
                std::int64_t taken = scalar(
                    d.c.query("SELECT COALESCE(SUM(quantity), 0) FROM reward_redemptions WHERE "
                              "reward_id=? AND refunded_at=0",
                              w->id));
                if (taken + quantity > w->stock)
                    throw Error(Status::OutOfStock,
                                "'" + w->name + "': " + std::to_string(w->stock - taken) + " left");
            }
            if (w->per_member > 0) {
                std::int64_t mine = scalar(
                    d.c.query("SELECT COALESCE(SUM(quantity), 0) FROM reward_redemptions WHERE "
                              "reward_id=? AND member_id=? "
                              "AND refunded_at=0",
                              w->id, member));
                if (mine + quantity > w->per_member)
                    throw Error(Status::CapReached, "'" + w->name + "' is limited to " +
                                                        std::to_string(w->per_member) +
                                                        " per member");
            }
            const std::int64_t points = checked_mul(w->points, quantity);
            Impl::EntryContext ctx;
            ctx.reason = "reward:" + w->id;
            // In a chain, under the authority's hold for this reward, its points and its stock
            // (docs/chain.md, "Rewards in a chain").
            if (d.opt.chain_mode && hold_id.empty())
                throw Error(Status::NeedsOnline,
                            "in a chain, a reward is redeemed under a hold from the chain's "
                            "authority (loy_sync_hold_reward), or at the head office");
            ctx.held = !hold_id.empty();
            std::int64_t entry =
                d.debit_spend(EntryKind::Redeem, d.account_of(member), points, ctx);
            std::int64_t coupon_id = 0, wallet_entry = 0;
            if (w->type == Reward::Type::Coupon) {
                d.new_coupon(d.campaign_of(p, w->campaign), member, 0, 0);
                coupon_id = d.c.last_id();
            } else if (w->type == Reward::Type::Wallet) {
                wallet_entry = d.wallet_add(member, Impl::kRewardCredit,
                                            checked_mul(w->amount, quantity), ctx, d.now());
            }
            d.c.query(
                   "INSERT INTO reward_redemptions(origin, member_id, reward_id, quantity, points, "
                   "entry_id, coupon_id, wallet_entry_id, cause, created_at, hold_id) VALUES "
                   "(?,?,?,?,?,?,?,?,?,?,?)",
                   d.origin_id, member, w->id, quantity, points, entry, NullIfZero{coupon_id},
                   NullIfZero{wallet_entry},
                   NullIfEmpty{w->type == Reward::Type::Donation ? w->cause : ""}, d.now(),
                   NullIfEmpty{hold_id})
                .run();
            return std::pair<std::int64_t, std::int64_t>(d.c.last_id(), 0);
        },
        [&](const Impl::Outcome& out) {
            auto q = d.c.query(
                "SELECT r.reward_id, r.quantity, r.points, COALESCE(c.code, ''), "
                "COALESCE(w.amount, 0), "
                "COALESCE(r.cause, ''), o.name, COALESCE(r.origin_seq, r.id) FROM "
                "reward_redemptions r "
                "JOIN origins o ON o.id = r.origin LEFT JOIN coupons c ON c.id = r.coupon_id "
                "LEFT JOIN wallet_entries w ON w.id = r.wallet_entry_id WHERE r.id=?",
                out.id);
            q.next();
            RewardRedemption r;
            r.id = out.id;
            r.reward_id = q.text(0);
            r.quantity = q.i64(1);
            r.points = q.i64(2);
            r.coupon_code = q.text(3).empty() ? "" : coupon::display(q.text(3));
            r.wallet_credit = q.i64(4);
            r.cause = q.text(5);
            r.uid = d.uid(q.text(6), 'X', q.i64(7));
            r.replayed = out.replayed;
            return r;
        });
}

void Database::refund_reward(std::int64_t redemption_id, const std::string& key) {
    check_key(key);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("redemption", redemption_id);
    d.idempotent(key, "reward_refund", req, [&] {
        d.active_program();
        auto q = d.c.query(
            "SELECT member_id, points, entry_id, COALESCE(coupon_id, 0), COALESCE(wallet_entry_id, "
            "0), "
            "refunded_at FROM reward_redemptions WHERE id=?",
            redemption_id);
        if (!q.next())
            throw Error(Status::NotFound, "no reward redemption " + std::to_string(redemption_id));
        const std::int64_t member = d.owner_of(q.i64(0)), points = q.i64(1), entry = q.i64(2),
                           coupon_id = q.i64(3), wallet_entry = q.i64(4);
        if (q.i64(5) != 0) throw Error(Status::InvalidState, "the reward was refunded already");
        const std::int64_t t = d.now();
        if (coupon_id) {
            if (scalar(d.c.query(
                    "SELECT COUNT(*) FROM coupon_uses WHERE coupon_id=? AND restored_at=0",
                    coupon_id)) > 0)
                throw Error(Status::InvalidState, "the reward's coupon has been used");
            d.c.query("UPDATE coupons SET revoked_at=? WHERE id=? AND revoked_at=0", t, coupon_id)
                .run();
        }
        Impl::EntryContext ctx;
        ctx.reason = "reward refunded";
        if (wallet_entry) {
            const std::int64_t amount =
                scalar(d.c.query("SELECT amount FROM wallet_entries WHERE id=?", wallet_entry));
            if (d.wallet_balance(member).available < amount)
                throw Error(Status::InsufficientFunds,
                            "the wallet credit of this reward has been spent");
            ctx.corrects = wallet_entry;
            d.wallet_add(member, Impl::kRewardBack, -amount, ctx, t);
        }
        ctx.corrects = entry;
        d.restore_spent(
            d.owner_of(scalar(d.c.query("SELECT member_id FROM ledger WHERE id=?", entry))), points,
            ctx);
        d.c.query("UPDATE reward_redemptions SET refunded_at=? WHERE id=?", t, redemption_id).run();
        return std::pair<std::int64_t, std::int64_t>(redemption_id, 0);
    });
}

namespace {

void check_period(std::int64_t from_ms, std::int64_t to_ms) {
    if (from_ms < 0 || to_ms < 0 || (to_ms != 0 && to_ms < from_ms))
        throw Error(Status::InvalidArgument, "the period must run forwards (0 = open end)");
}

}  // namespace

Table Database::reward_report(std::int64_t from_ms, std::int64_t to_ms) {
    check_period(from_ms, to_ms);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    const Program& p = d.active_program();
    Table out;
    out.columns = {"reward", "name", "type", "cause", "redemptions", "quantity", "points"};
    auto q = d.c.query(
        "SELECT reward_id, COALESCE(cause, ''), COUNT(*), SUM(quantity), SUM(points) "
        "FROM reward_redemptions WHERE refunded_at=0 AND created_at >= ?1 AND (?2 = 0 OR "
        "created_at < ?2) GROUP BY reward_id, cause ORDER BY SUM(points) DESC, reward_id",
        from_ms, to_ms);
    static constexpr const char* kTypes[] = {"product", "coupon", "wallet", "donation"};
    while (q.next()) {
        const Reward* w = p.reward(q.text(0));
        out.rows.push_back({cell(q.text(0)), cell(w ? w->name : q.text(0)),
                            cell(w ? kTypes[static_cast<int>(w->type)] : "unknown"),
                            cell(q.text(1)), cell(q.i64(2)), cell(q.i64(3)), cell(q.i64(4))});
    }
    return out;
}

void Database::record_partner_redemption(const std::string& partner_id, const std::string& code,
                                         std::int64_t amount, const std::string& key) {
    check_key(key);
    text::check_field("partner", partner_id, kMaxShort);
    text::check_field("coupon code", code, 40);
    if (amount < 0) throw Error(Status::InvalidAmount, "an amount cannot be negative");
    const std::string norm = coupon::normalize(code);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("partner", partner_id, "code", norm, "amount", amount);
    d.idempotent(key, "partner_redemption", req, [&] {
        const Program& p = d.active_program();
        bool known = false;
        for (const auto& pa : p.partners)
            known = known || pa.id == partner_id;
        if (!known)
            throw Error(Status::NotFound, "the programme has no partner '" + partner_id + "'");
        std::string campaign;
        for (const auto& cp : p.campaigns)
            if (!cp.code.empty() && cp.code == norm) campaign = cp.id;
        if (campaign.empty()) {
            if (!coupon::well_formed(norm))
                throw Error(Status::CouponInvalid,
                            "'" + code + "' is not a valid code: check for a typo");
            auto q = d.c.query(
                "SELECT id, campaign_id, max_uses, revoked_at FROM coupons WHERE code=?", norm);
            if (!q.next())
                throw Error(Status::CouponInvalid, "no coupon with code " + coupon::display(norm));
            if (q.i64(3) != 0) throw Error(Status::CouponRejected, "the coupon was withdrawn");
            const std::int64_t used = d.code_uses(q.i64(0), norm);
            if (used >= q.i64(2)) throw Error(Status::CouponRejected, "the coupon has been used");
            campaign = q.text(1);
        }
        d.c.query(
               "INSERT INTO partner_redemptions(partner_id, campaign_id, code, amount, created_at) "
               "VALUES (?,?,?,?,?)",
               partner_id, campaign, norm, amount, d.now())
            .run();
        return std::pair<std::int64_t, std::int64_t>(d.c.last_id(), 0);
    });
}

Table Database::partner_settlement(const std::string& partner_id, std::int64_t from_ms,
                                   std::int64_t to_ms) {
    check_period(from_ms, to_ms);
    text::check_field("partner", partner_id, kMaxShort);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    Table out;
    out.columns = {"partner",  "direction",     "campaign", "uses",
                   "discount", "partner_funds", "we_fund"};
    // Their coupons (or shared campaigns) redeemed at our tills: the partner funds its share.
    auto here = d.c.query(
        "SELECT partner_id, campaign_id, COUNT(*), SUM(discount), SUM(partner_funded) FROM "
        "coupon_uses "
        "WHERE partner_id IS NOT NULL AND restored_at=0 AND (?1 = '' OR partner_id = ?1) AND "
        "created_at >= ?2 "
        "AND (?3 = 0 OR created_at < ?3) GROUP BY partner_id, campaign_id ORDER BY partner_id, "
        "campaign_id",
        partner_id, from_ms, to_ms);
    while (here.next())
        out.rows.push_back({cell(here.text(0)), cell("redeemed here"), cell(here.text(1)),
                            cell(here.i64(2)), cell(here.i64(3)), cell(here.i64(4)),
                            cell(here.i64(3) - here.i64(4))});
    // Our coupons redeemed at the partner: we fund them.
    auto there = d.c.query(
        "SELECT partner_id, campaign_id, COUNT(*), SUM(amount) FROM partner_redemptions WHERE (?1 "
        "= '' OR "
        "partner_id = ?1) AND created_at >= ?2 AND (?3 = 0 OR created_at < ?3) GROUP BY "
        "partner_id, campaign_id "
        "ORDER BY partner_id, campaign_id",
        partner_id, from_ms, to_ms);
    while (there.next())
        out.rows.push_back({cell(there.text(0)), cell("redeemed at partner"), cell(there.text(1)),
                            cell(there.i64(2)), cell(there.i64(3)), cell(std::int64_t{0}),
                            cell(there.i64(3))});
    return out;
}

}  // namespace loyalty
