#include "loyalty/rules.hpp"

#include <boost/multiprecision/cpp_int.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <numeric>

#include "allocate.hpp"
#include "calendar.hpp"
#include "coupon_split.hpp"
#include "phrases.hpp"
#include "rounding.hpp"

namespace loyalty {

namespace mp = boost::multiprecision;
using Rational = mp::cpp_rational;
using BigInt = mp::cpp_int;
using share::allocate;

namespace {

std::int64_t to_i64(const BigInt& v) {
    if (v > std::numeric_limits<std::int64_t>::max() ||
        v < std::numeric_limits<std::int64_t>::min())
        throw Error(Status::Overflow, "points do not fit in a 64-bit value");
    return static_cast<std::int64_t>(v);
}

BigInt round_rational(const Rational& r, Rounding mode) {
    return detail::divide_rounded<BigInt>(mp::numerator(r), mp::denominator(r), mode);
}

Rational ratio(const Ratio& r) {
    return Rational(BigInt(r.num), BigInt(r.den));
}

std::string money(std::int64_t minor, int exponent, const std::string& currency) {
    return format_money(minor, exponent, true) + " " + currency;
}

std::string qty(std::int64_t milli) {
    if (milli % 1000 == 0) return std::to_string(milli / 1000);
    return format_money(milli, 3, false);
}

}  // namespace

std::int64_t points_value(const Program& program, std::int64_t points) {
    return apply_ratio(points, program.point_value, Rounding::Floor);
}

Window window_of(Period period, std::int64_t now_ms, int offset, int week_start) {
    std::int64_t day = cal::local_day(now_ms, offset);
    cal::Date d = cal::civil_from_days(day);
    Window w;
    std::int64_t first = day, last = day + 1;
    switch (period) {
        case Period::Day:
            w.key = fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
            break;
        case Period::Week: {
            int back = (cal::weekday(day) - week_start + 7) % 7;
            first = day - back;
            last = first + 7;
            cal::Date s = cal::civil_from_days(first);
            w.key = fmt::format("week-{:04}-{:02}-{:02}", s.year, s.month, s.day);
            break;
        }
        case Period::Month:
            first = cal::days_from_civil(d.year, d.month, 1);
            last = first + cal::days_in_month(d.year, d.month);
            w.key = fmt::format("{:04}-{:02}", d.year, d.month);
            break;
        case Period::Year:
            first = cal::days_from_civil(d.year, 1, 1);
            last = cal::days_from_civil(d.year + 1, 1, 1);
            w.key = fmt::format("{:04}", d.year);
            break;
    }
    w.start_ms = cal::local_midnight(first, offset);
    w.end_ms = cal::local_midnight(last, offset);
    return w;
}

std::int64_t expiry_of(std::int64_t earned_ms, std::int64_t days, int offset) {
    return cal::local_midnight(cal::local_day(earned_ms, offset) + days + 1, offset);
}

Benefits benefits_of(const Program& program, const std::string& tier, const std::string& plan) {
    Benefits b;
    auto consider = [&](const std::string& source, const Ratio& mult, const Ratio& disc,
                        const Selector& sel, bool delivery) {
        // Compare ratios exactly: a/b > c/d  <=>  a*d > c*b (both fit: 18 digits each in 128 bits).
        auto greater = [](const Ratio& x, const Ratio& y) {
            return mul_div(x.num, y.den, 1, Rounding::Floor) >
                   mul_div(y.num, x.den, 1, Rounding::Floor);
        };
        if (greater(mult, b.multiplier)) {
            b.multiplier = mult;
            b.multiplier_source = source;
        }
        if (greater(disc, b.discount)) {
            b.discount = disc;
            b.discount_selector = sel;
            b.discount_source = source;
        }
        b.free_delivery = b.free_delivery || delivery;
    };
    if (const TierLevel* l = program.level(tier); l && !tier.empty())
        consider("tier:" + l->id, l->multiplier, l->discount, l->discount_selector,
                 l->free_delivery);
    if (const Plan* p = program.plan(plan); p && !plan.empty())
        consider("plan:" + p->id, p->multiplier, p->discount, p->discount_selector,
                 p->free_delivery);
    return b;
}

std::int64_t weighted_score(const std::vector<ScoreTerm>& terms,
                            const std::vector<std::int64_t>& values) {
    Rational sum = 0;
    for (std::size_t i = 0; i < terms.size() && i < values.size(); ++i)
        sum += Rational(values[i]) * ratio(terms[i].weight);
    BigInt whole = round_rational(sum, Rounding::Floor);
    if (whole > std::numeric_limits<std::int64_t>::max())
        return std::numeric_limits<std::int64_t>::max();
    if (whole < std::numeric_limits<std::int64_t>::min())
        return std::numeric_limits<std::int64_t>::min();
    return static_cast<std::int64_t>(whole);
}

int level_for_score(const TierProgram& tiers, std::int64_t score) {
    int found = tiers.levels.empty() ? -1 : 0;
    for (std::size_t i = 0; i < tiers.levels.size(); ++i)
        if (score >= tiers.levels[i].threshold) found = static_cast<int>(i);
    return found;
}

std::string progress_text(const Program& program, int level, std::int64_t score, int exponent) {
    const auto& levels = program.tiers.levels;
    if (level + 1 >= static_cast<int>(levels.size())) return "";
    const TierLevel& next = levels[static_cast<std::size_t>(level + 1)];
    std::int64_t missing = next.threshold - score;
    if (missing <= 0) return "";
    const phrases::Writer w(program, exponent);
    const std::string tier = w.name(next.names, next.name);
    const auto& terms = program.tiers.score;
    if (terms.size() == 1 && terms[0].weight == Ratio{1, 1}) {
        switch (terms[0].metric) {
            case ScoreTerm::Metric::Purchases:
                return w.say(phrases::Id::ProgressPurchases,
                             {{"missing", w.number(missing)}, {"tier", tier}});
            case ScoreTerm::Metric::Spend:
                return w.say(phrases::Id::ProgressSpend,
                             {{"missing", w.money(missing)}, {"tier", tier}});
            case ScoreTerm::Metric::Points:
                return w.say(phrases::Id::ProgressPoints,
                             {{"missing", w.number(missing)}, {"tier", tier}});
        }
    }
    return w.say(phrases::Id::ProgressScore, {{"missing", w.number(missing)}, {"tier", tier}});
}

std::int64_t add_months(std::int64_t ms, int months, int offset) {
    std::int64_t day = cal::local_day(ms, offset);
    std::int64_t within = ms - cal::local_midnight(day, offset);
    cal::Date d = cal::civil_from_days(day);
    int total = d.year * 12 + static_cast<int>(d.month) - 1 + months;
    int y = total / 12;
    unsigned m = static_cast<unsigned>(total % 12) + 1;
    unsigned dd = std::min(d.day, cal::days_in_month(y, m));
    return cal::local_midnight(cal::days_from_civil(y, m, dd), offset) + within;
}

Evaluation evaluate(const Basket& basket, const MemberState& member, const Program& program,
                    std::int64_t now_ms) {
    return evaluate(basket, member, program, now_ms, 0, {});
}

namespace {

// Points for a line subset multiplied by `factor`: the extra (floored) is attributed to those
// lines in proportion to their points. Returns the extra.
std::int64_t multiply_points(Evaluation& ev, const std::vector<bool>& lines, const Ratio& factor) {
    std::int64_t base = 0;
    std::vector<Rational> w(ev.line_points.size());
    for (std::size_t i = 0; i < w.size(); ++i) {
        if (!lines[i]) continue;
        base = checked_add(base, ev.line_points[i]);
        w[i] = ev.line_points[i];
    }
    std::int64_t extra = mul_div(base, factor.num - factor.den, factor.den, Rounding::Floor);
    if (extra <= 0) return 0;
    auto alloc = allocate(extra, w);
    for (std::size_t i = 0; i < w.size(); ++i)
        ev.line_points[i] = checked_add(ev.line_points[i], alloc[i]);
    return extra;
}

// The earn cap: what the sale earns (lines, charges, bonuses) scaled down in proportion
// (largest remainder) to the room left in the cap's period, so the parts still add up.
void cap_earning(Evaluation& ev, const MemberState& member, const Program& program,
                 const phrases::Writer& say) {
    const std::size_t n = ev.line_points.size();
    std::vector<Rational> w;
    std::int64_t total = 0;
    for (auto p : ev.line_points)
        w.emplace_back(p);
    w.emplace_back(ev.charge_points);
    for (const auto& b : ev.bonuses)
        w.emplace_back(b.points);
    for (const auto& x : w) {
        if (x < 0) return;  // a negative part (never from the rules today): leave the sale be
        total = checked_add(total, to_i64(round_rational(x, Rounding::Floor)));
    }
    const std::int64_t room =
        std::max<std::int64_t>(0, program.earn_cap.points - member.earned_in_cap_period);
    if (total <= room) return;
    auto alloc = allocate(room, w);
    for (std::size_t i = 0; i < n; ++i)
        ev.line_points[i] = alloc[i];
    ev.charge_points = alloc[n];
    for (std::size_t k = 0; k < ev.bonuses.size(); ++k)
        ev.bonuses[k].points = alloc[n + 1 + k];
    ev.bonuses.erase(std::remove_if(ev.bonuses.begin(), ev.bonuses.end(),
                                    [](const BonusAward& b) { return b.points == 0; }),
                     ev.bonuses.end());
    ev.rules.push_back({"earn_cap", room - total,
                        say.say(phrases::Id::EarnCap,
                                {{"cap", say.number(program.earn_cap.points)},
                                 {"period", say.period(period_name(program.earn_cap.period))},
                                 {"delta", say.signed_number(room - total)}})});
}

// How a coupon's points show among the rules: "coupon:CODE", or "promotion:ID" for an
// automatic promotion.
std::string coupon_rule_id(const CouponResult& r) {
    return r.automatic ? "promotion:" + r.campaign_id : "coupon:" + r.code;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

// The order coupons are decided in, whatever order the cashier scanned them: priority (higher
// first); then percentages, free items, fixed amounts and points (a percentage taken first leaves
// the most off in total); then the narrowest (least eligible money) first; then campaign and
// code. Unknown or refused codes go last.
std::vector<std::size_t> coupon_order(const Basket& basket,
                                      const std::vector<CouponCandidate>& cands,
                                      const std::vector<std::int64_t>& net) {
    struct Key {
        int priority = 0, kind = 4;
        std::int64_t eligible = 0;
        std::string campaign, code;
    };
    std::vector<Key> keys(cands.size());
    for (std::size_t k = 0; k < cands.size(); ++k) {
        keys[k].code = cands[k].code;
        const Campaign* c = cands[k].campaign;
        if (!c || cands[k].status != Status::Ok) continue;
        keys[k].priority = c->priority;
        keys[k].campaign = c->id;
        switch (c->effect) {
            case Campaign::Effect::Percent:
                keys[k].kind = 0;
                break;
            case Campaign::Effect::FreeItem:
            case Campaign::Effect::Cheapest:
                keys[k].kind = 1;
                break;
            case Campaign::Effect::Amount:
                keys[k].kind = 2;
                break;
            case Campaign::Effect::BonusPoints:
            case Campaign::Effect::Multiplier:
                keys[k].kind = 3;
                break;
        }
        for (std::size_t i = 0; i < basket.lines.size(); ++i) {
            const auto& l = basket.lines[i];
            if (l.is_goods() && c->selector.matches(l.sku, l.category) && net[i] > 0)
                keys[k].eligible = checked_add(keys[k].eligible, net[i]);
        }
    }
    std::vector<std::size_t> order(cands.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const Key &x = keys[a], &y = keys[b];
        if (x.kind == 4 || y.kind == 4) {
            if (x.kind != y.kind) return x.kind < y.kind;
        } else if (x.priority != y.priority) {
            return x.priority > y.priority;
        }
        return std::tie(x.kind, x.eligible, x.campaign, x.code, a) <
               std::tie(y.kind, y.eligible, y.campaign, y.code, b);
    });
    return order;
}

// Decides each coupon presented (in coupon_order) and takes the money-off ones off `net`.
// Fixed-amount coupons of one priority are placed together: each is spread over its eligible
// lines in proportion, unless overlapping lines would then leave money off that another placement
// gives; then the largest total is placed (coupon_split::max_split). Points coupons are settled
// after earning (see evaluate).
void apply_coupons(Evaluation& ev, const Basket& basket, const MemberState& member,
                   const Program& program, std::int64_t now_ms, int exponent,
                   const std::vector<CouponCandidate>& cands, std::vector<std::int64_t>& net) {
    const std::size_t n = basket.lines.size();
    ev.line_coupon_discounts.assign(n, 0);
    const std::vector<std::size_t> order = coupon_order(basket, cands, net);
    ev.coupons.resize(cands.size());
    std::string first;  // the first coupon applied
    bool exclusive = false;
    std::vector<std::string> used_campaigns;
    const phrases::Writer words(program, exponent);

    // Takes `alloc` (per line) off for coupon k.
    auto grant = [&](std::size_t k, const std::vector<std::int64_t>& alloc) {
        const Campaign& c = *cands[k].campaign;
        CouponResult& res = ev.coupons[k];
        std::int64_t d = 0;
        for (std::size_t i = 0; i < n; ++i) {
            net[i] -= alloc[i];
            ev.line_coupon_discounts[i] = checked_add(ev.line_coupon_discounts[i], alloc[i]);
            d = checked_add(d, alloc[i]);
        }
        res.discount = d;
        res.partner_funded = apply_ratio(d, c.partner_share, Rounding::Floor);
        ev.coupon_discount = checked_add(ev.coupon_discount, d);
        res.message = words.say(phrases::Id::CouponOff, {{"name", words.name(c.names, c.name)},
                                                         {"amount", words.money(d)}});
    };
    // The fixed-amount coupons accepted at the current priority: (candidate, most it may take).
    std::vector<std::pair<std::size_t, std::int64_t>> amounts;
    auto place_amounts = [&]() {
        if (amounts.empty()) return;
        const std::size_t m = amounts.size();
        std::vector<std::vector<bool>> elig(m, std::vector<bool>(n, false));
        std::vector<std::int64_t> wish(m);
        for (std::size_t j = 0; j < m; ++j) {
            const Campaign& c = *cands[amounts[j].first].campaign;
            wish[j] = amounts[j].second;
            for (std::size_t i = 0; i < n; ++i) {
                const auto& l = basket.lines[i];
                elig[j][i] = l.is_goods() && c.selector.matches(l.sku, l.category) && net[i] > 0;
            }
        }
        // In proportion, one after the other (narrowest first)...
        std::vector<std::vector<std::int64_t>> spread(m);
        std::vector<std::int64_t> left(net);
        std::int64_t spread_total = 0;
        for (std::size_t j = 0; j < m; ++j) {
            std::vector<Rational> w(n);
            std::int64_t eligible = 0;
            for (std::size_t i = 0; i < n; ++i)
                if (elig[j][i] && left[i] > 0) {
                    w[i] = left[i];
                    eligible = checked_add(eligible, left[i]);
                }
            spread[j] = allocate(std::min(wish[j], eligible), w);
            for (std::size_t i = 0; i < n; ++i) {
                left[i] -= spread[j][i];
                spread_total = checked_add(spread_total, spread[j][i]);
            }
        }
        // ...unless that leaves money off on the table.
        auto take = coupon_split::max_split(wish, elig, net);
        std::int64_t most = 0;
        for (const auto& row : take)
            for (std::int64_t v : row)
                most = checked_add(most, v);
        const auto& chosen = spread_total >= most ? spread : take;
        for (std::size_t j = 0; j < m; ++j) {
            const std::size_t k = amounts[j].first;
            if (std::all_of(chosen[j].begin(), chosen[j].end(),
                            [](std::int64_t v) { return v == 0; })) {
                ev.coupons[k].status = Status::CouponRejected;
                ev.coupons[k].message = "the other coupons already take its items' whole price";
                continue;
            }
            grant(k, chosen[j]);
        }
        amounts.clear();
    };

    int level = 0;
    for (std::size_t pos = 0; pos < order.size(); ++pos) {
        const std::size_t k = order[pos];
        const CouponCandidate& cand = cands[k];
        CouponResult& res = ev.coupons[k];
        res.code = cand.code;
        res.automatic = cand.automatic;
        auto reject = [&](Status s, const std::string& why) {
            res.status = s;
            res.message = why;
        };
        if (cand.status != Status::Ok) {
            place_amounts();
            reject(cand.status, cand.message);
            continue;
        }
        const Campaign& c = *cand.campaign;
        if (pos == 0 || c.priority != level) place_amounts();
        level = c.priority;
        res.campaign_id = c.id;
        // Eligible lines, their amount after earlier discounts and their quantity.
        std::int64_t eligible = 0, quantity = 0, goods = 0;
        std::vector<Rational> w(n);
        for (std::size_t i = 0; i < n; ++i) {
            const auto& l = basket.lines[i];
            if (l.is_goods() && net[i] > 0) goods = checked_add(goods, net[i]);
            if (!l.is_goods() || !c.selector.matches(l.sku, l.category) || net[i] <= 0) continue;
            w[i] = net[i];
            eligible = checked_add(eligible, net[i]);
            quantity = checked_add(quantity, l.quantity_milli);
        }
        // The minimum counts the eligible lines' share of the sale's tax when the campaign says.
        const std::int64_t counted =
            c.min_basket_with_tax && goods > 0
                ? checked_add(eligible, mul_div(basket.tax, eligible, goods, Rounding::Floor))
                : eligible;
        const std::int64_t left = c.budget > 0 ? c.budget - cand.budget_used : INT64_MAX;
        if (!c.schedule.active_at(now_ms, program.utc_offset_minutes))
            reject(Status::CouponRejected, "outside the campaign's dates or hours");
        else if (!c.branches.empty() && !contains(c.branches, basket.branch))
            reject(Status::CouponRejected, "not valid at this branch");
        else if ((c.members_only || c.effect == Campaign::Effect::BonusPoints ||
                  c.effect == Campaign::Effect::Multiplier) &&
                 !member.is_member)
            reject(Status::CouponRejected, "for club members only");
        else if (!c.tiers.empty() && !contains(c.tiers, member.tier))
            reject(Status::CouponRejected, "not for the member's tier");
        else if (!c.tag.empty() && !contains(member.tags, c.tag))
            reject(Status::CouponRejected, "not for this member's segment");
        else if (counted < c.min_basket || eligible == 0)
            reject(Status::CouponRejected,
                   eligible == 0 ? "nothing in the basket qualifies"
                                 : fmt::format("eligible items total {}{}, below the minimum of {}",
                                               money(counted, exponent, program.currency),
                                               c.min_basket_with_tax ? " with tax" : "",
                                               money(c.min_basket, exponent, program.currency)));
        else if (quantity < c.min_quantity)
            reject(Status::CouponRejected,
                   fmt::format("{} eligible item{} in the basket, {} needed", qty(quantity),
                               quantity == 1000 ? "" : "s", qty(c.min_quantity)));
        else if (c.max_uses > 0 && cand.campaign_uses >= c.max_uses)
            reject(Status::CouponRejected, "the campaign's uses are used up");
        else if (c.max_uses_per_member > 0 && cand.member_uses >= c.max_uses_per_member)
            reject(Status::CouponRejected,
                   c.per_member_in_period
                       ? std::string("the member has used this campaign already this ") +
                             period_name(c.member_period)
                       : std::string("the member has used this campaign already"));
        else if (left <= 0)
            reject(Status::CouponRejected, "the campaign's budget is used up");
        else if (contains(used_campaigns, c.id))
            reject(Status::CouponRejected, "this campaign is already applied to the basket");
        else if (!first.empty() && (exclusive || !c.combinable))
            reject(Status::CouponRejected, "not combinable with " + first);
        if (res.status != Status::Ok) continue;

        std::int64_t d = 0;
        switch (c.effect) {
            case Campaign::Effect::Percent:
                d = apply_ratio(eligible, c.rate, Rounding::Floor);
                if (c.cap > 0) d = std::min(d, c.cap);
                break;
            case Campaign::Effect::Amount:
                amounts.emplace_back(k, std::min({c.amount, eligible, left}));
                break;
            case Campaign::Effect::FreeItem: {
                d = 0;
                for (std::size_t i = 0; i < n; ++i) {
                    const auto& l = basket.lines[i];
                    if (l.sku != c.free_sku || w[i] == 0 || l.quantity_milli < 1000) continue;
                    std::int64_t unit = std::min(l.unit_price, net[i]);
                    w.assign(n, Rational(0));
                    w[i] = 1;  // the whole discount on this line
                    d = unit;
                    break;
                }
                if (d == 0) {
                    reject(Status::CouponRejected,
                           "the free item " + c.free_sku + " is not in the basket");
                    continue;
                }
                break;
            }
            case Campaign::Effect::Cheapest: {
                // A share of one unit of the cheapest eligible item (by its price after the
                // discounts so far), on that line.
                std::size_t pick = n;
                Rational best;
                for (std::size_t i = 0; i < n; ++i) {
                    const auto& l = basket.lines[i];
                    if (w[i] == 0 || l.quantity_milli < 1000) continue;
                    Rational unit = Rational(net[i]) * 1000 / l.quantity_milli;
                    if (pick == n || unit < best) {
                        pick = i;
                        best = unit;
                    }
                }
                if (pick == n) {
                    reject(Status::CouponRejected, "no whole eligible item in the basket");
                    continue;
                }
                d = to_i64(round_rational(best * ratio(c.rate), Rounding::Floor));
                w.assign(n, Rational(0));
                w[pick] = 1;
                break;
            }
            case Campaign::Effect::BonusPoints:
            case Campaign::Effect::Multiplier:
                break;
        }
        d = std::min(d, left);
        if (d > 0) grant(k, allocate(d, w));
        used_campaigns.push_back(c.id);
        if (first.empty()) {
            first = c.name;
            exclusive = !c.combinable;
        }
    }
    place_amounts();
}

}  // namespace

Evaluation evaluate(const Basket& basket, const MemberState& member, const Program& program,
                    std::int64_t now_ms, int exponent,
                    const std::vector<CouponCandidate>& coupons) {
    Evaluation ev;
    if (basket.redeem_points < 0)
        throw Error(Status::InvalidAmount, "points to redeem cannot be negative");
    basket.lines_total();  // validates every line
    const std::size_t n = basket.lines.size();
    ev.line_points.assign(n, 0);
    ev.line_discounts.assign(n, 0);
    const std::string& cur = program.currency;
    const Benefits& ben = member.benefits;
    const phrases::Writer say(program, exponent);  // explanations in the programme's language

    // Tier or plan discount first: points are earned on what the customer pays.
    std::vector<std::int64_t> net(n);
    std::int64_t goods_total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& l = basket.lines[i];
        net[i] = l.amount();
        if (!l.is_goods()) continue;  // a plan's fee or a top-up is neither discounted nor earning
        if (member.is_member && ben.discount.num > 0 &&
            ben.discount_selector.matches(l.sku, l.category)) {
            ev.line_discounts[i] = apply_ratio(net[i], ben.discount, Rounding::Floor);
            net[i] -= ev.line_discounts[i];
            ev.benefit_discount = checked_add(ev.benefit_discount, ev.line_discounts[i]);
        }
    }
    // Then coupons, in priority order.
    apply_coupons(ev, basket, member, program, now_ms, exponent, coupons, net);
    for (std::size_t i = 0; i < n; ++i)
        if (basket.lines[i].is_goods()) goods_total = checked_add(goods_total, net[i]);
    ev.total = checked_sub(checked_sub(basket.total(), ev.benefit_discount), ev.coupon_discount);
    ev.free_delivery = member.is_member && ben.free_delivery;

