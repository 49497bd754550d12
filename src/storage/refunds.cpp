// Refunds and voids: returning lines of a sale (in part or whole) and what follows from it:
// points taken back, points tender and coupons restored, the sale's status.
#include "storage/impl.hpp"
#include "storage/sale_parts.hpp"

static_assert(static_cast<int>(loyalty::EntryKind::Earn) == 1 &&
                  static_cast<int>(loyalty::EntryKind::Redeem) == 2 &&
                  static_cast<int>(loyalty::EntryKind::Bonus) == 7,
              "LOY_SALE_EARN_ENTRY, LOY_SALE_REDEEM_ENTRY and LOY_SALE_BONUS_ENTRY name these");

namespace loyalty {

std::pair<std::int64_t, std::int64_t> Database::Impl::do_refund(std::int64_t sale_id,
                                                                const std::vector<RefundLine>& req,
                                                                bool is_void) {
    auto sq = c.query(
        "SELECT member_id, total, tax + service + tip, points_redeemed, redeem_value, "
        "charge_points, status, program_version, branch, terminal, wallet_paid, cashback "
        "FROM sales WHERE id=?",
        sale_id);
    if (!sq.next()) throw Error(Status::NotFound, "no sale with id " + std::to_string(sale_id));
    const std::int64_t sale_member = sq.is_null(0) ? 0 : sq.i64(0);
    const std::int64_t total = sq.i64(1), charges = sq.i64(2), redeemed = sq.i64(3),
                       redeem_value = sq.i64(4), charge_points = sq.i64(5);
    const int status = static_cast<int>(sq.i64(6));
    const std::string branch = sq.text(8), terminal = sq.text(9);
    const std::int64_t wallet_paid = sq.i64(10), cashback = sq.i64(11);
    if (status == 3) throw Error(Status::SaleVoided, "the sale was voided");
    if (status == 2) throw Error(Status::SaleVoided, "the sale was fully refunded already");
    if (is_void && status != 0)
        throw Error(Status::InvalidState,
                    "a sale that has refunds cannot be voided; refund the rest");

    struct Line {
        std::int64_t qty, amount, points, returned;
        std::string plan_id;
        bool topup;
    };
    std::vector<Line> lines;
    {
        auto lq = c.query(
            "SELECT l.quantity_milli, l.amount, l.points, COALESCE((SELECT "
            "SUM(rl.quantity_milli) FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id "
            "WHERE r.sale_id = l.sale_id AND rl.line_no = l.line_no), 0), "
            "COALESCE(l.plan_id, ''), COALESCE(l.wallet_topup, 0) FROM sale_lines l WHERE "
            "l.sale_id=? ORDER BY l.line_no",
            sale_id);
        while (lq.next())
            lines.push_back(
                {lq.i64(0), lq.i64(1), lq.i64(2), lq.i64(3), lq.text(4), lq.i64(5) != 0});
    }
    std::vector<std::int64_t> give(lines.size(), 0);
    if (req.empty()) {
        for (std::size_t i = 0; i < lines.size(); ++i)
            give[i] = lines[i].qty - lines[i].returned;
    } else {
        for (const auto& r : req) {
            if (r.line_no < 1 || static_cast<std::size_t>(r.line_no) > lines.size())
                throw Error(Status::NotFound, "the sale has no line " + std::to_string(r.line_no));
            if (r.quantity_milli <= 0)
                throw Error(Status::InvalidAmount, "a refund quantity must be greater than 0");
            auto& g = give[static_cast<std::size_t>(r.line_no - 1)];
            g = checked_add(g, r.quantity_milli);
        }
    }
    std::int64_t amount = 0, points_back = 0, prior_amount = 0;
    // Wallet top-up lines: never paid with points or wallet money, so left out of the tenders'
    // shares below.
    std::int64_t topup_total = 0, topup_prior = 0, topup_back = 0;
    bool all_returned = true;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const Line& l = lines[i];
        if (give[i] > l.qty - l.returned)
            throw Error(Status::RefundExceedsSale,
                        "line " + std::to_string(i + 1) + ": " + std::to_string(give[i]) +
                            " thousandths asked back, " + std::to_string(l.qty - l.returned) +
                            " left on the sale");
        std::int64_t before = l.returned, after = l.returned + give[i];
        // Cumulative shares, so that many partial refunds add up exactly to the line.
        prior_amount += mul_div(l.amount, before, l.qty, Rounding::HalfUp);
        const std::int64_t line_back = mul_div(l.amount, after, l.qty, Rounding::HalfUp) -
                                       mul_div(l.amount, before, l.qty, Rounding::HalfUp);
        amount += line_back;
        if (l.topup) {
            topup_total += l.amount;
            topup_prior += mul_div(l.amount, before, l.qty, Rounding::HalfUp);
            topup_back += line_back;
        }
        points_back += mul_div(l.points, after, l.qty, Rounding::Floor) -
                       mul_div(l.points, before, l.qty, Rounding::Floor);
        if (after != l.qty) all_returned = false;
    }
    if (amount == 0 && points_back == 0 && !all_returned)
        throw Error(Status::InvalidAmount, "the refund returns nothing");
    if (all_returned) {
        amount += charges;
        points_back += charge_points;
    }
    // Points paid as tender come back in proportion to the money refunded, counted
    // cumulatively (what all refunds so far have returned, rounded down), less what earlier
    // refunds actually returned: the parts always add up to the whole tender, and the last
    // refund settles it exactly. The money those points stand for is the value of exactly
    // those points (33 of 100 points worth 10,000 are worth 3,300, not a third of 10,000).
    const std::int64_t goods_total = total - topup_total;
    std::int64_t after_amount = prior_amount + amount - topup_prior - topup_back;
    if (all_returned) after_amount = goods_total;
    std::int64_t prior_for_tender = prior_amount - topup_prior;
    std::int64_t restore = 0, value_back = 0;
    if (goods_total > 0 && redeemed > 0) {
        auto pq = c.query(
            "SELECT COALESCE(SUM(points_restored), 0), COALESCE(SUM(value_restored), 0) "
            "FROM refunds WHERE sale_id=?",
            sale_id);
        pq.next();
        const std::int64_t points_before = pq.i64(0), value_before = pq.i64(1);
        const std::int64_t points_after =
            all_returned ? redeemed : mul_div(redeemed, after_amount, goods_total, Rounding::Floor);
        restore = std::max<std::int64_t>(0, points_after - points_before);
        const std::int64_t value_after =
            all_returned
                ? redeem_value
                : mul_div(redeem_value, points_before + restore, redeemed, Rounding::Floor);
        value_back = std::max<std::int64_t>(0, value_after - value_before);
    }
    std::int64_t t = now();
    c.query(
         "INSERT INTO refunds(origin, sale_id, kind, amount, points_reversed, points_restored, "
         "value_restored, created_at) VALUES (?,?,?,?,0,?,?,?)",
         origin_id, sale_id, is_void ? 2 : 1, amount, restore, value_back, t)
        .run();
    std::int64_t refund = c.last_id();
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (give[i] == 0) continue;
        const Line& l = lines[i];
        std::int64_t a = mul_div(l.amount, l.returned + give[i], l.qty, Rounding::HalfUp) -
                         mul_div(l.amount, l.returned, l.qty, Rounding::HalfUp);
        std::int64_t p = mul_div(l.points, l.returned + give[i], l.qty, Rounding::Floor) -
                         mul_div(l.points, l.returned, l.qty, Rounding::Floor);
        c.query(
             "INSERT INTO refund_lines(refund_id, line_no, quantity_milli, amount, points) "
             "VALUES (?,?,?,?,?)",
             refund, static_cast<std::int64_t>(i + 1), give[i], a, p)
            .run();
    }
    // A refunded plan line ends the plan it bought.
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (give[i] > 0 && !lines[i].plan_id.empty())
            c.query(
                 "UPDATE subscriptions SET cancelled_at=? WHERE sale_id=? AND line_no=? AND "
                 "cancelled_at=0",
                 t, sale_id, static_cast<std::int64_t>(i + 1))
                .run();
    // A tender's part of this refund: its share of the goods returned so far, less the share of
    // those returned before (so the refunds of a sale add up to the tender exactly).
    auto share = [&](std::int64_t whole) {
        return mul_div(whole, after_amount, goods_total, Rounding::Floor) -
               mul_div(whole, prior_for_tender, goods_total, Rounding::Floor);
    };
    // The gift cards that paid for the sale are credited back, member or not.
    if (goods_total > 0)
        refund_gift_cards(sale_id, refund, share,
                          GiftCardContext{is_void ? "void" : "refund", branch, terminal, ""});
    std::int64_t reversed = 0;
    if (sale_member) {
        std::int64_t member = owner_of(sale_member);
        // The points account the sale's points moved in (a household's head's, even if the
        // member has left it since); money and stamps are the member's own.
        std::int64_t account = account_of(member);
        {
            auto aq = c.query("SELECT member_id FROM ledger WHERE " LOY_SALE_ENTRIES
                              " AND (" LOY_SALE_EARN_ENTRY " OR " LOY_SALE_REDEEM_ENTRY ") LIMIT 1",
                              sale_id);
            if (aq.next()) account = owner_of(aq.i64(0));
        }
        const Program& p = active_program();
        EntryContext ctx;
        ctx.sale_id = sale_id;
        ctx.refund_id = refund;
        ctx.branch = branch;
        ctx.terminal = terminal;
        if (restore > 0) {
            auto rq = c.query("SELECT id FROM ledger WHERE " LOY_SALE_ENTRIES
                              " AND " LOY_SALE_REDEEM_ENTRY " LIMIT 1",
                              sale_id);
            ctx.corrects = rq.next() ? rq.i64(0) : 0;
            ctx.reason =
                is_void ? "void: points tender returned" : "refund: points tender returned";
            restore_spent(account, restore, ctx);
        }
        // Earned points of the returned lines, from the sale's earn lot first.
        std::int64_t earn_entry = 0;
        {
            auto eq = c.query("SELECT id FROM ledger WHERE " LOY_SALE_ENTRIES
                              " AND " LOY_SALE_EARN_ENTRY " LIMIT 1",
                              sale_id);
            if (eq.next()) earn_entry = eq.i64(0);
        }
        ctx.corrects = earn_entry;
        ctx.reason = is_void ? "void" : "refund";
        reversed += debit_reverse(account, points_back, ctx, earn_entry, p.negative);
        if (all_returned) {
            // Sale-level bonuses (visit, challenge, birthday) go back with the whole sale.
            // A referral bonus sits on the referrer: it is taken back from them.
            struct Bonus {
                std::int64_t id, points, member;
            };
            std::vector<Bonus> bonuses;
            auto bq =
                c.query("SELECT b.id, b.points, b.member_id FROM ledger b WHERE " LOY_SALE_ENTRIES
                        " AND " LOY_SALE_BONUS_ENTRY
                        " AND NOT EXISTS (SELECT 1 FROM ledger r WHERE r.corrects = b.id)",
                        sale_id);
            while (bq.next())
                bonuses.push_back({bq.i64(0), bq.i64(1), bq.i64(2)});
            for (const auto& bn : bonuses) {
                ctx.corrects = bn.id;
                const std::int64_t who = owner_of(bn.member);
                std::int64_t back = debit_reverse(who, bn.points, ctx, bn.id, p.negative);
                if (who == account) reversed += back;
            }
        }
        // Money: the wallet tender comes back and the cashback goes, in proportion to the
        // money refunded (cumulatively, so a full refund settles them exactly).
        const std::int64_t wallet_back = goods_total > 0 ? share(wallet_paid) : 0;
        const std::int64_t cashback_back = goods_total > 0 ? share(cashback) : 0;
        ctx.corrects = 0;
        if (wallet_back > 0) {
            ctx.reason = "refund: wallet tender returned";
            wallet_add(member, kTenderBack, wallet_back, ctx, t);
        }
        if (cashback_back > 0) {
            auto cq =
                c.query("SELECT id, available_at FROM wallet_entries WHERE sale_id=? AND kind=?",
                        sale_id, static_cast<std::int64_t>(kCashback));
            std::int64_t cb_entry = 0, cb_available = t;
            if (cq.next()) {
                cb_entry = cq.i64(0);
                cb_available = cq.i64(1);
            }
            ctx.corrects = cb_entry;
            ctx.reason = "refund: cashback taken back";
            // Same availability as the cashback it corrects: pending cashback nets out.
            wallet_add(member, kCashbackBack, -cashback_back, ctx, cb_available);
        }
        {
            std::vector<std::int64_t> before(lines.size()), after(lines.size());
            for (std::size_t i = 0; i < lines.size(); ++i) {
                before[i] = lines[i].returned;
                after[i] = lines[i].returned + give[i];
            }
            take_back_stamps(member, sale_id, refund, before, after, all_returned);
        }
        // A returned wallet top-up takes its money back out of the wallet, while it is there.
        if (topup_back > 0) {
            const std::int64_t left = wallet_balance(member).available;
            if (left < topup_back)
                throw Error(Status::InsufficientFunds,
                            fmt::format("the wallet top-up was spent: {} to take back, {} left in "
                                        "the wallet",
                                        topup_back, left));
            ctx.corrects = 0;
            ctx.reason = is_void ? "void: wallet top-up taken back" : "refund: wallet top-up";
            wallet_add(member, kTopUpBack, -topup_back, ctx, t);
        }
        auto [avail, pend] = spendable(account);
        (void)pend;
        c.query(
             "UPDATE refunds SET points_reversed=?, balance_after=?, available_after=?, "
             "wallet_restored=?, cashback_reversed=? WHERE id=?",
             reversed, balance_of(account), avail, wallet_back, cashback_back, refund)
            .run();
    }
    settle_sale(sale_id, is_void, all_returned, t);
    return {refund, 0};
}

