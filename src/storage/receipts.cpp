// Receipts: a committed sale's or refund's figures, read back from the rows that record it.
#include "storage/impl.hpp"
#include "storage/sale_parts.hpp"

namespace loyalty {

Receipt Database::Impl::sale_receipt(std::int64_t sale) {
    auto q = c.query(
        "SELECT o.name, s.member_id, s.program_version, s.total, s.points_earned, "
        "s.points_redeemed, s.redeem_value, s.amount_due, s.balance_after, s.available_after, "
        "s.created_at, s.explanation, s.benefit_discount, s.tier_before, s.tier_after, "
        "s.coupon_discount, s.wallet_paid, s.cashback, COALESCE(s.origin_seq, s.id), "
        "s.redeem_mode FROM sales s "
        "JOIN origins o ON o.id = s.origin WHERE s.id=?",
        sale);
    if (!q.next()) throw Error(Status::NotFound, "no sale with id " + std::to_string(sale));
    Receipt r;
    r.kind = ReceiptKind::Sale;
    r.sale_id = sale;
    r.uid = uid(q.text(0), 'S', q.i64(18));
    r.member_id = q.i64(1);
    r.program_version = q.i64(2);
    r.total = q.i64(3);
    r.points_earned = q.i64(4);
    r.points_redeemed = q.i64(5);
    r.redeem_value = q.i64(6);
    r.amount_due = q.i64(7);
    r.balance_after = q.i64(8);
    r.available_after = q.i64(9);
    r.created_at = q.i64(10);
    r.rules = storage::decode_rules(q.text(11));
    r.benefit_discount = q.i64(12);
    r.tier_before = q.text(13);
    r.tier_after = q.text(14);
    r.coupon_discount = q.i64(15);
    r.wallet_amount = q.i64(16);
    r.cashback = q.i64(17);
    r.redeem_mode = static_cast<int>(q.i64(19));
    r.gift_card_amount = scalar(
        c.query("SELECT COALESCE(-SUM(amount), 0) FROM gift_card_activities WHERE sale_id=? AND "
                "refund_id IS NULL",
                sale));
    auto cu = c.query(
        "SELECT code, campaign_id, discount, points, partner_funded FROM coupon_uses "
        "WHERE " LOY_SALE_COUPON_USES " ORDER BY id",
        sale);
    while (cu.next()) {
        CouponResult cr;
        cr.code = cu.text(0);
        cr.campaign_id = cu.text(1);
        cr.discount = cu.i64(2);
        cr.points = cu.i64(3);
        cr.partner_funded = cu.i64(4);
        r.coupons.push_back(std::move(cr));
    }
    auto ci = c.query("SELECT code FROM coupons WHERE issued_sale_id=? ORDER BY id", sale);
    while (ci.next())
        r.coupons_issued.push_back(coupon::display(ci.text(0)));
    return r;
}

Receipt Database::Impl::refund_receipt(std::int64_t refund) {
    auto q = c.query(
        "SELECT o.name, r.sale_id, r.kind, r.amount, r.points_reversed, r.points_restored, "
        "r.value_restored, r.balance_after, r.available_after, r.created_at, s.member_id, "
        "s.program_version, s.total, r.wallet_restored, r.cashback_reversed, "
        "COALESCE(r.origin_seq, r.id) FROM refunds r "
        "JOIN origins o ON o.id = r.origin JOIN sales s ON s.id = r.sale_id WHERE r.id=?",
        refund);
    if (!q.next()) throw Error(Status::NotFound, "no refund with id " + std::to_string(refund));
    Receipt r;
    r.uid = uid(q.text(0), 'R', q.i64(15));
    r.sale_id = q.i64(1);
    r.kind = q.i64(2) == 2 ? ReceiptKind::Void : ReceiptKind::Refund;
    r.refund_amount = q.i64(3);
    r.points_earned = q.i64(4);
    r.points_redeemed = q.i64(5);
    r.redeem_value = q.i64(6);
    r.balance_after = q.i64(7);
    // Money for the cashier to hand back by the sale's other tenders: what the returned
    // goods cost, less the points tender and the wallet money given back.
    // (A refund's card activities name its sale too: found through the sale's, not a scan.)
    r.gift_card_amount = scalar(
        c.query("SELECT COALESCE(SUM(amount), 0) FROM gift_card_activities WHERE sale_id=? AND "
                "refund_id=?",
                r.sale_id, refund));
    r.money_back = r.refund_amount - r.redeem_value - q.i64(13) - r.gift_card_amount;
    r.available_after = q.i64(8);
    r.created_at = q.i64(9);
    r.member_id = q.is_null(10) ? 0 : owner_of(q.i64(10));
    r.program_version = q.i64(11);
    r.total = q.i64(12);
    r.wallet_amount = q.i64(13);
    r.cashback = q.i64(14);
    return r;
}

std::int64_t Database::sale_by_uid(const std::string& uid) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    return impl_->local_id("sales", 'S', uid);
}

Receipt Database::receipt(const std::string& uid) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    const std::size_t colon = uid.rfind(':');
    if (colon != std::string::npos && colon + 1 < uid.size() && uid[colon + 1] == 'R')
        return impl_->refund_receipt(impl_->local_id("refunds", 'R', uid));
    return impl_->sale_receipt(impl_->local_id("sales", 'S', uid));
}

}  // namespace loyalty