    const bool earns = member.is_member;
    const bool below_min = program.min_basket > 0 && goods_total < program.min_basket;
    if (earns && below_min) {
        ev.rules.push_back(
            {"min_basket", 0,
             say.say(phrases::Id::BelowMinimum, {{"basket", say.money(goods_total)},
                                                 {"minimum", say.money(program.min_basket)}})});
    }
    if (earns && !below_min) {
        // Spend rules, with multipliers and promotions applied in order so that each one's
        // contribution can be shown.
        std::vector<const Promotion*> promos;
        for (const auto& pr : program.promotions)
            if (pr.schedule.active_at(now_ms, program.utc_offset_minutes)) promos.push_back(&pr);
        for (const auto& rule : program.spend) {
            if (!rule.where.allows(basket.branch, basket.terminal)) continue;
            std::vector<Rational> weight(n);
            std::int64_t eligible = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const auto& l = basket.lines[i];
                if (!l.is_goods() || !rule.selector.matches(l.sku, l.category)) continue;
                std::int64_t base = rule.after_discounts ? net[i] : l.gross();
                weight[i] = base;
                eligible = checked_add(eligible, base);
            }
            std::int64_t charges = 0;
            if (rule.include_tax) charges = checked_add(charges, basket.tax);
            if (rule.include_service) charges = checked_add(charges, basket.service);
            if (rule.include_tips) charges = checked_add(charges, basket.tip);
            eligible = checked_add(eligible, charges);
            auto points_of = [&](const std::vector<Rational>& w) {
                Rational sum = charges;
                for (const auto& x : w)
                    sum += x;
                // Whole blocks of `per` (rounded by the rule), times the block's points.
                return checked_mul(to_i64(round_rational(sum / rule.per, rule.rounding)),
                                   rule.points);
            };
            std::int64_t pts = points_of(weight);
            if (eligible > 0 || pts != 0)
                ev.rules.push_back(
                    {rule.id, pts,
                     say.say(phrases::Id::Spend, {{"rule", say.name(rule.names, rule.name)},
                                                  {"eligible", say.money(eligible)},
                                                  {"points", say.number(pts)}})});
            // Each multiplier and promotion in turn.
            auto apply = [&](const std::string& id, const std::string& name, const Ratio& f,
                             const Selector& sel, const Where& where) {
                // (`name` is already in the programme's language.)
                if (!where.allows(basket.branch, basket.terminal)) return;
                std::size_t hit = 0;
                for (std::size_t i = 0; i < n; ++i) {
                    const auto& l = basket.lines[i];
                    if (weight[i] == 0 || !sel.matches(l.sku, l.category)) continue;
                    weight[i] *= ratio(f);
                    ++hit;
                }
                if (hit == 0) return;
                std::int64_t next = points_of(weight);
                if (next != pts)
                    ev.rules.push_back(
                        {id, next - pts,
                         say.say(phrases::Id::Multiplier,
                                 {{"name", name},
                                  {"factor", say.text(rate_to_string(f))},
                                  {"lines", say.number(static_cast<std::int64_t>(hit))},
                                  {"delta", say.signed_number(next - pts)}})});
                pts = next;
            };
            for (const auto& m : program.multipliers)
                apply(m.id, say.name(m.names, m.name), m.factor, m.selector, m.where);
            for (const auto* pr : promos)
                apply(pr->id, say.name(pr->names, pr->name), pr->factor, pr->selector, pr->where);
            // Attribute the rule's points to lines (and charges) exactly.
            std::vector<Rational> w = weight;
            w.push_back(Rational(charges));
            auto alloc = allocate(pts, w);
            for (std::size_t i = 0; i < n; ++i)
                ev.line_points[i] = checked_add(ev.line_points[i], alloc[i]);
            ev.charge_points = checked_add(ev.charge_points, alloc[n]);
            if (rule.stop && pts > 0) break;  // the spend rules after it give nothing
        }
        for (const auto& it : program.items) {
            if (!it.where.allows(basket.branch, basket.terminal)) continue;
            std::int64_t got = 0, units = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const auto& l = basket.lines[i];
                if (!l.is_goods() || !it.selector.matches(l.sku, l.category)) continue;
                std::int64_t p = mul_div(it.points, l.quantity_milli, 1000, Rounding::Floor);
                ev.line_points[i] = checked_add(ev.line_points[i], p);
                got = checked_add(got, p);
                units = checked_add(units, l.quantity_milli);
            }
            if (units > 0)
                ev.rules.push_back(
                    {it.id, got,
                     say.say(phrases::Id::Item, {{"name", say.name(it.names, it.name)},
                                                 {"each", say.number(it.points)},
                                                 {"quantity", say.text(qty(units))},
                                                 {"points", say.number(got)}})});
        }
        // The tier's or plan's earn multiplier, on the points the lines earned.
        if (ben.multiplier.num > ben.multiplier.den) {
            std::int64_t extra = multiply_points(ev, std::vector<bool>(n, true), ben.multiplier);
            if (extra > 0)
                ev.rules.push_back({ben.multiplier_source, extra,
                                    say.say(phrases::Id::Boost,
                                            {{"name", ben.multiplier_source},
                                             {"factor", say.text(rate_to_string(ben.multiplier))},
                                             {"delta", say.signed_number(extra)}})});
        }
        // Multiplier coupons, on their eligible lines.
        for (std::size_t k = 0; k < ev.coupons.size(); ++k) {
            const Campaign* c = coupons[k].campaign;
            if (ev.coupons[k].status != Status::Ok || c->effect != Campaign::Effect::Multiplier)
                continue;
            std::vector<bool> lines(n);
            for (std::size_t i = 0; i < n; ++i)
                lines[i] = basket.lines[i].is_goods() &&
                           c->selector.matches(basket.lines[i].sku, basket.lines[i].category);
            std::int64_t extra = multiply_points(ev, lines, c->rate);
            ev.coupons[k].points = extra;
            ev.coupons[k].message =
                say.say(phrases::Id::Boost, {{"name", say.name(c->names, c->name)},
                                             {"factor", say.text(rate_to_string(c->rate))},
                                             {"delta", say.signed_number(extra)}});
            ev.rules.push_back({coupon_rule_id(ev.coupons[k]), extra, ev.coupons[k].message});
        }
        if (program.visit_points > 0) {
            ev.bonuses.push_back({"visit", "", program.visit_points});
            ev.rules.push_back(
                {"visit", program.visit_points,
                 say.say(phrases::Id::Visit, {{"points", say.number(program.visit_points)}})});
        }
        if (program.first_purchase_points > 0 && !member.has_purchased) {
            ev.bonuses.push_back({"first_purchase", "", program.first_purchase_points});
            ev.rules.push_back({"first_purchase", program.first_purchase_points,
                                say.say(phrases::Id::FirstPurchase,
                                        {{"points", say.number(program.first_purchase_points)}})});
        }
    }
    if (earns) {
        for (std::size_t k = 0; k < program.challenges.size(); ++k) {
            const auto& c = program.challenges[k];
            if (ev.total < c.min_spend) continue;
            std::int64_t before = 0;
            bool awarded = false;
            if (k < member.challenges.size()) {
                before = member.challenges[k].purchases;
                awarded = member.challenges[k].awarded;
            }
            if (awarded || before + 1 < c.purchases) continue;
            Window w = window_of(c.window, now_ms, program.utc_offset_minutes, program.week_start);
            ev.bonuses.push_back({c.id, "challenge:" + c.id + ":" + w.key, c.bonus});
            ev.rules.push_back(
                {c.id, c.bonus,
                 say.say(phrases::Id::Challenge, {{"name", say.name(c.names, c.name)},
                                                  {"count", say.number(before + 1)},
                                                  {"target", say.number(c.purchases)},
                                                  {"period", say.period(period_name(c.window))},
                                                  {"points", say.number(c.bonus)}})});
        }
        if (program.birthday.points > 0 && member.birth_month > 0 && !member.birthday_awarded) {
            cal::Date today =
                cal::civil_from_days(cal::local_day(now_ms, program.utc_offset_minutes));
            unsigned bday = static_cast<unsigned>(member.birth_day);
            // A 29 February birthday is celebrated on the 28th in common years.
            if (member.birth_month == 2 && bday == 29 && !cal::is_leap(today.year)) bday = 28;
            bool hit = today.month == static_cast<unsigned>(member.birth_month) &&
                       (program.birthday.whole_month || today.day == bday);
            if (hit) {
                ev.bonuses.push_back({"birthday", "birthday:" + std::to_string(today.year),
                                      program.birthday.points});
                ev.rules.push_back({"birthday", program.birthday.points,
                                    say.say(phrases::Id::Birthday,
                                            {{"points", say.number(program.birthday.points)}})});
            }
        }
    }
    // Bonus-points coupons: a sale-level bonus, given back if the whole sale is returned.
    for (std::size_t k = 0; k < ev.coupons.size(); ++k) {
        const Campaign* c = coupons[k].campaign;
        if (ev.coupons[k].status != Status::Ok || c->effect != Campaign::Effect::BonusPoints)
            continue;
        ev.coupons[k].points = c->amount;
        ev.coupons[k].message =
            say.say(phrases::Id::CouponBonus,
                    {{"name", say.name(c->names, c->name)}, {"points", say.number(c->amount)}});
        ev.bonuses.push_back({"coupon", coupon_rule_id(ev.coupons[k]), c->amount});
        ev.rules.push_back({coupon_rule_id(ev.coupons[k]), c->amount, ev.coupons[k].message});
    }
    if (earns && program.earn_cap.points > 0) cap_earning(ev, member, program, say);
    std::int64_t total_points = ev.charge_points;
    for (auto p : ev.line_points)
        total_points = checked_add(total_points, p);
    ev.purchase_points = total_points;
    for (const auto& b : ev.bonuses) {
        total_points = checked_add(total_points, b.points);
        if (b.rule_id != "birthday") ev.purchase_points = checked_add(ev.purchase_points, b.points);
    }
    ev.points = total_points;

    // Redemption: from the points available, and those this sale earns when the programme lets
    // a sale spend them (Odoo's `applies_on: both`).
    // Points and wallet money never pay for a wallet top-up (that would turn them into money).
    std::int64_t topups = 0;
    for (const auto& l : basket.lines)
        if (l.wallet_topup) topups = checked_add(topups, l.amount());
    std::int64_t max_money =
        apply_ratio(checked_sub(ev.total, topups), program.max_share, Rounding::Floor);
    const std::int64_t available = program.redeem_same_sale && ev.points > 0
                                       ? checked_add(member.available, ev.points)
                                       : member.available;
    if (member.is_member && program.point_value.num > 0) {
        std::int64_t by_value =
            mul_div(max_money, program.point_value.den, program.point_value.num, Rounding::Floor);
        std::int64_t r = std::min(std::max<std::int64_t>(available, 0), by_value);
        if (program.redeem_multiple > 1) r -= r % program.redeem_multiple;
        if (r < program.min_redeem) r = 0;
        ev.redeemable_points = r;
        ev.redeemable_value = points_value(program, r);
    }
    ev.amount_due = ev.total;
    const std::int64_t want = basket.redeem_points;
    if (want > 0) {
        auto refuse = [&](Status s, std::string msg) {
            ev.redeem_status = s;
            ev.redeem_message = std::move(msg);
        };
        if (!member.is_member) {
            refuse(Status::RedemptionNotAllowed, "an anonymous sale cannot be paid with points");
        } else if (program.point_value.num == 0) {
            refuse(Status::RedemptionNotAllowed, "the programme gives points no money value");
        } else if (want < program.min_redeem) {
            refuse(Status::RedemptionNotAllowed,
                   fmt::format("at least {} points must be redeemed at once", program.min_redeem));
        } else if (program.redeem_multiple > 1 && want % program.redeem_multiple != 0) {
            refuse(Status::RedemptionNotAllowed,
                   fmt::format("points are redeemed in multiples of {}", program.redeem_multiple));
        } else if (want > available) {
            refuse(Status::InsufficientPoints,
                   fmt::format("{} points requested, {} available", want, available));
        } else if (points_value(program, want) > max_money) {
            refuse(Status::RedemptionNotAllowed,
                   fmt::format("at most {} of this basket may be paid with points ({} points)",
                               money(max_money, exponent, cur), ev.redeemable_points));
        } else {
            ev.redeem_points = want;
            ev.redeem_value = points_value(program, want);
            ev.amount_due = checked_sub(ev.total, ev.redeem_value);
        }
    }
    // Cashback: a share of what the member pays for eligible lines, credited to the wallet.
    if (member.is_member && program.cashback.enabled()) {
        std::int64_t eligible = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const auto& l = basket.lines[i];
            if (l.is_goods() && program.cashback.selector.matches(l.sku, l.category))
                eligible = checked_add(eligible, net[i]);
        }
        ev.cashback = apply_ratio(eligible, program.cashback.rate, Rounding::Floor);
    }
    // Automatic promotions that do not apply are not shown (nobody presented them).
    ev.coupons.erase(
        std::remove_if(ev.coupons.begin(), ev.coupons.end(),
                       [](const CouponResult& r) { return r.automatic && r.status != Status::Ok; }),
        ev.coupons.end());
    // Wallet as tender.
    if (basket.wallet_amount < 0)
        throw Error(Status::InvalidAmount, "a wallet payment cannot be negative");
    if (basket.wallet_amount > 0) {
        if (!member.is_member) {
            ev.wallet_status = Status::InvalidArgument;
            ev.wallet_message = "an anonymous sale has no wallet";
        } else if (basket.wallet_amount > member.wallet_available) {
            ev.wallet_status = Status::InsufficientFunds;
            ev.wallet_message = fmt::format(
                "{} asked from the wallet, {} available",
                money(basket.wallet_amount, exponent, cur),
                money(std::max<std::int64_t>(member.wallet_available, 0), exponent, cur));
        } else if (basket.wallet_amount > ev.amount_due) {
            ev.wallet_status = Status::InvalidAmount;
            ev.wallet_message = fmt::format("the wallet payment is more than the {} due",
                                            money(ev.amount_due, exponent, cur));
        } else if (basket.wallet_amount > ev.amount_due - topups) {
            ev.wallet_status = Status::InvalidAmount;
            ev.wallet_message = "wallet money cannot pay for a wallet top-up";
        } else {
            ev.wallet_amount = basket.wallet_amount;
            ev.amount_due -= ev.wallet_amount;
        }
    }
    return ev;
}

}  // namespace loyalty
