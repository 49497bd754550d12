// Manager reports (docs/reports.md defines every column).
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "calendar.hpp"
#include "loyalty/database.hpp"
#include "loyalty/money.hpp"
#include "storage/access.hpp"
#include "storage/audience.hpp"
#include "storage/canonical.hpp"
#include "storage/member_index.hpp"
#include "storage/ledger_totals.hpp"
#include "storage/report_kit.hpp"
#include "storage/sales_time.hpp"

namespace loyalty {

using report_kit::average;
using report_kit::cell;
using report_kit::percent;
using report_kit::ratio2;
using report_kit::Span;
using storage::Session;

namespace {

using cal::kDayMs;

Table periodic(const Span& sp, std::vector<std::string> columns) {
    Table t;
    t.columns = std::move(columns);
    t.columns.insert(t.columns.begin(), "period");
    for (const auto& p : sp.periods) {
        std::vector<Table::Cell> row(t.columns.size(), cell(std::int64_t{0}));
        row[0] = cell(p.label);
        t.rows.push_back(std::move(row));
    }
    return t;
}

Table members_report(Session& s, const Span& sp, const ReportOptions& o) {
    Table t = periodic(sp, {"new_members", "members", "active_30", "active_90"});
    std::int64_t before = 0;
    auto q = s.c.query(
        "SELECT created_at FROM members WHERE status <> 3 AND created_at < ?1 AND "
        "(?2 = '' OR branch = ?2)",
        sp.to_ms, o.branch);
    std::vector<std::int64_t> fresh(sp.periods.size(), 0);
    while (q.next()) {
        const int i = sp.index(q.i64(0));
        if (i >= 0)
            ++fresh[i];
        else if (q.i64(0) < sp.from_ms)
            ++before;
    }
    std::int64_t running = before;
    for (std::size_t i = 0; i < sp.periods.size(); ++i) {
        running += fresh[i];
        t.rows[i][1] = cell(fresh[i]);
        t.rows[i][2] = cell(running);
        for (int w = 0; w < 2; ++w) {
            const std::int64_t end = sp.periods[i].to_ms, start = end - (w == 0 ? 30 : 90) * kDayMs;
            const storage::SaleIds ids = storage::sales_in_time(s.c, start, end);
            auto a = s.c.query(
                "SELECT COUNT(DISTINCT member_id) FROM sales s WHERE " LOY_SALES_BETWEEN(
                    "1", "2", "4", "5") " AND member_id IS NOT NULL AND status IN (0, 1) AND "
                                        "created_at >= ?1 AND created_at < ?2 AND "
                                        "(?3 = '' OR branch = ?3)",
                start, end, o.branch, ids.lo, ids.hi);
            a.next();
            t.rows[i][3 + w] = cell(a.i64(0));
        }
    }
    return t;
}

struct SaleRow {
    std::int64_t at, member, net;
};

template <typename F>
void each_sale(Session& s, const Span& sp, const std::string& branch, F f) {
    const storage::SaleIds ids = storage::sales_in_time(s.c, sp.from_ms, sp.to_ms);
    auto q = s.c.query("SELECT created_at, COALESCE(member_id, 0), " LOY_NET_AMOUNT
                       " FROM sales s WHERE " LOY_SALES_BETWEEN("1", "2", "4", "5")
                       " AND status IN (0, 1) AND created_at >= ?1 AND created_at < ?2 AND "
                       "(?3 = '' OR branch = ?3)",
                       sp.from_ms, sp.to_ms, branch, ids.lo, ids.hi);
    while (q.next())
        f(SaleRow{q.i64(0), q.i64(1), q.i64(2)});
}

Table sales_report(Session& s, const Span& sp, const ReportOptions& o) {
    Table t = periodic(
        sp, {"sales", "revenue", "member_sales", "member_revenue", "guest_sales", "guest_revenue",
             "member_share_pct", "member_revenue_pct", "avg_member_spend", "avg_guest_spend"});
    struct Acc {
        std::int64_t n = 0, rev = 0, mn = 0, mrev = 0;
    };
    std::vector<Acc> acc(sp.periods.size());
    each_sale(s, sp, o.branch, [&](const SaleRow& r) {
        const int i = sp.index(r.at);
        if (i < 0) return;
        Acc& a = acc[i];
        ++a.n;
        a.rev = checked_add(a.rev, r.net);
        if (r.member) {
            ++a.mn;
            a.mrev = checked_add(a.mrev, r.net);
        }
    });
    for (std::size_t i = 0; i < acc.size(); ++i) {
        const Acc& a = acc[i];
        auto& row = t.rows[i];
        row[1] = cell(a.n);
        row[2] = cell(a.rev);
        row[3] = cell(a.mn);
        row[4] = cell(a.mrev);
        row[5] = cell(a.n - a.mn);
        row[6] = cell(a.rev - a.mrev);
        row[7] = percent(a.mn, a.n);
        row[8] = percent(a.mrev, a.rev);
        row[9] = average(a.mrev, a.mn);
        row[10] = average(a.rev - a.mrev, a.n - a.mn);
    }
    return t;
}

Table frequency_report(Session& s, const Span& sp, const ReportOptions& o) {
    Table t = periodic(sp, {"buying_members", "member_purchases", "purchases_per_member",
                            "repeat_members", "repeat_rate_pct"});
    std::vector<std::unordered_map<std::int64_t, std::int64_t>> per(sp.periods.size());
    each_sale(s, sp, o.branch, [&](const SaleRow& r) {
        const int i = sp.index(r.at);
        if (i >= 0 && r.member) ++per[i][r.member];
    });
    for (std::size_t i = 0; i < per.size(); ++i) {
        std::int64_t buyers = static_cast<std::int64_t>(per[i].size()), purchases = 0, repeat = 0;
        for (const auto& kv : per[i]) {
            purchases += kv.second;
            if (kv.second >= 2) ++repeat;
        }
        auto& row = t.rows[i];
        row[1] = cell(buyers);
        row[2] = cell(purchases);
        row[3] = ratio2(purchases, buyers);
        row[4] = cell(repeat);
        row[5] = percent(repeat, buyers);
    }
    return t;
}

// Ledger kinds (docs/ledger.md): 1 earn, 2 redeem, 3 expire, 4 adjust, 5 reverse earn,
// 6 restore, 7 bonus, 8 event, 9/10 merge.
struct PointSums {
    std::int64_t earned = 0, reversed = 0, redeemed = 0, expired = 0, adjusted = 0;
    void add(std::int64_t kind, std::int64_t points) {
        switch (kind) {
            case 1:
            case 7:
            case 8:
                earned = checked_add(earned, points);
                break;
            case 5:
                reversed = checked_sub(reversed, points);
                break;
            case 2:
            case 6:
                redeemed = checked_sub(redeemed, points);
                break;
            case 3:
                expired = checked_sub(expired, points);
                break;
            case 4:
                adjusted = checked_add(adjusted, points);
                break;
            default:
                break;
        }
    }
};

Table points_report(Session& s, const Span& sp, const ReportOptions& o) {
    Table t = periodic(sp, {"earned", "reversed", "redeemed", "expired", "adjusted",
                            "redemption_rate_pct", "breakage_pct"});
    std::vector<PointSums> acc(sp.periods.size());
    storage::sum_ledger(
        s, sp.from_ms, sp.to_ms, o.branch, [&sp](std::int64_t ms) { return sp.index(ms); },
        [&acc](int i, std::int64_t kind, std::int64_t points) {
            if (i >= 0) acc[i].add(kind, points);
        });
    for (std::size_t i = 0; i < acc.size(); ++i) {
        const PointSums& a = acc[i];
        const std::int64_t net_earned = a.earned - a.reversed;
        auto& row = t.rows[i];
        row[1] = cell(a.earned);
        row[2] = cell(a.reversed);
        row[3] = cell(a.redeemed);
        row[4] = cell(a.expired);
        row[5] = cell(a.adjusted);
        row[6] = percent(a.redeemed, net_earned);
        row[7] = percent(a.expired, net_earned);
    }
    return t;
}

Table liability_report(Session& s, const Span& sp) {
    Table t = periodic(
        sp, {"points_outstanding", "liability", "breakage_pct", "expected_liability", "currency"});
    const Ratio value = s.program.point_value;
    // The ledger up to the span's end, by period (-1: before the span): totals before each
    // period's end.
    std::vector<PointSums> upto(sp.periods.size());
    std::vector<std::int64_t> balance(sp.periods.size(), 0);
    PointSums before;
    std::int64_t before_balance = 0;
    storage::sum_ledger(
        s, 0, sp.to_ms, "", [&sp](std::int64_t ms) { return sp.index(ms); },
        [&](int i, std::int64_t kind, std::int64_t points) {
            if (i < 0) {
                before.add(kind, points);
                before_balance = checked_add(before_balance, points);
            } else {
                upto[i].add(kind, points);
                balance[i] = checked_add(balance[i], points);
            }
        });
    PointSums run = before;
    std::int64_t outstanding = before_balance;
    for (std::size_t i = 0; i < sp.periods.size(); ++i) {
        outstanding = checked_add(outstanding, balance[i]);
        run.expired = checked_add(run.expired, upto[i].expired);
        run.redeemed = checked_add(run.redeemed, upto[i].redeemed);
        const std::int64_t money = apply_ratio(outstanding, value, Rounding::HalfUp);
        const std::int64_t settled = checked_add(run.expired, run.redeemed);
        auto& row = t.rows[i];
        row[1] = cell(outstanding);
        row[2] = cell(money);
        row[3] = percent(run.expired, settled);
        row[4] =
            cell(settled == 0 ? money
                              : mul_div(money, settled - run.expired, settled, Rounding::HalfUp));
        row[5] = cell(s.program.currency);
    }
    return t;
}

Table tiers_report(Session& s, const ReportOptions& o) {
    Table t;
    t.columns = {"tier", "name", "members", "share_pct"};
    std::map<std::string, std::int64_t> counts;
    std::int64_t total = 0;
    auto q = s.c.query(
        "SELECT tier, COUNT(*) FROM members WHERE status = 0 AND (?1 = '' OR branch = ?1) "
        "GROUP BY tier",
        o.branch);
    while (q.next()) {
        counts[q.text(0)] = q.i64(1);
        total += q.i64(1);
    }
    auto add = [&](const std::string& id, const std::string& name) {
        auto it = counts.find(id);
        const std::int64_t n = it == counts.end() ? 0 : it->second;
        t.rows.push_back({cell(id), cell(name), cell(n), percent(n, total)});
        if (it != counts.end()) counts.erase(it);
    };
    for (const auto& l : s.program.tiers.levels)
        add(l.id, l.name);
    while (!counts.empty()) {
        const std::string id = counts.begin()->first;
        add(id, id.empty() ? "(no tier)" : id);
    }
    return t;
}

Table tier_movements_report(Session& s, const Span& sp) {
    Table t = periodic(sp, {"upgrades", "downgrades"});
    auto q = s.c.query(
        "SELECT created_at, from_tier, to_tier FROM tier_events WHERE created_at >= ?1 AND "
        "created_at < ?2",
        sp.from_ms, sp.to_ms);
    while (q.next()) {
        const int i = sp.index(q.i64(0));
        if (i < 0 || q.text(1).empty()) continue;  // a new member's entry level is no movement
        const int from = s.program.level_index(q.text(1)), to = s.program.level_index(q.text(2));
        auto& c = t.rows[i][to > from ? 1 : 2];
        c = cell(c.number + 1);
    }
    return t;
}

Table coupons_report(Session& s, const Span& sp, const ReportOptions& o) {
    Table t;
    t.columns = {"campaign", "name",     "codes_issued", "uses",
                 "members",  "discount", "revenue",      "avg_basket"};
    struct Acc {
        std::int64_t issued = 0, uses = 0, discount = 0, revenue = 0;
        std::set<std::int64_t> members, sales;
    };
    std::map<std::string, Acc> acc;
    for (const auto& c : s.program.campaigns)
        acc[c.id];
    auto q = s.c.query(
        "SELECT cu.campaign_id, COALESCE(cu.member_id, 0), cu.discount, cu.sale_id, s.total "
        "FROM coupon_uses cu JOIN sales s ON s.id = cu.sale_id WHERE cu.restored_at = 0 AND "
        "cu.created_at >= ?1 AND cu.created_at < ?2 AND "
        "(?3 = '' OR s.branch = ?3)",
        sp.from_ms, sp.to_ms, o.branch);
    while (q.next()) {
        Acc& a = acc[q.text(0)];
        ++a.uses;
        if (q.i64(1)) a.members.insert(q.i64(1));
        a.discount = checked_add(a.discount, q.i64(2));
        if (a.sales.insert(q.i64(3)).second) a.revenue = checked_add(a.revenue, q.i64(4));
    }
    auto iq = s.c.query(
        "SELECT campaign_id, COUNT(*) FROM coupons WHERE created_at >= ?1 AND created_at < ?2 "
        "GROUP BY campaign_id",
        sp.from_ms, sp.to_ms);
    while (iq.next())
        acc[iq.text(0)].issued = iq.i64(1);
    for (const auto& [id, a] : acc) {
        const Campaign* c = s.program.campaign(id);
        const auto sales = static_cast<std::int64_t>(a.sales.size());
        t.rows.push_back({cell(id), cell(c ? c->name : id), cell(a.issued), cell(a.uses),
                          cell(static_cast<std::int64_t>(a.members.size())), cell(a.discount),
                          cell(a.revenue), average(a.revenue, sales)});
    }
    return t;
}

Table campaigns_report(Session& s, const Span& sp) {
    Table t;
    t.columns = {"campaign",
                 "name",
                 "segment",
                 "messaged",
                 "sent",
                 "holdout",
                 "suppressed",
                 "buyers_messaged",
                 "buyers_holdout",
                 "response_pct",
                 "holdout_response_pct",
                 "lift_pct_points",
                 "revenue_messaged"};
    std::set<std::string> ids;
    for (const auto& c : s.program.messages.campaigns)
        ids.insert(c.id);
    {
        auto q = s.c.query(
            "SELECT DISTINCT campaign_id FROM outbox WHERE campaign_id IS NOT NULL AND "
            "created_at >= ?1 AND created_at < ?2",
            sp.from_ms, sp.to_ms);
        while (q.next())
            ids.insert(q.text(0));
    }
    for (const auto& id : ids) {
        const MessageCampaign* c = s.program.messages.campaign(id);
        const std::int64_t measure = (c ? c->measure_days : 14) * kDayMs;
        std::int64_t messaged = 0, sent = 0, holdout = 0, suppressed = 0, buy_m = 0, buy_h = 0,
                     revenue = 0;
        auto q = s.c.query(
            "SELECT o.status, (SELECT COUNT(*) FROM " LOY_SALES_OF_MEMBERS(
                "ms", "s") " WHERE ms.member_id = o.member_id AND s.status IN (0, 1) AND "
                           "ms.created_at >= o.created_at AND ms.created_at < o.created_at + ?3), "
                           "(SELECT COALESCE(SUM(" LOY_NET_AMOUNT "), 0) FROM " LOY_SALES_OF_MEMBERS(
                               "ms", "s") " WHERE ms.member_id = o.member_id AND s.status IN (0, "
                                          "1) AND ms.created_at >= o.created_at AND ms.created_at "
                                          "< o.created_at + ?3) FROM outbox o "
            "WHERE o.kind = 'campaign' AND o.campaign_id = ?4 AND o.created_at >= ?1 AND "
            "o.created_at < ?2",
            sp.from_ms, sp.to_ms, measure, id);
        while (q.next()) {
            const std::int64_t st = q.i64(0);
            const bool bought = q.i64(1) > 0;
            if (st == 4) {
                ++holdout;
                buy_h += bought;
            } else if (st == 3) {
                ++suppressed;
            } else {
                ++messaged;
                sent += st == 1;
                buy_m += bought;
                revenue = checked_add(revenue, q.i64(2));
            }
        }
        Table::Cell lift{"", 0, true};
        if (messaged > 0 && holdout > 0) {
            // Percentage points, one decimal: response(messaged) - response(holdout).
            const std::int64_t rm = mul_div(buy_m, 1000, messaged, Rounding::HalfUp);
            const std::int64_t rh = mul_div(buy_h, 1000, holdout, Rounding::HalfUp);
            lift = percent(rm - rh, 1000);
            lift = Table::Cell{lift.text, rm - rh, true};
        }
        t.rows.push_back({cell(id), cell(c ? c->name : id), cell(c ? c->segment : ""),
                          cell(messaged), cell(sent), cell(holdout), cell(suppressed), cell(buy_m),
                          cell(buy_h), percent(buy_m, messaged), percent(buy_h, holdout), lift,
                          cell(revenue)});
    }
    return t;
}

std::string rule_name(const Program& p, const std::string& id) {
    for (const auto& r : p.spend)
        if (r.id == id) return r.name;
    for (const auto& r : p.multipliers)
        if (r.id == id) return r.name;
    for (const auto& r : p.items)
        if (r.id == id) return r.name;
    for (const auto& r : p.promotions)
        if (r.id == id) return r.name;
    for (const auto& r : p.challenges)
        if (r.id == id) return r.name;
    return id;
}

Table rules_report(Session& s, const Span& sp, const ReportOptions& o) {
    Table t;
    t.columns = {"rule", "name", "points", "sales", "share_pct"};
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> acc;
    std::int64_t total = 0;
    const storage::SaleIds ids = storage::sales_in_time(s.c, sp.from_ms, sp.to_ms);
    auto q = s.c.query(
        "SELECT explanation FROM sales s WHERE " LOY_SALES_BETWEEN("1", "2", "4", "5")
        " AND status IN (0, 1) AND created_at >= ?1 AND created_at < ?2 AND "
        "(?3 = '' OR branch = ?3) AND points_earned <> 0",
        sp.from_ms, sp.to_ms, o.branch, ids.lo, ids.hi);
    while (q.next()) {
        for (const auto& r : storage::decode_rules(q.text(0))) {
            if (r.points == 0) continue;
            auto& a = acc[r.rule_id];
            a.first = checked_add(a.first, r.points);
            ++a.second;
            total = checked_add(total, r.points);
        }
    }
    std::vector<std::pair<std::string, std::pair<std::int64_t, std::int64_t>>> rows(acc.begin(),
                                                                                    acc.end());
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
    for (const auto& [id, a] : rows)
        t.rows.push_back({cell(id), cell(rule_name(s.program, id)), cell(a.first), cell(a.second),
                          percent(a.first, total)});
    return t;
}

// Counted sales in the span, per value of one of the sale's columns (branch, cashier).
struct SalesBy {
    std::int64_t n = 0, rev = 0, mn = 0, mrev = 0, pts = 0, fresh = 0;
};
template <typename Acc>
void sales_by(Session& s, const Span& sp, const char* column, std::map<std::string, Acc>& acc) {
    const storage::SaleIds ids = storage::sales_in_time(s.c, sp.from_ms, sp.to_ms);
    auto q = s.c.query(s.c.intern(std::string("SELECT COALESCE(") + column +
                                  ", ''), member_id IS NOT NULL, " LOY_NET_AMOUNT
                                  ", points_earned FROM sales s WHERE " LOY_SALES_BETWEEN(
                                      "1", "2", "3", "4") " AND status IN (0, 1) AND "
                                                          "created_at >= ?1 AND created_at < ?2"),
                       sp.from_ms, sp.to_ms, ids.lo, ids.hi);
    while (q.next()) {
        SalesBy& a = acc[q.text(0)];
        ++a.n;
        a.rev = checked_add(a.rev, q.i64(2));
        if (q.i64(1)) {
            ++a.mn;
            a.mrev = checked_add(a.mrev, q.i64(2));
        }
        a.pts = checked_add(a.pts, q.i64(3));
    }
}

Table branches_report(Session& s, const Span& sp) {
    Table t;
    t.columns = {"branch",    "sales",         "revenue",    "member_sales", "member_revenue_pct",
                 "avg_spend", "points_earned", "new_members"};
    std::map<std::string, SalesBy> acc;
    sales_by(s, sp, "branch", acc);
    auto m = s.c.query(
        "SELECT COALESCE(branch, ''), COUNT(*) FROM members WHERE status <> 3 AND "
        "created_at >= ?1 AND created_at < ?2 GROUP BY 1",
        sp.from_ms, sp.to_ms);
    while (m.next())
        acc[m.text(0)].fresh = m.i64(1);
    for (const auto& [b, a] : acc)
        t.rows.push_back({cell(b.empty() ? "(none)" : b), cell(a.n), cell(a.rev), cell(a.mn),
                          percent(a.mrev, a.rev), average(a.rev, a.n), cell(a.pts), cell(a.fresh)});
    std::stable_sort(t.rows.begin(), t.rows.end(),
                     [](const auto& x, const auto& y) { return x[2].number > y[2].number; });
    return t;
}

// Per operator: the sales they rang up (as cashier) and the manual adjustments they made or
// approved, over the span.
Table operators_report(Session& s, const Span& sp) {
    Table t;
    t.columns = {"operator",       "sales",        "revenue",        "points_earned",
                 "adjustments",    "points_added", "points_removed", "approved_by_another",
                 "approvals_given"};
    struct Acc : SalesBy {
        std::int64_t adj = 0, added = 0, removed = 0, approved = 0, gave = 0;
    };
    std::map<std::string, Acc> acc;
    sales_by(s, sp, "cashier", acc);
    auto l = s.c.query(
        "SELECT COALESCE(operator, ''), points, COALESCE(approver, '') FROM ledger "
        "WHERE " LOY_ADJUSTMENTS " AND created_at >= ?1 AND created_at < ?2",
        sp.from_ms, sp.to_ms);
    while (l.next()) {
        Acc& a = acc[l.text(0)];
        ++a.adj;
        const std::int64_t p = l.i64(1);
        if (p > 0) a.added = checked_add(a.added, p);
        if (p < 0) a.removed = checked_add(a.removed, -p);
        if (!l.text(2).empty()) {
            ++a.approved;
            ++acc[l.text(2)].gave;
        }
    }
    for (const auto& [op, a] : acc)
        t.rows.push_back({cell(op.empty() ? "(none)" : op), cell(a.n), cell(a.rev), cell(a.pts),
                          cell(a.adj), cell(a.added), cell(a.removed), cell(a.approved),
                          cell(a.gave)});
    return t;
}

// Gift cards over the span (sold, loaded, redeemed, credited back; from the first activity when
// no start is given), and the liability: what all cards hold now.
Table gift_cards_report(Session& s, const Span& sp, const ReportOptions& o) {
    Table t;
    t.columns = {"cards_sold", "sold",        "loaded",          "redeemed",
                 "refunded",   "outstanding", "cards_with_value"};
    auto q = s.c.query(
        "SELECT COALESCE(SUM(kind = 1), 0), COALESCE(SUM(CASE kind WHEN 1 THEN amount END), 0), "
        "COALESCE(SUM(CASE kind WHEN 2 THEN amount END), 0), "
        "COALESCE(-SUM(CASE kind WHEN 3 THEN amount END), 0), "
        "COALESCE(SUM(CASE kind WHEN 4 THEN amount END), 0) FROM gift_card_activities WHERE "
        "created_at >= ?1 AND created_at < ?2",
        o.from_ms == 0 ? 0 : sp.from_ms, sp.to_ms);
    q.next();
    auto held = s.c.query(
        "SELECT COALESCE(SUM(balance), 0), COALESCE(SUM(balance > 0), 0) FROM gift_cards");
    held.next();
    t.rows.push_back({cell(q.i64(0)), cell(q.i64(1)), cell(q.i64(2)), cell(q.i64(3)),
                      cell(q.i64(4)), cell(held.i64(0)), cell(held.i64(1))});
    return t;
}

// Holds of points and of wallet money: opened, captured, released and timed out in the period,
// and what open holds reserve now (one row per kind).
Table holds_report(Session& s, const Span& sp, const ReportOptions& o) {
    Table t;
    t.columns = {"asset",    "opened",    "held",     "captured",    "captured_amount",
                 "released", "timed_out", "open_now", "reserved_now"};
    const std::int64_t now = s.now;
    for (std::int64_t asset = 0; asset < 2; ++asset) {
        auto q = s.c.query(
            "SELECT COUNT(*), COALESCE(SUM(amount), 0), COALESCE(SUM(status = 1), 0), "
            "COALESCE(SUM(CASE WHEN status = 1 THEN captured END), 0), COALESCE(SUM(status = 2), "
            "0), COALESCE(SUM(status = 0 AND expires_at <= ?4), 0) FROM holds WHERE asset = ?1 "
            "AND created_at >= ?2 AND created_at < ?3",
            asset, o.from_ms == 0 ? 0 : sp.from_ms, sp.to_ms, now);
        q.next();
        auto open = s.c.query(
            "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM holds WHERE asset = ? AND status = 0 "
            "AND expires_at > ?",
            asset, now);
        open.next();
        t.rows.push_back({cell(std::string(asset == 0 ? "points" : "wallet")), cell(q.i64(0)),
                          cell(q.i64(1)), cell(q.i64(2)), cell(q.i64(3)), cell(q.i64(4)),
                          cell(q.i64(5)), cell(open.i64(0)), cell(open.i64(1))});
    }
    return t;
}

// Points moved between members in the span: gifts (loy_points_transfer) and members joining
// households, with the points, the givers and receivers; and the households now.
Table transfers_report(Session& s, const Span& sp, const ReportOptions& o) {
    Table t;
    t.columns = {"kind",           "transfers",         "points", "givers", "receivers",
                 "households_now", "members_pooled_now"};
    // Per kind: transfers out (count, points, givers), then the receivers of transfers in.
    std::map<std::string, std::vector<std::int64_t>> by;
    const std::int64_t from = o.from_ms == 0 ? 0 : sp.from_ms;
    for (const EntryKind k : {EntryKind::TransferOut, EntryKind::TransferIn}) {
        auto q = s.c.query(
            "SELECT CASE WHEN reason LIKE 'joined household %' THEN 'household' ELSE 'gift' END, "
            "COUNT(*), COALESCE(-SUM(points), 0), COUNT(DISTINCT member_id) FROM ledger WHERE "
            "kind=?3 AND created_at >= ?1 AND created_at < ?2 GROUP BY 1",
            from, sp.to_ms, static_cast<std::int64_t>(k));
        while (q.next()) {
            auto& v = by[q.text(0)];
            v.resize(4, 0);
            if (k == EntryKind::TransferOut) {
                v[0] = q.i64(1);
                v[1] = q.i64(2);
                v[2] = q.i64(3);
            } else {
                v[3] = q.i64(3);
            }
        }
    }
    auto now = s.c.query(
        "SELECT COUNT(DISTINCT household_id), COUNT(*) FROM household_members WHERE left_at = 0");
    now.next();
    for (const char* kind : {"gift", "household"}) {
        const auto it = by.find(kind);
        const std::vector<std::int64_t> v =
            it == by.end() ? std::vector<std::int64_t>(4, 0) : it->second;
        t.rows.push_back({cell(std::string(kind)), cell(v[0]), cell(v[1]), cell(v[2]), cell(v[3]),
                          cell(now.i64(0)), cell(now.i64(1))});
    }
    return t;
}

// Stamp cards: per card of the programme, stamps given and taken back in the span, rewards
// issued and used, and the members holding stamps now with the stamps they hold.
Table stamp_cards_report(Session& s, const Span& sp, const ReportOptions& o) {
    Table t;
    t.columns = {"card",         "stamps_given",    "stamps_returned", "rewards_issued",
                 "rewards_used", "members_holding", "stamps_held"};
    for (const auto& sc : s.program.stamp_cards) {
        auto q = s.c.query(
            "SELECT COALESCE(SUM(CASE WHEN stamps > 0 AND refund_id IS NULL THEN stamps END), 0), "
            "COALESCE(-SUM(CASE WHEN stamps < 0 AND coupon_id IS NULL THEN stamps END), 0), "
            "COALESCE(SUM(coupon_id IS NOT NULL), 0), COALESCE(SUM(coupon_id IS NOT NULL AND "
            "EXISTS (SELECT 1 FROM coupon_uses u WHERE u.coupon_id = stamp_entries.coupon_id AND "
            "u.restored_at = 0)), 0) FROM stamp_entries WHERE stamp_card=?1 AND created_at >= ?2 "
            "AND created_at < ?3",
            sc.id, o.from_ms == 0 ? 0 : sp.from_ms, sp.to_ms);
        q.next();
        auto h = s.c.query(
            "SELECT COUNT(*), COALESCE(SUM(n), 0) FROM (SELECT SUM(stamps) n FROM stamp_entries "
            "WHERE stamp_card=? GROUP BY member_id HAVING SUM(stamps) > 0)",
            sc.id);
        h.next();
        t.rows.push_back({cell(sc.id), cell(q.i64(0)), cell(q.i64(1)), cell(q.i64(2)),
                          cell(q.i64(3)), cell(h.i64(0)), cell(h.i64(1))});
    }
    return t;
}

Table top_members_report(Session& s, const Span& sp, const ReportOptions& o) {
    if (o.limit < 1 || o.limit > 1000)
        throw Error(Status::InvalidArgument, "limit must be between 1 and 1000");
    Table t;
    t.columns = {"rank", "member_id", "name", "phone", "tier", "purchases", "spend", "balance"};
    const storage::SaleIds ids = storage::sales_in_time(s.c, sp.from_ms, sp.to_ms);
    auto q = s.c.query(
        "SELECT x.member_id, COALESCE(m.name, ''), COALESCE(m.phone, ''), m.tier, x.n, x.spend, "
        "m.balance FROM (SELECT member_id, COUNT(*) n, SUM(" LOY_NET_AMOUNT
        ") spend FROM sales s WHERE " LOY_SALES_BETWEEN("1", "2", "5", "6")
        " AND member_id IS NOT NULL AND status IN (0, 1) AND created_at >= ?1 AND created_at < "
        "?2 AND (?3 = '' OR branch = ?3) GROUP BY member_id) x JOIN members m ON m.id = "
        "x.member_id ORDER BY x.spend DESC, x.member_id LIMIT ?4",
        sp.from_ms, sp.to_ms, o.branch, o.limit, ids.lo, ids.hi);
    std::int64_t rank = 0;
    while (q.next())
        t.rows.push_back({cell(++rank), cell(q.i64(0)), cell(q.text(1)), cell(q.text(2)),
                          cell(q.text(3)), cell(q.i64(4)), cell(q.i64(5)), cell(q.i64(6))});
    return t;
}

Table messages_report(Session& s, const Span& sp) {
    Table t;
    t.columns = {"trigger", "produced", "pending", "sent", "failed", "suppressed", "holdout"};
    std::map<std::string, std::vector<std::int64_t>> acc;
    auto q = s.c.query(
        "SELECT kind, status, COUNT(*) FROM outbox WHERE created_at >= ?1 AND created_at < ?2 "
        "GROUP BY kind, status",
        sp.from_ms, sp.to_ms);
    while (q.next()) {
        auto& v = acc[q.text(0)];
        v.resize(5, 0);
        const std::int64_t st = q.i64(1);
        if (st >= 0 && st < 5) v[static_cast<std::size_t>(st)] += q.i64(2);
    }
    for (const auto& [kind, v] : acc) {
        std::int64_t produced = 0;
        for (auto x : v)
            produced += x;
        t.rows.push_back({cell(kind), cell(produced), cell(v[0]), cell(v[1]), cell(v[2]),
                          cell(v[3]), cell(v[4])});
    }
    return t;
}

// The named column of the last row (the only one when grouped by none).
const Table::Cell& column(const Table& t, const char* name) {
    static const Table::Cell empty{"", 0, true};
    const Table::Cell* c =
        t.rows.empty() ? nullptr : report_kit::find_cell(t, t.rows.size() - 1, name);
    return c ? *c : empty;
}

Table overview_report(Session& s, const Span& whole, const ReportOptions& o) {
    const Table m = members_report(s, whole, o), sa = sales_report(s, whole, o),
                f = frequency_report(s, whole, o), p = points_report(s, whole, o),
                l = liability_report(s, whole);
    Table t;
    t.columns = {"metric", "value"};
    auto put = [&](const char* name, const Table::Cell& c) { t.rows.push_back({cell(name), c}); };
    put("members", column(m, "members"));
    put("new_members", column(m, "new_members"));
    put("active_30", column(m, "active_30"));
    put("active_90", column(m, "active_90"));
    put("sales", column(sa, "sales"));
    put("revenue", column(sa, "revenue"));
    put("member_revenue_pct", column(sa, "member_revenue_pct"));
    put("avg_member_spend", column(sa, "avg_member_spend"));
    put("avg_guest_spend", column(sa, "avg_guest_spend"));
    put("repeat_rate_pct", column(f, "repeat_rate_pct"));
    put("purchases_per_member", column(f, "purchases_per_member"));
    put("points_earned", column(p, "earned"));
    put("points_redeemed", column(p, "redeemed"));
    put("points_expired", column(p, "expired"));
    put("redemption_rate_pct", column(p, "redemption_rate_pct"));
    put("points_outstanding", column(l, "points_outstanding"));
    put("liability", column(l, "liability"));
    put("breakage_pct", column(l, "breakage_pct"));
    return t;
}

}  // namespace

const std::vector<ReportInfo>& report_catalogue() {
    static const std::vector<ReportInfo> k = {
        {"overview", "Overview", false, "the key figures of the period in one table"},
        {"members", "Members", true, "new enrolments, members, active in the last 30 and 90 days"},
        {"sales", "Sales", true, "sales and revenue, members against guests, membership rate"},
        {"frequency", "Purchase frequency", true, "buying members, purchases each, repeat rate"},
        {"points", "Points", true, "earned, reversed, redeemed, expired; redemption and breakage"},
        {"liability", "Points liability", true, "points outstanding and their value in money"},
        {"tiers", "Tier distribution", false, "active members per tier now"},
        {"tier_movements", "Tier movements", true, "upgrades and downgrades"},
        {"coupons", "Coupon campaigns", false, "codes issued, uses, discount, revenue"},
        {"campaigns", "Message campaigns", false, "messaged, holdout, response and lift"},
        {"rules", "Rule performance", false, "points given by each rule and sales touched"},
        {"branches", "Branches", false, "sales, revenue, members and points per branch"},
        {"gift_cards", "Gift cards", false, "sold, loaded, redeemed; what the cards hold"},
        {"operators", "Operators", false, "sales per cashier; manual adjustments and approvals"},
        {"holds", "Holds", false, "points and wallet money held, captured, released; open now"},
        {"stamp_cards", "Stamp cards", false, "stamps given and returned, rewards issued and used"},
        {"transfers", "Transfers", false, "points given between members and pooled by households"},
        {"top_members", "Top members", false, "the members who spent most in the period"},
        {"segments", "Segments", false, "RFM groups and custom segments with their sizes"},
        {"messages", "Messages", false, "messages produced per trigger, by delivery status"},
    };
    return k;
}

Table Database::report(const std::string& name, const ReportOptions& o) {
    bool known = false;
    std::string names;
    for (const auto& r : report_catalogue()) {
        known = known || r.name == name;
        names += (names.empty() ? "" : ", ") + r.name;
    }
    if (!known)
        throw Error(Status::NotFound, "no report named '" + name + "'; the reports are " + names);
    if (o.group != Grouping::None && o.group != Grouping::Day && o.group != Grouping::Week &&
        o.group != Grouping::Month)
        throw Error(Status::InvalidArgument, "unknown grouping");
    if (o.calendar != CalendarKind::Gregorian && o.calendar != CalendarKind::Jalali)
        throw Error(Status::InvalidArgument, "unknown calendar");
    Table out;
    storage::Access::run(*this, false, [&](Session& s) {
        const Span sp = report_kit::make_span(s, o);
        ReportOptions whole = o;
        whole.group = Grouping::None;
        if (name == "overview") out = overview_report(s, report_kit::make_span(s, whole), o);
        if (name == "members") out = members_report(s, sp, o);
        if (name == "sales") out = sales_report(s, sp, o);
        if (name == "frequency") out = frequency_report(s, sp, o);
        if (name == "points") out = points_report(s, sp, o);
        if (name == "liability") out = liability_report(s, sp);
        if (name == "tiers") out = tiers_report(s, o);
        if (name == "tier_movements") out = tier_movements_report(s, sp);
        if (name == "coupons") out = coupons_report(s, sp, o);
        if (name == "campaigns") out = campaigns_report(s, sp);
        if (name == "rules") out = rules_report(s, sp, o);
        if (name == "branches") out = branches_report(s, sp);
        if (name == "operators") out = operators_report(s, sp);
        if (name == "gift_cards") out = gift_cards_report(s, sp, o);
        if (name == "holds") out = holds_report(s, sp, o);
        if (name == "stamp_cards") out = stamp_cards_report(s, sp, o);
        if (name == "transfers") out = transfers_report(s, sp, o);
        if (name == "top_members") out = top_members_report(s, sp, o);
        if (name == "segments") out = audience::summary(s, o.to_ms);
        if (name == "messages") out = messages_report(s, sp);
        return false;
    });
    return out;
}

}  // namespace loyalty
