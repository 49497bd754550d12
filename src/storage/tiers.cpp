// Tiers and plans: the qualifying score over the tier window, upgrades at checkout, reviews,
// a member's tier status, and plan subscriptions and their cancellation.
#include <array>

#include "storage/impl.hpp"
#include "storage/member_index.hpp"

namespace loyalty {

std::int64_t Database::Impl::tier_window_start(const Program& p) {
    switch (p.tiers.window) {
        case TierWindow::Lifetime:
            return std::numeric_limits<std::int64_t>::min();
        case TierWindow::Rolling:
            return now() - p.tiers.window_days * kDayMs;
        case TierWindow::CalendarYear:
            return window_of(Period::Year, now(), p.utc_offset_minutes, p.week_start).start_ms;
        case TierWindow::JalaliYear: {
            const std::int64_t today = cal::local_day(now(), p.utc_offset_minutes);
            const int year = periods::to_date(today, CalendarKind::Jalali).year;
            return cal::local_midnight(periods::from_date({year, 1, 1}, CalendarKind::Jalali),
                                       p.utc_offset_minutes);
        }
    }
    return 0;
}

// One metric over the member and every member merged into it, since `since`.
std::int64_t Database::Impl::metric(const ScoreTerm& t, std::int64_t member, std::int64_t since) {
    // Most members never absorbed another: then a plain per-member query does, without the
    // recursive family (which costs temporary tables on every sale).
    const bool family =
        scalar(c.query("SELECT EXISTS (SELECT 1 FROM members WHERE merged_into=?)", member)) != 0;
    if (!family) {
        // Every point ever earned, from any source: the member's lifetime earnings, which every
        // earning entry adds to as it is written (the sum of the member's own earning entries):
        // one row, not a scan. A member who absorbed others is summed over the ledger: an entry
        // another till recorded for the absorbed member after the merge counts with the family
        // but stays in the absorbed member's own figure.
        if (t.metric == ScoreTerm::Metric::Points && t.source.empty() &&
            since == std::numeric_limits<std::int64_t>::min())
            return scalar(c.query("SELECT lifetime_earned FROM members WHERE id=?", member));
        switch (t.metric) {
            case ScoreTerm::Metric::Points:
                return scalar(
                    c.query("SELECT COALESCE(SUM(l.points), 0) FROM " LOY_ENTRIES_OF_MEMBERS(
                                "me", "l") " WHERE me.member_id = ?1 AND l.kind IN (1, 5, 7, 8) "
                                           "AND l.created_at >= ?2 AND (?3 = '' OR l.source = ?3 "
                                           "OR l.source LIKE ?3 || ':%')",
                            member, since, t.source));
            case ScoreTerm::Metric::Spend:
                return scalar(
                    c.query("SELECT COALESCE(SUM(s.total), 0) - COALESCE((SELECT SUM(r.amount) "
                            "FROM " LOY_SALES_OF_MEMBERS(
                                "m2", "s2") " JOIN refunds r ON r.sale_id "
                                            "= s2.id WHERE m2.member_id = ?1 AND m2.created_at >= "
                                            "?2), 0) FROM " LOY_SALES_OF_MEMBERS(
                                                "ms", "s") " WHERE ms.member_id = ?1 AND "
                                                           "ms.created_at >= ?2",
                            member, since));
            case ScoreTerm::Metric::Purchases:
                return scalar(c.query(
                    "SELECT COUNT(*) FROM " LOY_SALES_OF_MEMBERS(
                        "ms",
                        "s") " WHERE ms.member_id = ?1 AND ms.created_at >= ?2 AND s.status IN "
                             "(0, 1)",
                    member, since));
        }
    }
    switch (t.metric) {
        case ScoreTerm::Metric::Points: {
            return scalar(c.query(LOY_FAMILY
                                  "SELECT COALESCE(SUM(l.points), 0) FROM " LOY_ENTRIES_OF_MEMBERS(
                                      "me", "l") " WHERE me.member_id IN fam AND l.kind IN (1, 5, "
                                                 "7, 8) AND l.created_at >= ?2 AND (?3 = '' OR "
                                                 "l.source = ?3 OR l.source LIKE ?3 || ':%')",
                                  member, since, t.source));
        }
        case ScoreTerm::Metric::Spend:
            return scalar(c.query(
                LOY_FAMILY
                "SELECT COALESCE(SUM(s.total), 0) - COALESCE((SELECT "
                "SUM(r.amount) FROM " LOY_SALES_OF_MEMBERS(
                    "m2", "s2") " JOIN refunds r ON r.sale_id = s2.id WHERE m2.member_id IN "
                                "fam AND m2.created_at >= ?2), 0) FROM " LOY_SALES_OF_MEMBERS(
                                    "ms", "s") " WHERE ms.member_id IN fam AND ms.created_at "
                                               ">= ?2",
                member, since));
        case ScoreTerm::Metric::Purchases:
            return scalar(
                c.query(LOY_FAMILY "SELECT COUNT(*) FROM " LOY_SALES_OF_MEMBERS(
                            "ms", "s") " WHERE ms.member_id IN fam AND ms.created_at >= ?2 AND "
                                       "s.status IN (0, 1)",
                        member, since));
    }
    return 0;
}

// The weighted score, floored; `extra` adds a projected sale (quote) per term.
std::int64_t Database::Impl::score_of(std::int64_t member, const Program& p,
                                      const std::function<std::int64_t(const ScoreTerm&)>& extra) {
    std::vector<std::int64_t> values;
    const std::int64_t since = tier_window_start(p);
    for (const auto& t : p.tiers.score) {
        std::int64_t v = metric(t, member, since);
        values.push_back(extra ? checked_add(v, extra(t)) : v);
    }
    return weighted_score(p.tiers.score, values);
}

Database::Impl::ActivePlan Database::Impl::active_plan(std::int64_t member, const Program& p) {
    // The subscription in force that ends last, of a plan the programme still has. Chosen here,
    // not by ORDER BY: sorting on the computed end costs a temporary b-tree at every quote and
    // sale, and a member has few subscriptions.
    auto q = c.query(
        "SELECT plan_id, CASE WHEN cancelled_at > 0 AND cancelled_at < ends_at THEN "
        "cancelled_at "
        "ELSE ends_at END AS e FROM subscriptions WHERE member_id=?1 AND starts_at <= ?2 AND e "
        "> ?2",
        member, now());
    ActivePlan found;
    while (q.next())
        if ((found.id.empty() || q.i64(1) > found.ends_at) && p.plan(q.text(0)))
            found = ActivePlan{q.text(0), q.i64(1)};
    if (found.id.empty()) return found;
    // Renewals already paid for continue the coverage without a gap.
    for (;;) {
        auto n = c.query(
            "SELECT MAX(CASE WHEN cancelled_at > 0 AND cancelled_at < ends_at THEN "
            "cancelled_at "
            "ELSE ends_at END) FROM subscriptions WHERE member_id=? AND plan_id=? AND "
            "starts_at <= ? AND cancelled_at = 0",
            member, found.id, found.ends_at);
        if (!n.next() || n.is_null(0) || n.i64(0) <= found.ends_at) break;
        found.ends_at = n.i64(0);
    }
    return found;
}

// The assignment by staff in force for the member (the latest made, in any file), if any.
Database::Impl::Assignment Database::Impl::assignment(std::int64_t member) {
    // The latest by (created_at, origin, id), chosen here rather than by ORDER BY, which sorted
    // in a temporary b-tree at every sale: a member has few assignments.
    auto q = c.query(
        "SELECT tier, until, reason, created_at, origin, id FROM tier_assignments WHERE "
        "member_id=?",
        member);
    Assignment latest;
    bool any = false;
    std::array<std::int64_t, 3> at{};
    while (q.next()) {
        const std::array<std::int64_t, 3> key{q.i64(3), q.i64(4), q.i64(5)};
        if (any && key < at) continue;
        any = true;
        at = key;
        latest = {q.text(0), q.text(2), q.i64(1)};
    }
    if (!any || latest.tier.empty() || (latest.until != 0 && latest.until <= now())) return {};
    return latest;
}

// The lowest level the member may hold: an active plan's floor, a level staff assigned, or a
// permanent level reached. `why`: which of them sets it.
int Database::Impl::floor_index(const Program& p, int current, const ActivePlan& plan,
                                std::int64_t member, std::string* why) {
    int f = -1;
    auto raise = [&](int level, const std::string& reason) {
        if (level <= f) return;
        f = level;
        if (why) *why = reason;
    };
    if (const Plan* pl = p.plan(plan.id); pl && !plan.id.empty())
        raise(p.level_index(pl->tier_floor), "plan floor");
    if (const Assignment a = assignment(member); !a.tier.empty())
        raise(p.level_index(a.tier), "assigned by staff: " + a.reason);
    if (current >= 0 && p.tiers.levels[static_cast<std::size_t>(current)].permanent)
        raise(current, "permanent level");
    return f;
}

void Database::Impl::set_tier(std::int64_t member, const std::string& from, const std::string& to,
                              const std::string& reason, std::int64_t score, std::int64_t sale,
                              std::int64_t at_risk_since) {
    // Every file holds the tier of a member's latest tier event by its time, whatever order the
    // events reach it in (storage/apply.cpp; the chain's authority too): an event is never
    // earlier than the member's current tier's, even under a clock set back, so that the last
    // placed here stays the latest everywhere.
    const std::int64_t at =
        std::max(now(), scalar(c.query("SELECT tier_since FROM members WHERE id=?", member)));
    c.query("UPDATE members SET tier=?, tier_since=?, tier_at_risk_since=? WHERE id=?", to, at,
            at_risk_since, member)
        .run();
    c.query(
         "INSERT INTO tier_events(member_id, from_tier, to_tier, reason, score, sale_id, "
         "program_version, created_at, origin) VALUES (?,?,?,?,?,?,?,?,?)",
         member, from, to, reason, score, NullIfZero{sale},
         std::max<std::int64_t>(program_version, 0), at, origin_id)
        .run();
}

// Moves the member up to what the score (or a plan floor) supports; never down. Runs inside
// every write that can raise a score, so an upgrade commits with the sale that earned it.
std::string Database::Impl::maybe_upgrade(std::int64_t member, std::int64_t sale) {
    const Program& p = program;
    std::string cur_id;
    {
        auto q = c.query("SELECT tier, status FROM members WHERE id=?", member);
        if (!q.next()) return "";
        cur_id = q.text(0);
        if (q.i64(1) != static_cast<std::int64_t>(MemberStatus::Active)) return cur_id;
    }
    if (!p.tiers.enabled()) return cur_id;
    int cur = p.level_index(cur_id);
    std::int64_t score = score_of(member, p);
    int target = level_for_score(p.tiers, score);
    std::string floor_why, why;
    int fl = floor_index(p, cur, active_plan(member, p), member, &floor_why);
    if (fl > target) {
        target = fl;
        why = floor_why;
    }
    if (target <= cur) return cur_id;
    const TierLevel& to = p.tiers.levels[static_cast<std::size_t>(target)];
    if (why.empty())
        why = cur < 0
                  ? "joined at " + to.name
                  : fmt::format("upgrade: score {} reached {} ({})", score, to.name, to.threshold);
    set_tier(member, cur_id, to.id, why, score, sale, 0);
    return to.id;
}

// One member at a review: upgrade if the score allows; otherwise mark at risk, and after the
// grace period step down (one level, or to what the score supports), never below a floor.
// Returns +1 upgraded, -1 downgraded, 2 newly at risk, 0 nothing.
int Database::Impl::review_member(std::int64_t member, std::int64_t at) {
    const Program& p = program;
    // A household's tier is its head's account: its other members are not reviewed apart.
    if (account_of(member) != member) return 0;
    auto q = c.query("SELECT tier, tier_since, tier_at_risk_since FROM members WHERE id=?", member);
    if (!q.next()) return 0;
    const std::string cur_id = q.text(0);
    const std::int64_t since = q.i64(1), risk = q.i64(2);
    const int cur = p.level_index(cur_id);
    const std::int64_t score = score_of(member, p);
    const int by_score = level_for_score(p.tiers, score);
    const int fl = floor_index(p, cur, active_plan(member, p), member);
    const int target = std::max(by_score, fl);
    if (target > cur) {
        maybe_upgrade(member, 0);
        return 1;
    }
    if (target == cur) {
        if (risk != 0) c.query("UPDATE members SET tier_at_risk_since=0 WHERE id=?", member).run();
        return 0;
    }
    // Below the current level.
    std::int64_t risk_since = risk;
    int result = 0;
    if (risk_since == 0) {
        risk_since = at;
        c.query("UPDATE members SET tier_at_risk_since=? WHERE id=?", at, member).run();
        result = 2;
    }
    if (at < risk_since + p.tiers.grace_days * kDayMs) return result;
    if (since >= at) return result;  // already moved at this review: idempotent
    int to = p.tiers.downgrade == DowngradePolicy::OneStep ? cur - 1 : target;
    to = std::max({to, target, fl, 0});
    if (to >= cur) return result;
    const TierLevel& from = p.tiers.levels[static_cast<std::size_t>(cur)];
    const TierLevel& lv = p.tiers.levels[static_cast<std::size_t>(to)];
    std::string why =
        fmt::format("review: score {} is below {} ({}){}", score, from.name, from.threshold,
                    p.tiers.grace_days > 0
                        ? fmt::format(", {} days after falling below", (at - risk_since) / kDayMs)
                        : "");
    // Still below the new level too (one step at a time): at risk again from now.
    set_tier(member, cur_id, lv.id, why, score, 0, to > target ? at : 0);
    return -1;
}

TierStatus Database::Impl::tier_status(std::int64_t member) {
    TierStatus s;
    const Program& p = active_program();
    auto q = c.query("SELECT tier, tier_since, tier_at_risk_since FROM members WHERE id=?", member);
    if (!q.next()) throw Error(Status::NotFound, "no member with id " + std::to_string(member));
    s.tier = q.text(0);
    s.since = q.i64(1);
    s.at_risk_since = q.i64(2);
    ActivePlan plan = active_plan(member, p);
    s.plan = plan.id;
    s.plan_ends_at = plan.ends_at;
    Benefits b = benefits_of(p, s.tier, plan.id);
    s.multiplier = rate_to_string(b.multiplier);
    s.discount = rate_to_string(b.discount);
    s.free_delivery = b.free_delivery;
    const int cur = p.level_index(s.tier);
    if (p.tiers.enabled()) {
        s.score = score_of(member, p);
        if (cur >= 0) {
            const TierLevel& l = p.tiers.levels[static_cast<std::size_t>(cur)];
            s.tier_name = l.name;
            s.benefits = l.benefits;
        }
        if (cur + 1 < static_cast<int>(p.tiers.levels.size())) {
            const TierLevel& n = p.tiers.levels[static_cast<std::size_t>(cur + 1)];
            s.next_tier = n.id;
            s.next_tier_name = n.name;
            s.next_threshold = n.threshold;
            s.missing = std::max<std::int64_t>(0, n.threshold - s.score);
        }
        s.progress = progress_text(p, cur, s.score, exponent(p.currency));
        int fl = floor_index(p, cur, plan, member);
        if (fl >= 0) s.floor_tier = p.tiers.levels[static_cast<std::size_t>(fl)].id;
    }
    const Assignment a = assignment(member);
    s.assigned_tier = a.tier;
    s.assigned_until = a.until;
    if (const Plan* pl = p.plan(plan.id); pl && !plan.id.empty())
        s.benefits.insert(s.benefits.end(), pl->benefits.begin(), pl->benefits.end());
    auto e = c.query(
        "SELECT t.from_tier, t.to_tier, t.reason, t.score, COALESCE(t.sale_id, 0), t.created_at, "
        "o.name, COALESCE(t.origin_seq, t.id) FROM tier_events t JOIN origins o ON o.id = "
        "t.origin WHERE t.member_id=? ORDER BY t.id DESC LIMIT 50",
        member);
    while (e.next())
        s.events.push_back({e.text(0), e.text(1), e.text(2), e.i64(3), e.i64(4), e.i64(5),
                            uid(e.text(6), 'T', e.i64(7))});
    return s;
}

// A plan bought on a sale line: it starts now, or when the member's current period of the
// same plan ends (renewal), and lasts one period per 1.000 of quantity.
void Database::Impl::subscribe(std::int64_t member, const Plan& plan, std::int64_t sale,
                               std::size_t line_no, const BasketLine& l) {
    std::int64_t start = now();
    auto q = c.query(
        "SELECT MAX(ends_at) FROM subscriptions WHERE member_id=? AND plan_id=? AND "
        "cancelled_at=0 "
        "AND ends_at > ?",
        member, plan.id, start);
    if (q.next() && !q.is_null(0)) start = q.i64(0);
    int months = static_cast<int>(l.quantity_milli / 1000) * (plan.period == Period::Year ? 12 : 1);
    std::int64_t end = add_months(start, months, program.utc_offset_minutes);
    c.query(
         "INSERT INTO subscriptions(origin, member_id, plan_id, sale_id, line_no, fee, "
         "starts_at, "
         "ends_at, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
         origin_id, member, plan.id, sale, static_cast<std::int64_t>(line_no), l.amount(), start,
         end, now())
        .run();
}

TierStatus Database::tier_status(std::int64_t member_id) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    auto& d = *impl_;
    d.load_member(member_id);  // NotFound first
    // A household's tier is its points account's (its head's).
    return d.tier_status(d.account_of(d.owner_of(member_id)));
}

