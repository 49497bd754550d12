#include "segments.hpp"

#include <algorithm>

#include "calendar.hpp"

namespace loyalty::segments {

bool is_rfm_group(std::string_view name) {
    for (const char* g : kRfmGroups)
        if (name == g) return true;
    return false;
}

namespace {

// Score by the share of members whose value is no better: ceil(5 * no_better / n), so ties
// share a score and the best value scores 5. `higher_is_better` is false for recency days.
std::vector<int> quintiles(const std::vector<std::int64_t>& v, bool higher_is_better) {
    const std::int64_t n = static_cast<std::int64_t>(v.size());
    std::vector<std::int64_t> sorted(v);
    std::sort(sorted.begin(), sorted.end());
    std::vector<int> out(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        std::int64_t no_better;
        if (higher_is_better)
            no_better = std::upper_bound(sorted.begin(), sorted.end(), v[i]) - sorted.begin();
        else
            no_better = sorted.end() - std::lower_bound(sorted.begin(), sorted.end(), v[i]);
        out[i] = static_cast<int>((5 * no_better + n - 1) / n);
    }
    return out;
}

std::vector<int> thresholds(const std::vector<std::int64_t>& v, const std::vector<std::int64_t>& t,
                            bool higher_is_better) {
    std::vector<int> out(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        int s = 1;
        if (higher_is_better) {
            for (std::size_t k = 0; k < 4; ++k)
                if (v[i] >= t[k]) s = static_cast<int>(k) + 2;
        } else {
            s = 1;
            for (std::size_t k = 4; k-- > 0;)
                if (v[i] <= t[k]) s = 5 - static_cast<int>(k);
        }
        out[i] = s;
    }
    return out;
}

std::string_view group_of(int r, int f, int m, std::int64_t visits) {
    if (r >= 4 && visits == 1) return "new";  // one purchase cannot make a champion
    if (r >= 4 && f >= 4 && m >= 4) return "champions";
    if (r >= 3 && f >= 4) return "loyal";
    if (r >= 3) return "potential";
    if (f >= 3) return "at_risk";
    if (r == 2) return "hibernating";
    return "lost";
}

template <typename Texts, typename Text>
bool contains(const Texts& v, const Text& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

std::vector<Rfm> score(const std::vector<Facts>& facts, const RfmConfig& config,
                       std::int64_t today) {
    // Scored against each other: the members who bought within the window. A member whose
    // last purchase is older scores 1 on all three (lost); one who never bought is not scored.
    std::vector<std::size_t> bought;
    std::vector<std::int64_t> recency, frequency, monetary;
    std::vector<Rfm> out(facts.size());
    for (std::size_t i = 0; i < facts.size(); ++i) {
        if (facts[i].last_purchase_day < 0) continue;
        if (facts[i].visits == 0) {
            out[i] = Rfm{1, 1, 1, "lost"};
            continue;
        }
        bought.push_back(i);
        recency.push_back(today - facts[i].last_purchase_day);
        frequency.push_back(facts[i].visits);
        monetary.push_back(facts[i].spend);
    }
    if (bought.empty()) return out;
    auto r = config.recency_days.empty() ? quintiles(recency, false)
                                         : thresholds(recency, config.recency_days, false);
    auto f = config.frequency.empty() ? quintiles(frequency, true)
                                      : thresholds(frequency, config.frequency, true);
    auto m = config.monetary.empty() ? quintiles(monetary, true)
                                     : thresholds(monetary, config.monetary, true);
    for (std::size_t k = 0; k < bought.size(); ++k) {
        Rfm& x = out[bought[k]];
        x.r = r[k];
        x.f = f[k];
        x.m = m[k];
        x.group = group_of(x.r, x.f, x.m, facts[bought[k]].visits);
    }
    return out;
}

std::int64_t days_to_birthday(int month, int day, std::int64_t today) {
    if (month < 1 || month > 12 || day < 1 || day > 31) return -1;
    const cal::Date t = cal::civil_from_days(today);
    for (int year = t.year; year <= t.year + 1; ++year) {
        unsigned d = static_cast<unsigned>(day);
        const unsigned last = cal::days_in_month(year, static_cast<unsigned>(month));
        if (d > last) d = last;
        const std::int64_t when = cal::days_from_civil(year, static_cast<unsigned>(month), d);
        if (when >= today) return when - today;
    }
    return -1;
}

bool matches(const SegmentRule& g, const Facts& f, const Rfm& rfm, std::int64_t visits,
             std::int64_t spend, std::int64_t today) {
    if (!g.tiers.empty() && !contains(g.tiers, f.tier)) return false;
    if (!g.branches.empty() && !contains(g.branches, f.branch)) return false;
    for (const auto& t : g.tags)
        if (!contains(f.tags, t)) return false;
    if (!g.rfm_groups.empty() && !contains(g.rfm_groups, rfm.group)) return false;
    if (g.bought_within_days > 0 &&
        (f.last_purchase_day < 0 || today - f.last_purchase_day > g.bought_within_days))
        return false;
    if (g.not_bought_for_days > 0 && f.last_purchase_day >= 0 &&
        today - f.last_purchase_day < g.not_bought_for_days)
        return false;
    if (g.joined_within_days > 0 && today - f.joined_day > g.joined_within_days) return false;
    if (spend < g.min_spend || (g.max_spend > 0 && spend > g.max_spend)) return false;
    if (visits < g.min_visits || (g.max_visits > 0 && visits > g.max_visits)) return false;
    if (g.birthday_within_days >= 0) {
        const std::int64_t d = days_to_birthday(f.birth_month, f.birth_day, today);
        if (d < 0 || d > g.birthday_within_days) return false;
    }
    if (g.consent == "sms" && !f.consent_sms) return false;
    if (g.consent == "email" && !f.consent_email) return false;
    if (g.consent == "push" && !f.consent_push) return false;
    if (g.plan == "any" && f.plan.empty()) return false;
    if (g.plan == "none" && !f.plan.empty()) return false;
    if (!g.plan.empty() && g.plan != "any" && g.plan != "none" && f.plan != g.plan) return false;
    return true;
}

}  // namespace loyalty::segments
