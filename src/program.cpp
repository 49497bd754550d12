// The programme's model: look-ups by id, schedules, selectors, display names and periods. Reading
// a programme's JSON is src/program_read.cpp, writing it src/program_write.cpp.
#include "loyalty/program.hpp"

#include <algorithm>

#include "calendar.hpp"
#include "program_text.hpp"

namespace loyalty {

using program_text::find_by_id;

bool Selector::matches(std::string_view sku, std::string_view category) const {
    auto in = [](const std::vector<std::string>& v, std::string_view s) {
        return std::find(v.begin(), v.end(), s) != v.end();
    };
    if (in(exclude_skus, sku) || in(exclude_categories, category)) return false;
    if (skus.empty() && categories.empty()) return true;
    return in(skus, sku) || in(categories, category);
}

bool Where::allows(std::string_view branch, std::string_view terminal) const {
    auto in = [](const std::vector<std::string>& v, std::string_view s) {
        return v.empty() || std::find(v.begin(), v.end(), s) != v.end();
    };
    return in(branches, branch) && in(terminals, terminal);
}

bool Schedule::active_at(std::int64_t now_ms, int offset) const {
    if (from_ms != 0 && now_ms < from_ms) return false;
    if (to_ms != 0 && now_ms >= to_ms) return false;
    std::int64_t day = cal::local_day(now_ms, offset);
    if (!(weekdays & (1u << cal::weekday(day)))) return false;
    std::int64_t minute = (now_ms - cal::local_midnight(day, offset)) / 60000;
    return minute >= start_minute && minute < end_minute;
}

const TierLevel* Program::level(std::string_view id) const {
    int i = level_index(id);
    return i < 0 ? nullptr : &tiers.levels[static_cast<std::size_t>(i)];
}

int Program::level_index(std::string_view id) const {
    for (std::size_t i = 0; i < tiers.levels.size(); ++i)
        if (tiers.levels[i].id == id) return static_cast<int>(i);
    return -1;
}

const Plan* Program::plan(std::string_view id) const {
    for (const auto& pl : plans)
        if (pl.id == id) return &pl;
    return nullptr;
}

const Campaign* Program::campaign(std::string_view id) const {
    return find_by_id(campaigns, id);
}
const Reward* Program::reward(std::string_view id) const {
    return find_by_id(rewards, id);
}
const Draw* Program::draw(std::string_view id) const {
    return find_by_id(draws, id);
}

const SegmentRule* Program::segment(std::string_view id) const {
    return find_by_id(segments, id);
}

const MessageCampaign* Messaging::campaign(std::string_view id) const {
    return find_by_id(campaigns, id);
}

const MessageTrigger* Messaging::trigger(std::string_view name) const {
    for (const auto& t : triggers)
        if (t.trigger == name) return &t;
    return nullptr;
}

const std::string& display_name(const DisplayNames& names, const std::string& language,
                                const std::string& fallback) {
    const std::string primary = language.substr(0, language.find('-'));
    for (const auto& [lang, name] : names)
        if (lang == language) return name;
    for (const auto& [lang, name] : names)
        if (lang == primary) return name;
    return fallback;
}

const char* period_name(Period p) noexcept {
    switch (p) {
        case Period::Day:
            return "day";
        case Period::Week:
            return "week";
        case Period::Month:
            return "month";
        case Period::Year:
            return "year";
    }
    return "day";
}

Period parse_period(std::string_view t) {
    if (t == "day") return Period::Day;
    if (t == "week") return Period::Week;
    if (t == "month") return Period::Month;
    if (t == "year") return Period::Year;
    throw Error(Status::InvalidProgram,
                "period must be day, week, month or year, not '" + std::string(t) + "'");
}
}  // namespace loyalty
