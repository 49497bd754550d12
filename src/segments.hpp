// Segments: RFM scores and groups, and custom segments as data. Pure functions of member facts,
// the programme and the day (docs/reports.md defines every rule).
#ifndef LOYALTY_SRC_SEGMENTS_HPP
#define LOYALTY_SRC_SEGMENTS_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "loyalty/program.hpp"

namespace loyalty::segments {

inline constexpr const char* kRfmGroups[] = {"champions", "loyal",       "potential", "new",
                                             "at_risk",   "hibernating", "lost"};
bool is_rfm_group(std::string_view name);
// The groups' names in Persian, in the order above, for the dashboards.
inline constexpr const char* kRfmGroupsFa[] = {
    "قهرمانان", "وفادار", "بالقوه", "تازه", "در خطر ریزش", "خواب", "ازدست‌رفته"};

// A member's tags: a range of views in an array the caller keeps (a million members' tags in one
// array, not a million arrays to allocate and free).
struct Tags {
    const std::string_view* first = nullptr;
    std::size_t count = 0;
    const std::string_view* begin() const { return first; }
    const std::string_view* end() const { return first + count; }
    bool empty() const { return count == 0; }
    std::size_t size() const { return count; }
};

// What segment rules look at, for one active member. The texts are views of names the caller
// keeps (a million members share a few tiers, branches, plans and tags).
struct Facts {
    std::int64_t id = 0;
    std::string_view tier, branch, plan;  // plan: the active plan's id, or ""
    Tags tags;
    int birth_month = 0, birth_day = 0;
    bool consent_sms = false, consent_email = false, consent_push = false;
    std::int64_t joined_day = 0;
    std::int64_t last_purchase_day = -1;  // local day; -1 = never bought
    std::int64_t visits = 0, spend = 0;   // in the RFM window (purchases, net spend)
};

struct Rfm {
    int r = 0, f = 0, m = 0;  // 1..5; 0 = not scored (never bought)
    std::string_view group;   // one of kRfmGroups; "" when not scored
};

// Scores every member of `facts` (same order) on `today` (a local day).
std::vector<Rfm> score(const std::vector<Facts>& facts, const RfmConfig& config,
                       std::int64_t today);

// Days from `today` to the member's next birthday (0 = today; -1 = unknown). A 29 February
// birthday falls on 28 February in common years.
std::int64_t days_to_birthday(int month, int day, std::int64_t today);

// Whether the member belongs to the custom segment. `visits`/`spend` are in the rule's own
// window (window_days; all time when 0).
bool matches(const SegmentRule& rule, const Facts& f, const Rfm& rfm, std::int64_t visits,
             std::int64_t spend, std::int64_t today);

}  // namespace loyalty::segments

#endif