// What a refund or void leaves of its sale: when the whole sale came back, the coupons it used
// come back (once) and the unused coupons it issued are withdrawn; then the sale's status (1
// refunded in part, 2 wholly, 3 voided). `t`: the refund's time.
void Database::Impl::settle_sale(std::int64_t sale_id, bool is_void, bool all_returned,
                                 std::int64_t t) {
    if (all_returned) {
        // The coupons used come back (once), and unused coupons this sale issued are withdrawn.
        std::vector<std::pair<std::string, std::int64_t>> uses;  // campaign, discount
        {
            auto q =
                c.query("SELECT campaign_id, discount FROM coupon_uses WHERE " LOY_SALE_COUPON_USES
                        " AND restored_at = 0",
                        sale_id);
            while (q.next())
                uses.emplace_back(q.text(0), q.i64(1));
        }
        for (const auto& [campaign, discount] : uses)
            c.query(
                 "UPDATE campaign_totals SET uses = uses - 1, discount = discount - ? WHERE "
                 "campaign_id = ?",
                 discount, campaign)
                .run();
        c.query("UPDATE coupon_uses SET restored_at=?2 WHERE " LOY_SALE_COUPON_USES
                " AND restored_at=0",
                sale_id, t)
            .run();
        c.query(
             "UPDATE coupons SET revoked_at=? WHERE issued_sale_id=? AND revoked_at=0 AND id "
             "NOT IN "
             "(SELECT coupon_id FROM coupon_uses WHERE coupon_id IS NOT NULL AND "
             "restored_at=0)",
             t, sale_id)
            .run();
    }
    c.query("UPDATE sales SET status=? WHERE id=?", is_void ? 3 : (all_returned ? 2 : 1), sale_id)
        .run();
}

Receipt Database::refund(std::int64_t sale_id, const std::vector<RefundLine>& lines,
                         const std::string& key) {
    check_key(key);
    if (lines.size() > 10000) throw Error(Status::TooLong, "a refund holds at most 10,000 lines");
    std::string req;
    for (const auto& l : lines)
        storage::put_fields(req, "line", static_cast<std::int64_t>(l.line_no), "qty",
                            l.quantity_milli);
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->idempotent(
        key, "refund:" + std::to_string(sale_id), req,
        [&] { return impl_->do_refund(sale_id, lines, false); },
        [&](const Impl::Outcome& o) {
            Receipt r = impl_->refund_receipt(o.id);
            r.replayed = o.replayed;
            return r;
        });
}

Receipt Database::void_sale(std::int64_t sale_id, const std::string& key) {
    check_key(key);
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->idempotent(
        key, "void:" + std::to_string(sale_id), "",
        [&] { return impl_->do_refund(sale_id, {}, true); },
        [&](const Impl::Outcome& o) {
            Receipt r = impl_->refund_receipt(o.id);
            r.replayed = o.replayed;
            return r;
        });
}

}  // namespace loyalty
