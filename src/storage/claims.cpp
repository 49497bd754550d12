// Claiming a past receipt: a member who shows their card after paying attaches the sale to
// their account within the programme's window, once. The sale is evaluated again as it was
// bought — its lines at the prices paid, at the time it was made — by the earning rules only:
// coupons, promotions, points tender and member discounts were settled at the till and are not
// replayed. The claim is a fact (sale_claims) holding what it earned per line; the sale row and
// its lines take the member and the points from it here and in every file that applies it, so a
// later refund of the sale takes the points back as it would from any member's sale.
#include "storage/impl.hpp"

namespace loyalty {

namespace {

std::string encode_points(const std::vector<std::int64_t>& points) {
    std::string out;
    for (std::size_t i = 0; i < points.size(); ++i) {
        if (i) out += ',';
        out += std::to_string(points[i]);
    }
    return out;
}

}  // namespace

// "12,0,5" back into numbers; a list that is not one (another file's damaged record) is refused.
std::vector<std::int64_t> Database::Impl::claim_line_points(const std::string& text,
                                                            std::size_t lines) {
    std::vector<std::int64_t> out;
    std::size_t at = 0;
    while (!text.empty() && at <= text.size()) {
        const std::size_t end = std::min(text.find(',', at), text.size());
        const std::string part = text.substr(at, end - at);
        if (part.empty() || part.size() > 18 ||
            part.find_first_not_of("0123456789") != std::string::npos)
            throw Error(Status::InvalidArgument, "a claim's line points are not a list of numbers");
        out.push_back(std::stoll(part));
        at = end + 1;
    }
    if (out.size() != lines)
        throw Error(Status::InvalidArgument, "a claim names " + std::to_string(out.size()) +
                                                 " lines, the sale has " + std::to_string(lines));
    return out;
}

// The sale takes the member and the points of its claim (local and applied claims alike).
void Database::Impl::project_claim(std::int64_t claim) {
    auto q = c.query(
        "SELECT sale_id, member_id, points_earned, charge_points, line_points, explanation FROM "
        "sale_claims WHERE id=?",
        claim);
    if (!q.next()) throw Error(Status::Internal, "no claim " + std::to_string(claim));
    const std::int64_t sale = q.i64(0), member = q.i64(1);
    const std::int64_t lines =
        scalar(c.query("SELECT COUNT(*) FROM sale_lines WHERE sale_id=?", sale));
    const auto points = claim_line_points(q.text(4), static_cast<std::size_t>(lines));
    c.query(
         "UPDATE sales SET member_id=?, points_earned=?, charge_points=?, explanation=?, "
         "tier_before=(SELECT tier FROM members WHERE id=?1) WHERE id=?",
         member, q.i64(2), q.i64(3), q.text(5), sale)
        .run();
    for (std::size_t i = 0; i < points.size(); ++i)
        if (points[i] != 0)
            c.query("UPDATE sale_lines SET points=? WHERE sale_id=? AND line_no=?", points[i], sale,
                    static_cast<std::int64_t>(i + 1))
                .run();
}

std::pair<std::int64_t, std::int64_t> Database::Impl::do_claim(std::int64_t sale_id,
                                                               std::int64_t member_id,
                                                               const std::string& cashier) {
    sale_parts = {sale_id};
    const Program& p = active_program();
    if (!p.claims.enabled)
        throw Error(Status::RedemptionNotAllowed,
                    "the programme does not let members claim past receipts (\"claims\")");
    auto sq = c.query(
        "SELECT member_id, status, created_at, origin, currency, COALESCE(branch, ''), "
        "COALESCE(terminal, ''), tax, service, tip, (SELECT COUNT(*) FROM refunds r WHERE "
        "r.sale_id = s.id) FROM sales s WHERE id=?",
        sale_id);
    if (!sq.next()) throw Error(Status::NotFound, "no sale with id " + std::to_string(sale_id));
    if (!sq.is_null(0))
        throw Error(Status::Duplicate, "sale " + std::to_string(sale_id) +
                                           " already belongs to member " +
                                           std::to_string(sq.i64(0)));
    if (sq.i64(1) != 0 || sq.i64(10) != 0)
        throw Error(Status::InvalidState,
                    "sale " + std::to_string(sale_id) + " was refunded or voided");
    const std::int64_t sold_at = sq.i64(2), t = now();
    if (t - sold_at > p.claims.window_days * kDayMs)
        throw Error(Status::InvalidState,
                    fmt::format("sale {} was made more than {} days ago: too late to claim",
                                sale_id, p.claims.window_days));
    // One file decides each sale's claim: the one that made it (two tills claiming one sale
    // apart could not both be right).
    if (sq.i64(3) != origin_id)
        throw Error(Status::InvalidState, "sale " + std::to_string(sale_id) +
                                              " was made at another till (" +
                                              origin_name(sq.i64(3)) + "); claim it there");
    const std::string currency = sq.text(4);
    if (currency != p.currency)
        throw Error(Status::UnknownCurrency,
                    "the sale is in " + currency + " but the programme counts in " + p.currency);
    const std::int64_t member = active_owner(member_id);

    Basket b;
    b.member_id = member;
    b.branch = sq.text(5);
    b.terminal = sq.text(6);
    b.currency = currency;
    b.tax = sq.i64(7);
    b.service = sq.i64(8);
    b.tip = sq.i64(9);
    {
        // Each line at what was paid for it: the discounts given at the till are kept.
        auto lq = c.query(
            "SELECT sku, category, quantity_milli, unit_price, amount FROM sale_lines WHERE "
            "sale_id=? ORDER BY line_no",
            sale_id);
        while (lq.next()) {
            BasketLine l;
            l.sku = lq.text(0);
            l.category = lq.text(1);
            l.quantity_milli = lq.i64(2);
            l.unit_price = lq.i64(3);
            l.discount = checked_sub(l.gross(), lq.i64(4));
            b.lines.push_back(l);
        }
    }
    MemberState st = member_state(member, p);
    // The sale was paid: a member discount cannot be given now, only the points.
    st.benefits.discount = Ratio{0, 1};
    st.benefits.free_delivery = false;
    Evaluation ev = evaluate(b, st, p, sold_at, exponent(currency));
    stamp_rules(member, b, ev, ev.rules);

    c.query(
         "INSERT INTO sale_claims(origin, sale_id, member_id, points_earned, charge_points, "
         "line_points, explanation, operator, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
         origin_id, sale_id, member, ev.points, ev.charge_points, encode_points(ev.line_points),
         storage::encode_rules(ev.rules), NullIfEmpty{cashier}, t)
        .run();
    const std::int64_t claim = c.last_id();
    project_claim(claim);

    EntryContext ctx;
    ctx.sale_id = sale_id;
    ctx.branch = b.branch;
    ctx.terminal = b.terminal;
    ctx.operator_id = cashier;
    // The points become available as the sale's would have, counted from the sale.
    const std::int64_t account = account_of(member);
    credit_earnings(account, ev, ctx, "claimed receipt",
                    std::max(t, sold_at + p.pending_days * kDayMs));
    give_stamps(member, b, ev, sale_id);
    const std::string tier_after = maybe_upgrade(account, sale_id);
    c.query(
         "UPDATE sales SET balance_after=?, available_after=?, tier_after=?, entries_from=?, "
         "entries_to=? WHERE id=?",
         balance_of(account), spendable(account).first, tier_after, NullIfZero{sale_parts.e_lo},
         NullIfZero{sale_parts.e_hi}, sale_id)
        .run();
    return {sale_id, claim};
}

Receipt Database::claim_sale(std::int64_t sale_id, std::int64_t member_id,
                             const std::string& cashier, const std::string& key) {
    check_key(key);
    text::check_field("cashier", cashier, kMaxShort);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    return d.idempotent(
        key, "claim", canonical("sale", sale_id, "member", member_id, "cashier", cashier),
        [&] { return d.do_claim(sale_id, member_id, cashier); },
        [&](const Impl::Outcome& o) {
            Receipt r = d.sale_receipt(o.id);
            r.replayed = o.replayed;
            return r;
        });
}

std::int64_t Database::sale_by_receipt(const std::string& receipt, const std::string& branch) {
    text::check_field("receipt", receipt, kMaxShort);
    text::check_field("branch", branch, kMaxShort);
    if (receipt.empty()) throw Error(Status::InvalidArgument, "a receipt number is required");
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    auto q = impl_->c.query(
        "SELECT id FROM sales WHERE receipt=?1 AND (?2 = '' OR branch=?2) ORDER BY created_at "
        "DESC, id DESC LIMIT 1",
        receipt, branch);
    if (!q.next())
        throw Error(Status::NotFound, "no sale with receipt '" + receipt + "'" +
                                          (branch.empty() ? "" : " at branch " + branch));
    return q.i64(0);
}

}  // namespace loyalty
