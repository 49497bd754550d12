#include "lots.hpp"

#include <algorithm>

namespace loyalty::lots {

std::vector<Take> plan(std::vector<Lot> open, std::int64_t want, std::int64_t now,
                       bool spendable_only, std::int64_t prefer_entry) {
    std::vector<Take> out;
    if (want <= 0) return out;
    std::sort(open.begin(), open.end(), [](const Lot& a, const Lot& b) { return a.id < b.id; });
    std::vector<bool> taken(open.size(), false);
    auto take = [&](std::size_t i) {
        const std::int64_t points = std::min(want, open[i].remaining);
        if (points <= 0) return;
        out.push_back({open[i].id, points});
        want -= points;
        taken[i] = true;
    };
    if (prefer_entry != 0)
        for (std::size_t i = 0; i < open.size() && want > 0; ++i)
            if (open[i].entry == prefer_entry) take(i);
    std::vector<std::size_t> order(open.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return open[a].expires_at < open[b].expires_at;
    });
    for (std::size_t i : order) {
        if (want <= 0) break;
        const Lot& l = open[i];
        if (taken[i] || l.expires_at <= now) continue;
        if (spendable_only && l.available_at > now) continue;
        take(i);
    }
    return out;
}

std::int64_t total(const std::vector<Take>& plan) noexcept {
    std::int64_t s = 0;
    for (const auto& t : plan)
        s += t.points;
    return s;
}

}  // namespace loyalty::lots