void Database::assign_tier(std::int64_t member_id, const std::string& tier, std::int64_t until_ms,
                           const std::string& reason, const std::string& operator_id,
                           const std::string& key) {
    check_key(key);
    text::check_field("tier", tier, kMaxShort);
    text::check_field("reason", reason, kMaxShort);
    text::check_field("operator", operator_id, kMaxShort);
    if (reason.empty()) throw Error(Status::InvalidArgument, "a tier assignment needs a reason");
    if (until_ms < 0) throw Error(Status::InvalidArgument, "the end of an assignment is negative");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("member", member_id, "tier", tier, "until", until_ms,
                                      "reason", reason, "operator", operator_id);
    d.idempotent(key, "tier_assign", req, [&] {
        const Program& p = d.active_program();
        if (!p.tiers.enabled()) throw Error(Status::InvalidState, "the programme has no tiers");
        if (!tier.empty() && p.level_index(tier) < 0)
            throw Error(Status::NotFound, "the programme has no tier '" + tier + "'");
        const std::int64_t t = d.now();
        if (until_ms != 0 && until_ms <= t)
            throw Error(Status::InvalidArgument, "the assignment would end before it starts");
        const std::int64_t member = d.owner_of(member_id);
        d.require_active(member);
        if (tier.empty() && d.assignment(member).tier.empty())
            throw Error(Status::NotFound, "member " + std::to_string(member_id) +
                                              " has no assigned tier to withdraw");
        d.c.query(
               "INSERT INTO tier_assignments(origin, member_id, tier, until, reason, operator, "
               "created_at) VALUES (?,?,?,?,?,?,?)",
               d.origin_id, member, tier, until_ms, reason, NullIfEmpty{operator_id}, t)
            .run();
        const std::int64_t row = d.c.last_id();
        d.maybe_upgrade(member, 0);
        return std::pair<std::int64_t, std::int64_t>(row, 0);
    });
}

void Database::cancel_plan(std::int64_t member_id, const std::string& key) {
    check_key(key);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("member", member_id);
    d.idempotent(key, "cancel_plan", req, [&] {
        const Program& p = d.active_program();
        std::int64_t member = d.owner_of(member_id);
        if (d.active_plan(member, p).id.empty())
            throw Error(Status::NotFound,
                        "member " + std::to_string(member_id) + " has no active plan");
        const std::int64_t t = d.now();
        d.c.query(
               "UPDATE subscriptions SET cancelled_at=? WHERE member_id=? AND cancelled_at=0 AND "
               "ends_at > ?",
               t, member, t)
            .run();
        return std::pair<std::int64_t, std::int64_t>(member, 0);
    });
}

}  // namespace loyalty
