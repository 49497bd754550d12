// Checkout: the member's state for the rules, basket checks, the quote, and the commit that
// writes a sale, its lines, points, coupon uses, tender and referral reward in one transaction.
#include "storage/impl.hpp"
#include "storage/member_index.hpp"
#include "storage/sale_lines.hpp"
#include "storage/sales_time.hpp"

namespace loyalty {

MemberState Database::Impl::member_state(std::int64_t member_id, const Program& p) {
    MemberState s;
    if (member_id == 0) return s;
    Member m = load_member(member_id);
    s.is_member = true;
    s.balance = m.balance;
    s.available = m.available;
    s.birth_month = m.birth_month;
    s.birth_day = m.birth_day;
    s.benefits = benefits_of(p, m.tier, active_plan(member_id, p).id);
    s.tier = m.tier;
    s.tags = m.tags;
    const WalletBalance wallet = wallet_balance(member_id);
    s.wallet_available = wallet.available;
    s.wallet_balance = wallet.balance;
    if (p.earn_cap.points > 0) {
        Window w = window_of(p.earn_cap.period, now(), p.utc_offset_minutes, p.week_start);
        s.earned_in_cap_period =
            scalar(c.query("SELECT COALESCE(SUM(s.points_earned), 0) FROM " LOY_SALES_OF_MEMBERS(
                               "ms", "s") " WHERE ms.member_id = ? AND ms.created_at >= ? AND "
                                          "s.status IN (0, 1)",
                           member_id, w.start_ms));
    }
    if (p.first_purchase_points > 0) {
        auto q = c.query("SELECT 1 FROM " LOY_SALES_OF_MEMBERS(
                             "ms", "s") " WHERE ms.member_id = ? AND s.status IN (0, 1) LIMIT 1",
                         member_id);
        s.has_purchased = q.next();
    }
    std::int64_t t = now();
    // Bonuses land in the member's points account (a household's head's): one given for this
    // member is one whose sale was theirs.
    const std::int64_t account = account_of(member_id);
    auto awarded = [&](const std::string& key) {
        auto q = c.query(
            // `kind IN (7, 8)` matches the partial index ledger_reason.
            "SELECT 1 FROM ledger b WHERE b.member_id=?1 AND b.kind=?2 AND b.kind IN (7, 8) AND "
            "b.reason=?3 AND NOT EXISTS (SELECT 1 FROM ledger r WHERE r.corrects = b.id) AND "
            "(?1 = ?4 OR EXISTS (SELECT 1 FROM sales s WHERE s.id = b.sale_id AND s.member_id = "
            "?4)) LIMIT 1",
            account, static_cast<std::int64_t>(EntryKind::Bonus), key, member_id);
        return q.next();
    };
    if (p.birthday.points > 0 && m.birth_month > 0) {
        Window y = window_of(Period::Year, t, p.utc_offset_minutes, p.week_start);
        s.birthday_awarded = awarded("birthday:" + y.key);
    }
    for (const auto& ch : p.challenges) {
        Window w = window_of(ch.window, t, p.utc_offset_minutes, p.week_start);
        MemberState::ChallengeState cs;
        cs.id = ch.id;
        auto q = c.query(
            "SELECT COUNT(*) FROM " LOY_SALES_OF_MEMBERS(
                "ms", "s") " WHERE ms.member_id = ? AND ms.created_at >= ? AND ms.created_at < ? "
                           "AND s.status IN (0, 1) AND s.total >= ?",
            member_id, w.start_ms, w.end_ms, ch.min_spend);
        q.next();
        cs.purchases = q.i64(0);
        cs.awarded = awarded("challenge:" + ch.id + ":" + w.key);
        s.challenges.push_back(cs);
    }
    return s;
}

void Database::Impl::check_basket(const Basket& b) {
    text::check_field("receipt", b.receipt, kMaxShort);
    text::check_field("branch", b.branch, kMaxShort);
    text::check_field("terminal", b.terminal, kMaxShort);
    text::check_field("cashier", b.cashier, kMaxShort);
    text::check_field("hold", b.hold_id, kMaxShort);
    text::check_field("coupon hold", b.coupon_hold, kMaxShort);
    text::check_field("wallet hold", b.wallet_hold, kMaxShort);
    text::check_field("gift card hold", b.giftcard_hold, kMaxShort);
    text::check_field("currency", b.currency, 8);
    if (b.lines.size() > 10000) throw Error(Status::TooLong, "a basket holds at most 10,000 lines");
    for (const auto& l : b.lines) {
        text::check_field("sku", l.sku, kMaxShort);
        text::check_field("category", l.category, kMaxShort);
    }
    if (b.tenders.size() > 100) throw Error(Status::TooLong, "a sale holds at most 100 tenders");
    if (b.coupons.size() > 20) throw Error(Status::TooLong, "a sale takes at most 20 coupons");
    for (const auto& code : b.coupons) {
        text::check_field("coupon code", code, 40);
        if (code.empty()) throw Error(Status::InvalidArgument, "a coupon code is empty");
    }
    if (b.wallet_amount < 0)
        throw Error(Status::InvalidAmount, "a wallet payment cannot be negative");
    if (b.gift_cards.size() > 5) throw Error(Status::TooLong, "a sale takes at most 5 gift cards");
    for (const auto& g : b.gift_cards) {
        text::check_field("gift card code", g.code, 40);
        if (g.amount <= 0)
            throw Error(Status::InvalidAmount, "a gift card payment must be positive");
    }
    for (const auto& t : b.tenders) {
        text::check_field("tender type", t.type, kMaxShort);
        if (t.type.empty()) throw Error(Status::InvalidArgument, "a tender needs a type");
        if (t.amount < 0) throw Error(Status::InvalidAmount, "a tender cannot be negative");
    }
    if (b.member_id < 0) throw Error(Status::InvalidArgument, "member id cannot be negative");
    b.total();  // validates amounts
    if (b.redeem_points < 0)
        throw Error(Status::InvalidAmount, "points to redeem cannot be negative");
}

std::string Database::Impl::basket_request(const Basket& b) {
    std::string out =
        canonical("member", b.member_id, "receipt", b.receipt, "branch", b.branch, "terminal",
                  b.terminal, "cashier", b.cashier, "currency", b.currency, "tax", b.tax, "service",
                  b.service, "tip", b.tip, "redeem", b.redeem_points, "wallet", b.wallet_amount);
    for (const auto& l : b.lines) {
        storage::put_fields(out, "sku", l.sku, "category", l.category, "qty", l.quantity_milli,
                            "price", l.unit_price, "discount", l.discount, "plan", l.plan_id);
        // Only when set: a request made before top-ups existed keeps its digest.
        if (l.wallet_topup) storage::put_fields(out, "topup", 1);
    }
    for (const auto& code : b.coupons)
        storage::put_fields(out, "coupon", coupon::normalize(code));
    for (const auto& t : b.tenders)
        storage::put_fields(out, "tender", t.type, "amount", t.amount);
    for (const auto& g : b.gift_cards)
        storage::put_fields(out, "gift_card", coupon::normalize(g.code), "amount", g.amount);
    return out;
}

// Evaluates a basket against the current state (inside a transaction).
Evaluation Database::Impl::evaluate_basket(const Basket& b, std::int64_t& member_out,
                                           MemberState& state) {
    const Program& p = active_program();
    std::string currency = b.currency.empty() ? opt.default_currency : b.currency;
    int exp = exponent(currency);
    if (program_version > 0 && currency != p.currency)
        throw Error(Status::UnknownCurrency,
                    "the basket is in " + currency + " but the programme counts in " + p.currency);
    member_out = 0;
    if (b.member_id != 0) {
        member_out = active_owner(b.member_id);
    }
    state = member_state(member_out, p);
    return evaluate(with_plan_prices(b, p, member_out), state, p, now(), exp,
                    coupon_candidates(b, member_out, p));
}

// Plan lines take their price from the programme: one period per 1.000 of quantity. A wallet
// top-up is the member's, whole and undiscounted.
Basket Database::Impl::with_plan_prices(const Basket& b, const Program& p, std::int64_t member) {
    Basket out = b;
    for (auto& l : out.lines) {
        if (l.wallet_topup) {
            if (member == 0)
                throw Error(Status::InvalidArgument, "a wallet top-up is loaded for a member");
            if (l.discount != 0 || l.quantity_milli != 1000 || l.unit_price <= 0)
                throw Error(Status::InvalidAmount, "a wallet top-up is one line of its amount");
            if (l.sku.empty()) l.sku = "wallet-topup";
            if (l.category.empty()) l.category = "wallet";
        }
        if (l.plan_id.empty()) continue;
        const Plan* plan = p.plan(l.plan_id);
        if (!plan) throw Error(Status::NotFound, "the programme has no plan '" + l.plan_id + "'");
        if (member == 0)
            throw Error(Status::InvalidArgument, "a plan is bought by a member, not anonymously");
        if (l.quantity_milli % 1000 != 0)
            throw Error(Status::InvalidAmount, "a plan is bought in whole periods");
        l.unit_price = plan->fee;
        l.discount = 0;
        if (l.sku.empty()) l.sku = "plan:" + plan->id;
        if (l.category.empty()) l.category = "plan";
    }
    return out;
}

// Score terms a sale would add (for the quote's "this sale makes you Gold").
std::function<std::int64_t(const ScoreTerm&)> Database::Impl::sale_delta(const Evaluation& ev) {
    return [&ev](const ScoreTerm& t) -> std::int64_t {
        switch (t.metric) {
            case ScoreTerm::Metric::Purchases:
                return 1;
            case ScoreTerm::Metric::Spend:
                return ev.total;
            case ScoreTerm::Metric::Points:
                if (t.source.empty()) return ev.points;
                if (t.source == "purchase") return ev.purchase_points;
                if (t.source == "birthday") return ev.points - ev.purchase_points;
                return 0;
        }
        return 0;
    };
}

Quote Database::Impl::quote(const Basket& b) {
    check_basket(b);
    Transaction t(c, false);
    std::int64_t member = 0;
    MemberState st;
    Evaluation ev = evaluate_basket(b, member, st);
    remember_quote(b, member, st, ev);
    Quote q;
    for (const auto& [card, amount] : basket_gift_cards(b, ev)) {
        (void)card;
        q.gift_card_amount = checked_add(q.gift_card_amount, amount);
    }
    q.member_id = member;
    q.program_version = program_version;
    q.total = ev.total;
    q.points_earned = ev.points;
    q.rules = ev.rules;
    stamp_rules(member, with_plan_prices(b, active_program(), member), ev, q.rules);
    q.line_points = ev.line_points;
    q.balance = st.balance;
    q.available = st.available;
    q.redeemable_points = ev.redeemable_points;
    q.redeemable_value = ev.redeemable_value;
    q.redeem_status = ev.redeem_status;
    q.redeem_message = ev.redeem_message;
    q.redeem_points = ev.redeem_points;
    q.redeem_value = ev.redeem_value;
    q.amount_due = ev.amount_due;
    q.benefit_discount = ev.benefit_discount;
    q.free_delivery = ev.free_delivery;
    q.coupons = ev.coupons;
    q.coupon_discount = ev.coupon_discount;
    q.cashback = ev.cashback;
    q.wallet_status = ev.wallet_status;
    q.wallet_message = ev.wallet_message;
    q.wallet_amount = ev.wallet_amount;
    q.wallet_balance = st.wallet_balance;
    q.wallet_available = st.wallet_available;
    const Program& p = program;
    if (member && p.tiers.enabled()) {
        const std::int64_t account = account_of(member);  // a household's tier is its head's
        q.tier = st.tier;  // the account's, as the member's state holds it
        int cur = p.level_index(q.tier);
        std::int64_t after = score_of(account, p, sale_delta(ev));
        int target = std::max(level_for_score(p.tiers, after), cur);
        q.tier_after = target >= 0 ? p.tiers.levels[static_cast<std::size_t>(target)].id : q.tier;
        q.progress = progress_text(p, target, after, exponent(p.currency));
    }
    return q;
}

// How a till of a chain may spend the basket's points (docs/chain.md): under the authority's
// hold (1), or, while the authority cannot be reached, within the till's offline allowance (2);
// otherwise it may not. 0 when nothing is spent or the file is not a chain's till. A refusal is
// not remembered for the key: the same sale with a hold is what the POS sends next.
int Database::Impl::redeem_mode(const Basket& b) {
    if (!opt.chain_mode || b.redeem_points <= 0) return 0;
    if (!b.hold_id.empty()) {
        if (b.hold_points < b.redeem_points)
            throw Error(Status::NeedsOnline, "the hold covers " + std::to_string(b.hold_points) +
                                                 " points but the basket spends " +
                                                 std::to_string(b.redeem_points));
        return 1;
    }
    if (opt.offline_till_points <= 0)
        throw Error(Status::NeedsOnline,
                    "in a chain, points are spent under a hold from the chain's authority: "
                    "take one (loy_sync_hold) and set it on the basket, or pay otherwise");
    const std::int64_t since = now() - kDayMs;
    const std::int64_t member = b.member_id ? owner_of(b.member_id) : 0;
    const storage::SaleIds ids = storage::sales_in_time(c, since + 1, INT64_MAX);
    auto q = c.query(
        "SELECT COALESCE(SUM(points_redeemed), 0), COALESCE(SUM(CASE WHEN member_id = ?3 THEN "
        "points_redeemed END), 0) FROM sales WHERE " LOY_SALES_BETWEEN(
            "2", "4", "5",
            "6") " AND origin = ?1 AND redeem_mode = 2 AND created_at >= ?2 AND created_at < ?4",
        origin_id, since + 1, member, INT64_MAX, ids.lo, ids.hi);
    q.next();
    const std::int64_t till = q.i64(0), mine = q.i64(1);
    if (till + b.redeem_points > opt.offline_till_points)
        throw Error(Status::OfflineLimit,
                    "this till's offline allowance is used up: " + std::to_string(till) + " of " +
                        std::to_string(opt.offline_till_points) +
                        " points spent without a hold in the last 24 hours");
    if (opt.offline_member_points > 0 && mine + b.redeem_points > opt.offline_member_points)
        throw Error(Status::OfflineLimit,
                    "the member's offline allowance at this till is used up: " +
                        std::to_string(mine) + " of " + std::to_string(opt.offline_member_points) +
                        " points spent without a hold in the last 24 hours");
    return 2;
}

void Database::Impl::remember_quote(const Basket& b, std::int64_t member, const MemberState& st,
                                    const Evaluation& ev) {
    quote_memo.valid = true;
    quote_memo.request = basket_request(b);
    quote_memo.epoch = c.epoch();
    quote_memo.commits = c.commits();
    quote_memo.program_version = program_version;
    quote_memo.minute = now() / 60000;
    quote_memo.member = member;
    quote_memo.state = st;
    quote_memo.ev = ev;
}

// Inside the commit's write transaction: the quote's evaluation, if the file and the clock's
// minute are as they were when the basket was quoted (the evaluation would come out the same).
bool Database::Impl::quoted(const std::string& request, std::int64_t& member, MemberState& st,
                            Evaluation& ev) {
    QuoteMemo& m = quote_memo;
    if (!m.valid) return false;
    m.valid = false;  // used once
    active_program();
    if (m.commits != c.commits() || m.program_version != program_version ||
        m.minute != now() / 60000 || !c.unchanged_since(m.epoch) || m.request != request)
        return false;
    member = m.member;
    st = std::move(m.state);
    ev = std::move(m.ev);
    return true;
}

// `request`: basket_request(b), which the idempotency key's digest was made of.
std::pair<std::int64_t, std::int64_t> Database::Impl::do_commit(const Basket& b,
                                                                const std::string& request) {
    const int mode = redeem_mode(b);
    std::int64_t member = 0;
    MemberState st;
    Evaluation ev;
    if (!quoted(request, member, st, ev)) ev = evaluate_basket(b, member, st);
    if (b.redeem_points > 0 && ev.redeem_status != Status::Ok)
        throw Error(ev.redeem_status, ev.redeem_message);
    // What the customer was shown is what is committed: a coupon that does not apply is
    // refused, not silently dropped, so the till can take it off and quote again.
    for (const auto& cr : ev.coupons)
        if (cr.status != Status::Ok)
            throw Error(cr.status, "coupon " + coupon::display(cr.code) + ": " + cr.message);
    if (ev.wallet_status != Status::Ok) throw Error(ev.wallet_status, ev.wallet_message);
    require_wallet_hold(b, ev);
    require_giftcard_hold(b);
    require_coupon_hold(b, ev);
    const auto gift_cards = basket_gift_cards(b, ev);
    if (!b.tenders.empty()) {
        std::int64_t paid = 0;
        for (const auto& tn : b.tenders)
            paid = checked_add(paid, tn.amount);
        if (paid != ev.amount_due)
            throw Error(Status::InvalidAmount, "the tenders add up to " + std::to_string(paid) +
                                                   " but " + std::to_string(ev.amount_due) +
                                                   " is due after points, wallet and gift cards");
    }
    std::string currency = b.currency.empty() ? opt.default_currency : b.currency;
    std::int64_t t = now();
    std::int64_t earned_total = ev.points;
    const Basket pb = with_plan_prices(b, program, member);
    std::string tier_before;
    // Points move in the member's account (a household's head's); money, coupons and stamps
    // stay the member's own.
    const std::int64_t account = member ? account_of(member) : 0;
    if (member) {
        tier_before = st.tier;  // the account's, read in this transaction or unchanged since
        stamp_rules(member, pb, ev, ev.rules);
    }
    // The lines, packed in the sale's row (storage/sale_lines.hpp). The stored amount is what
    // the customer pays for the line (after the benefit and coupon discounts): refunds are
    // proportional to it.
    std::vector<storage::SaleLine> lines(pb.lines.size());
    for (std::size_t i = 0; i < pb.lines.size(); ++i) {
        const auto& l = pb.lines[i];
        storage::SaleLine& s = lines[i];
        s.line_no = static_cast<std::int64_t>(i + 1);
        s.sku = l.sku;
        s.category = l.category;
        s.quantity_milli = l.quantity_milli;
        s.unit_price = l.unit_price;
        s.discount = l.discount;
        s.amount = l.amount() - ev.line_discounts[i] - ev.line_coupon_discounts[i];
        s.points = ev.line_points[i];
        s.plan_id = l.plan_id;
        s.benefit_discount = ev.line_discounts[i];
        s.coupon_discount = ev.line_coupon_discounts[i];
        s.wallet_topup = l.wallet_topup;
    }
    const std::string line_items = lines.empty() ? std::string() : storage::pack_sale_lines(lines);
    // The coupon uses take the next ids of their table, written with the sale: the sale's row
    // (and its row in the member index) is written with its range of uses at once, not again.
    const std::int64_t first_use =
        ev.coupons.empty() ? 0
                           : scalar(c.query("SELECT COALESCE(MAX(id), 0) + 1 FROM coupon_uses"));
    const std::int64_t last_use =
        first_use ? first_use + static_cast<std::int64_t>(ev.coupons.size()) - 1 : 0;
    c.query(
         "INSERT INTO sales(origin, member_id, receipt, branch, terminal, cashier, currency, "
         "total, tax, service, tip, points_earned, charge_points, points_redeemed, "
         "redeem_value, amount_due, program_version, explanation, created_at, "
         "benefit_discount, tier_before, tier_after, hold_id, redeem_mode, coupon_discount, "
         "wallet_paid, cashback, coupon_hold, wallet_hold, giftcard_hold, line_items, "
         "uses_from, uses_to, quarter_seen) VALUES "
         "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
         " " LOY_SALE_QUARTER_SEEN("19") ")",  // ?19: created_at
         origin_id, NullIfZero{member}, NullIfEmpty{b.receipt}, NullIfEmpty{b.branch},
         NullIfEmpty{b.terminal}, NullIfEmpty{b.cashier}, currency, ev.total, b.tax, b.service,
         b.tip, earned_total, ev.charge_points, ev.redeem_points, ev.redeem_value, ev.amount_due,
         std::max<std::int64_t>(program_version, 0), storage::encode_rules(ev.rules), t,
         ev.benefit_discount, tier_before, tier_before, NullIfEmpty{b.hold_id},
         static_cast<std::int64_t>(mode), ev.coupon_discount, ev.wallet_amount, ev.cashback,
         NullIfEmpty{b.coupon_hold}, NullIfEmpty{b.wallet_hold}, NullIfEmpty{b.giftcard_hold},
         NullIfEmpty{line_items}, NullIfZero{first_use}, NullIfZero{last_use})
        .run();
    std::int64_t sale = c.last_id();
    sale_parts = {sale};
    std::int64_t use_id = first_use;
    pay_gift_cards(gift_cards, b, sale);
    for (const CouponResult& cr : ev.coupons) {
        const Campaign& camp = *program.campaign(cr.campaign_id);
        auto cq = c.query("SELECT id FROM coupons WHERE code=?", cr.code);
        std::int64_t coupon_id = cq.next() ? cq.i64(0) : 0;
        c.query(
             "INSERT INTO coupon_uses(id, coupon_id, code, campaign_id, sale_id, member_id, "
             "discount, points, partner_id, partner_funded, branch, created_at, origin) VALUES "
             "(?,?,?,?,?,?,?,?,?,?,?,?,?)",
             use_id, NullIfZero{coupon_id}, cr.code, cr.campaign_id, sale, NullIfZero{member},
             cr.discount, cr.points, NullIfEmpty{camp.partner}, cr.partner_funded,
             NullIfEmpty{b.branch}, t, origin_id)
            .run();
        ++use_id;
        count_campaign_use(cr.campaign_id, cr.discount);
    }
    for (std::size_t i = 0; i < pb.lines.size(); ++i) {
        const auto& l = pb.lines[i];
        if (!l.plan_id.empty()) subscribe(member, *program.plan(l.plan_id), sale, i + 1, l);
    }
    for (std::size_t i = 0; i < b.tenders.size(); ++i)
        c.query("INSERT INTO sale_tenders(sale_id, line_no, type, amount) VALUES (?,?,?,?)", sale,
                static_cast<std::int64_t>(i + 1), b.tenders[i].type, b.tenders[i].amount)
            .run();
    if (member) {
        EntryContext ctx;
        ctx.sale_id = sale;
        ctx.branch = b.branch;
        ctx.terminal = b.terminal;
        ctx.operator_id = b.cashier;
        ctx.held = mode != 0;
        // A programme that lets a sale spend what it earns credits the earnings first.
        const bool earn_first = program.redeem_same_sale;
        const std::int64_t avail_at = t + program.pending_days * kDayMs;
        if (earn_first) credit_earnings(account, ev, ctx, "purchase", avail_at);
        if (ev.redeem_points > 0) {
            ctx.reason = "points tender";
            debit_spend(EntryKind::Redeem, account, ev.redeem_points, ctx);
        }
        if (!earn_first) credit_earnings(account, ev, ctx, "purchase", avail_at);
        if (ev.wallet_amount > 0) {
            ctx.reason = "wallet tender";
            wallet_add(member, kTender, -ev.wallet_amount, ctx, t);
        }
        for (const auto& l : pb.lines)
            if (l.wallet_topup) {
                ctx.reason = "wallet top-up";
                wallet_add(member, kTopUp, l.amount(), ctx, t);
            }
        if (ev.cashback > 0) {
            ctx.reason = "cashback";
            wallet_add(member, kCashback, ev.cashback, ctx,
                       t + program.cashback.pending_days * kDayMs);
        }
        for (const auto& camp : program.campaigns)
            if (camp.issue_min_spend >= 0 && ev.total >= camp.issue_min_spend)
                new_coupon(camp, member, 0, sale);
        reward_referral(member, sale, ev.total, ctx, avail_at);
        give_stamps(member, pb, ev, sale);
        std::string tier_after = maybe_upgrade(account, sale);
        auto [avail, pend] = spendable(account);
        (void)pend;
        // With where its entries are (storage/sale_parts.hpp); its coupon uses' range was
        // written with it.
        const std::int64_t balance = balance_of(account);
        c.query(
             "UPDATE sales SET balance_after=?, available_after=?, tier_after=?, entries_from=?, "
             "entries_to=? WHERE id=?",
             balance, avail, tier_after, NullIfZero{sale_parts.e_lo}, NullIfZero{sale_parts.e_hi},
             sale)
            .run();
    }
    return {sale, 0};
}

// What an evaluated sale earns, credited: the lines' and charges' points as one entry (`reason`),
// each bonus as its own; available from `avail_at`, expiring as points earned now do.
void Database::Impl::credit_earnings(std::int64_t member, const Evaluation& ev, EntryContext ctx,
                                     const char* reason, std::int64_t avail_at) {
    const std::int64_t t = now();
    std::int64_t line_part = ev.charge_points;
    for (auto p : ev.line_points)
        line_part = checked_add(line_part, p);
    if (line_part > 0) {
        ctx.reason = reason;
        credit(EntryKind::Earn, member, line_part, ctx, avail_at, expiry_for(t));
    }
    for (const auto& bonus : ev.bonuses) {
        if (bonus.points <= 0) continue;
        ctx.reason = bonus.key.empty() ? bonus.rule_id : bonus.key;
        credit(EntryKind::Bonus, member, bonus.points, ctx, avail_at, expiry_for(t));
    }
}

// Referral: when a referred member's purchase qualifies (the first one, or every one), the
// referrer and/or the referee get their points (source "referral") and coupons. The bonus
// entries carry the sale, so a full refund takes them back.
void Database::Impl::reward_referral(std::int64_t member, std::int64_t sale, std::int64_t total,
                                     EntryContext ctx, std::int64_t avail_at) {
    const Referral& rf = program.referral;
    if (!rf.enabled() || total < rf.min_spend) return;
    std::int64_t referrer =
        scalar(c.query("SELECT COALESCE(referrer_id, 0) FROM members WHERE id=?", member));
    if (referrer == 0) return;
    referrer = owner_of(referrer);
    if (referrer == member) return;
    const std::int64_t earlier =
        scalar(c.query("SELECT COUNT(*) FROM " LOY_SALES_OF_MEMBERS(
                           "ms", "s") " WHERE ms.member_id = ? AND ms.sale_id <> ? AND s.status "
                                      "IN (0, 1) AND s.total >= ?",
                       member, sale, rf.min_spend));
    if (!rf.every_purchase && earlier > 0) return;
    const std::int64_t t = now();
    const bool referrer_active =
        scalar(c.query("SELECT status FROM members WHERE id=?", referrer)) == 0;
    if (rf.referrer_points > 0 && referrer_active) {
        ctx.reason = "referral:" + std::to_string(member);
        const std::int64_t account = account_of(referrer);
        credit(EntryKind::Bonus, account, rf.referrer_points, ctx, avail_at, expiry_for(t));
        maybe_upgrade(account, sale);
    }
    if (rf.referee_points > 0) {
        ctx.reason = "referral-welcome";
        credit(EntryKind::Bonus, account_of(member), rf.referee_points, ctx, avail_at,
               expiry_for(t));
        // On the referee's receipt, with the rest of what the sale earned.
        auto sq = c.query("SELECT explanation FROM sales WHERE id=?", sale);
        sq.next();
        auto rules = storage::decode_rules(sq.text(0));
        rules.push_back(
            {"referral", rf.referee_points,
             fmt::format("Welcome, referred by a friend: {} points", rf.referee_points)});
        c.query("UPDATE sales SET points_earned = points_earned + ?, explanation=? WHERE id=?",
                rf.referee_points, storage::encode_rules(rules), sale)
            .run();
    }
    if (!rf.referrer_campaign.empty() && referrer_active)
        new_coupon(*program.campaign(rf.referrer_campaign), referrer, 0, sale);
    if (!rf.referee_campaign.empty())
        new_coupon(*program.campaign(rf.referee_campaign), member, 0, sale);
}

Quote Database::quote(const Basket& basket) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->quote(basket);
}

Receipt Database::commit(const Basket& basket, const std::string& key) {
    check_key(key);
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->check_basket(basket);
    const std::string request = impl_->basket_request(basket);
    return impl_->idempotent(
        key, "sale", request, [&] { return impl_->do_commit(basket, request); },
        [&](const Impl::Outcome& o) {
            Receipt r = impl_->sale_receipt(o.id);
            r.replayed = o.replayed;
            return r;
        });
}

std::int64_t Database::sale_by_key(const std::string& key) {
    check_key(key);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto r = impl_->find_request(key);
    if (!r || r->op != "sale" || r->status != Status::Ok)
        throw Error(Status::NotFound, "no sale committed with key '" + key + "'");
    return r->result_id;
}

}  // namespace loyalty
