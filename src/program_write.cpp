// Writing a programme: the model back to its canonical JSON (what programme export gives and what
// a programme version stores).
#include "loyalty/program.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <set>

#include "calendar.hpp"
#include "json_strict.hpp"
#include "messages.hpp"
#include "phrases.hpp"
#include "program_text.hpp"
#include "segments.hpp"
#include "text.hpp"

namespace loyalty {

using nlohmann::json;
using program_text::kWeekdays;
using segments::is_rfm_group;

namespace {

std::string format_date(std::int64_t ms, int offset, bool end_of_day) {
    std::int64_t day = cal::local_day(ms, offset) - (end_of_day ? 1 : 0);
    cal::Date d = cal::civil_from_days(day);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", d.year, d.month, d.day);
    return buf;
}

std::string format_minute(int minute) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
    return buf;
}

json names_json(const DisplayNames& names) {
    json o = json::object();
    for (const auto& [lang, name] : names)
        o[lang] = name;
    return o;
}

void put_names(json& o, const DisplayNames& names) {
    if (!names.empty()) o["names"] = names_json(names);
}

void put_schedule(json& o, const Schedule& s, int offset) {
    if (s.from_ms) o["from"] = format_date(s.from_ms, offset, false);
    if (s.to_ms) o["to"] = format_date(s.to_ms, offset, true);
    if (s.weekdays != 0x7F) {
        json days = json::array();
        for (int i = 0; i < 7; ++i)
            if (s.weekdays & (1u << i)) days.push_back(kWeekdays[i]);
        o["weekdays"] = days;
    }
    o["start"] = format_minute(s.start_minute);
    o["end"] = format_minute(s.end_minute);
}

void put_where(json& o, const Where& w) {
    if (!w.branches.empty()) o["branches"] = w.branches;
    if (!w.terminals.empty()) o["terminals"] = w.terminals;
}

void put_selector(json& o, const Selector& s) {
    if (!s.skus.empty()) o["skus"] = s.skus;
    if (!s.categories.empty()) o["categories"] = s.categories;
    if (!s.exclude_skus.empty()) o["exclude_skus"] = s.exclude_skus;
    if (!s.exclude_categories.empty()) o["exclude_categories"] = s.exclude_categories;
}

}  // namespace

std::string program_to_json(const Program& p) {
    json j = json::object();
    j["name"] = p.name;
    if (!p.names.empty()) j["names"] = names_json(p.names);
    if (!p.phrases.empty()) j["phrases"] = p.phrases;
    if (!p.branches.empty()) {
        json bs = json::array();
        for (const auto& b : p.branches) {
            json o = {{"id", b.id}};
            if (!b.names.empty()) o["names"] = names_json(b.names);
            bs.push_back(o);
        }
        j["branches"] = bs;
    }
    j["currency"] = p.currency;
    j["utc_offset_minutes"] = p.utc_offset_minutes;
    j["week_start"] = kWeekdays[p.week_start];
    j["min_basket"] = p.min_basket;
    j["visit_points"] = p.visit_points;
    if (p.first_purchase_points > 0) j["first_purchase_points"] = p.first_purchase_points;
    j["expiry_days"] = p.expiry_days;
    j["pending_days"] = p.pending_days;
    j["negative_balance"] = p.negative == NegativePolicy::Allow   ? "allow"
                            : p.negative == NegativePolicy::Clamp ? "clamp"
                                                                  : "refuse";
    json spend = json::array();
    for (const auto& s : p.spend) {
        json o = {{"id", s.id},
                  {"name", s.name},
                  {"points", s.points},
                  {"per", s.per},
                  {"rounding", rounding_name(s.rounding)},
                  {"after_discounts", s.after_discounts},
                  {"include_tax", s.include_tax},
                  {"include_service", s.include_service},
                  {"include_tips", s.include_tips}};
        put_selector(o, s.selector);
        put_where(o, s.where);
        if (s.stop) o["stop"] = true;
        put_names(o, s.names);
        spend.push_back(o);
    }
    j["spend"] = spend;
    json mult = json::array();
    for (const auto& m : p.multipliers) {
        json o = {{"id", m.id}, {"name", m.name}, {"factor", rate_to_string(m.factor)}};
        put_selector(o, m.selector);
        put_where(o, m.where);
        put_names(o, m.names);
        mult.push_back(o);
    }
    j["multipliers"] = mult;
    json items = json::array();
    for (const auto& it : p.items) {
        json o = {{"id", it.id}, {"name", it.name}, {"points", it.points}};
        put_selector(o, it.selector);
        put_where(o, it.where);
        put_names(o, it.names);
        items.push_back(o);
    }
    j["items"] = items;
    json promos = json::array();
    for (const auto& pr : p.promotions) {
        json o = {{"id", pr.id}, {"name", pr.name}, {"factor", rate_to_string(pr.factor)}};
        put_schedule(o, pr.schedule, p.utc_offset_minutes);
        put_selector(o, pr.selector);
        put_where(o, pr.where);
        put_names(o, pr.names);
        promos.push_back(o);
    }
    j["promotions"] = promos;
    json events = json::array();
    for (const auto& e : p.events)
        events.push_back({{"action", e.action},
                          {"name", e.name},
                          {"points", e.points},
                          {"cap", e.cap},
                          {"per", period_name(e.period)}});
    j["events"] = events;
    json ch = json::array();
    for (const auto& c : p.challenges) {
        json o = {{"id", c.id},
                  {"name", c.name},
                  {"purchases", c.purchases},
                  {"window", period_name(c.window)},
                  {"bonus", c.bonus},
                  {"min_spend", c.min_spend}};
        put_names(o, c.names);
        ch.push_back(o);
    }
    j["challenges"] = ch;
    if (!p.stamp_cards.empty()) {
        json cards = json::array();
        for (const auto& sc : p.stamp_cards) {
            json o = {{"id", sc.id},
                      {"name", sc.name},
                      {"stamps", sc.stamps},
                      {"per", sc.per_purchase ? "purchase" : "item"},
                      {"campaign", sc.campaign}};
            put_selector(o, sc.selector);
            put_names(o, sc.names);
            cards.push_back(o);
        }
        j["stamp_cards"] = cards;
    }
    j["birthday"] = {{"points", p.birthday.points},
                     {"when", p.birthday.whole_month ? "month" : "day"}};
    if (p.gift_cards.max_balance > 0) j["gift_cards"] = {{"max_balance", p.gift_cards.max_balance}};
    if (p.transfers.enabled)
        j["transfers"] = {{"min_points", p.transfers.min_points},
                          {"daily_max", p.transfers.daily_max}};
    if (p.claims.enabled) j["claims"] = {{"window_days", p.claims.window_days}};
    if (p.adjustments.approval_above > 0 || p.adjustments.operator_daily_points > 0)
        j["adjustments"] = {{"approval_above", p.adjustments.approval_above},
                            {"operator_daily_points", p.adjustments.operator_daily_points}};
    if (p.earn_cap.points > 0)
        j["earn_cap"] = {{"points", p.earn_cap.points}, {"per", period_name(p.earn_cap.period)}};
    if (p.tiers.enabled()) {
        const TierProgram& t = p.tiers;
        json score = json::array();
        for (const auto& s : t.score) {
            json o = {{"metric", s.metric == ScoreTerm::Metric::Points  ? "points"
                                 : s.metric == ScoreTerm::Metric::Spend ? "spend"
                                                                        : "purchases"},
                      {"weight", rate_to_string(s.weight)}};
            if (!s.source.empty()) o["source"] = s.source;
            score.push_back(o);
        }
        json levels = json::array();
        for (const auto& l : t.levels) {
            json o = {{"id", l.id},
                      {"name", l.name},
                      {"threshold", l.threshold},
                      {"multiplier", rate_to_string(l.multiplier)},
                      {"discount", rate_to_string(l.discount)},
                      {"free_delivery", l.free_delivery},
                      {"permanent", l.permanent},
                      {"benefits", l.benefits}};
            put_selector(o, l.discount_selector);
            if (!l.names.empty()) o["names"] = names_json(l.names);
            levels.push_back(o);
        }
        j["tiers"] = {
            {"window", t.window == TierWindow::Lifetime       ? "lifetime"
                       : t.window == TierWindow::Rolling      ? "rolling"
                       : t.window == TierWindow::CalendarYear ? "calendar_year"
                                                              : "jalali_year"},
            {"window_days", t.window_days},
            {"grace_days", t.grace_days},
            {"downgrade", t.downgrade == DowngradePolicy::OneStep ? "one_step" : "to_score"},
            {"score", score},
            {"levels", levels}};
    }
    json plans = json::array();
    for (const auto& pl : p.plans) {
        json o = {{"id", pl.id},
                  {"name", pl.name},
                  {"fee", pl.fee},
                  {"period", period_name(pl.period)},
                  {"multiplier", rate_to_string(pl.multiplier)},
                  {"discount", rate_to_string(pl.discount)},
                  {"free_delivery", pl.free_delivery},
                  {"tier_floor", pl.tier_floor},
                  {"benefits", pl.benefits}};
        put_selector(o, pl.discount_selector);
        plans.push_back(o);
    }
    j["plans"] = plans;
    json partners = json::array();
    for (const auto& pa : p.partners)
        partners.push_back({{"id", pa.id}, {"name", pa.name}});
    j["partners"] = partners;
    json campaigns = json::array();
    for (const auto& c : p.campaigns) {
        json o = {{"id", c.id}, {"name", c.name}};
        put_names(o, c.names);
        switch (c.effect) {
            case Campaign::Effect::Percent:
                o["effect"] = "percent";
                o["percent"] = rate_to_string(c.rate);
                o["cap"] = c.cap;
                break;
            case Campaign::Effect::Amount:
                o["effect"] = "amount";
                o["amount"] = c.amount;
                break;
            case Campaign::Effect::FreeItem:
                o["effect"] = "free_item";
                o["sku"] = c.free_sku;
                break;
            case Campaign::Effect::BonusPoints:
                o["effect"] = "bonus_points";
                o["points"] = c.amount;
                break;
            case Campaign::Effect::Multiplier:
                o["effect"] = "multiplier";
                o["factor"] = rate_to_string(c.rate);
                break;
            case Campaign::Effect::Cheapest:
                o["effect"] = "cheapest";
                o["percent"] = rate_to_string(c.rate);
                break;
        }
        o["min_basket"] = c.min_basket;
        if (c.min_basket_with_tax) o["min_basket_with_tax"] = true;
        if (c.min_quantity > 0) o["min_quantity"] = c.min_quantity / 1000;
        put_selector(o, c.selector);
        if (!c.tiers.empty()) o["tiers"] = c.tiers;
        if (!c.tag.empty()) o["tag"] = c.tag;
        o["members_only"] = c.members_only;
        put_schedule(o, c.schedule, p.utc_offset_minutes);
        if (!c.branches.empty()) o["branches"] = c.branches;
        if (!c.code.empty()) o["code"] = c.code;
        o["max_uses"] = c.max_uses;
        o["max_uses_per_member"] = c.max_uses_per_member;
        if (c.per_member_in_period) o["max_uses_per_member_per"] = period_name(c.member_period);
        o["uses_per_code"] = c.uses_per_code;
        o["budget"] = c.budget;
        o["combinable"] = c.combinable;
        if (c.automatic) o["auto"] = true;
        o["priority"] = c.priority;
        o["valid_days"] = c.valid_days;
        o["issue_on_purchase_min_spend"] = c.issue_min_spend;
        if (!c.partner.empty()) {
            o["partner"] = c.partner;
            o["partner_share"] = rate_to_string(c.partner_share);
        }
        campaigns.push_back(o);
    }
    j["campaigns"] = campaigns;
    json rewards = json::array();
    for (const auto& w : p.rewards) {
        static constexpr const char* kTypes[] = {"product", "coupon", "wallet", "donation"};
        rewards.push_back({{"id", w.id},
                           {"name", w.name},
                           {"type", kTypes[static_cast<int>(w.type)]},
                           {"points", w.points},
                           {"sku", w.sku},
                           {"campaign", w.campaign},
                           {"amount", w.amount},
                           {"cause", w.cause},
                           {"stock", w.stock},
                           {"per_member", w.per_member}});
    }
    j["rewards"] = rewards;
    if (p.cashback.enabled()) {
        json o = {{"percent", rate_to_string(p.cashback.rate)},
                  {"pending_days", p.cashback.pending_days}};
        put_selector(o, p.cashback.selector);
        j["cashback"] = o;
    }
    if (p.referral.enabled())
        j["referral"] = {{"on", p.referral.every_purchase ? "every_purchase" : "first_purchase"},
                         {"min_spend", p.referral.min_spend},
                         {"referrer_points", p.referral.referrer_points},
                         {"referee_points", p.referral.referee_points},
                         {"referrer_campaign", p.referral.referrer_campaign},
                         {"referee_campaign", p.referral.referee_campaign}};
    json draws = json::array();
    for (const auto& d : p.draws)
        draws.push_back({{"id", d.id},
                         {"name", d.name},
                         {"from", format_date(d.from_ms, p.utc_offset_minutes, false)},
                         {"to", format_date(d.to_ms, p.utc_offset_minutes, true)},
                         {"per_purchase", d.per_purchase},
                         {"per_amount", d.per_amount},
                         {"points_per_entry", d.points_per_entry}});
    j["draws"] = draws;
    j["language"] = p.language;
    {
        json r = {{"window_days", p.rfm.window_days}};
        if (!p.rfm.recency_days.empty()) r["recency_days"] = p.rfm.recency_days;
        if (!p.rfm.frequency.empty()) r["frequency"] = p.rfm.frequency;
        if (!p.rfm.monetary.empty()) r["monetary"] = p.rfm.monetary;
        j["rfm"] = r;
    }
    json segs = json::array();
    for (const auto& g : p.segments)
        segs.push_back({{"id", g.id},
                        {"name", g.name},
                        {"tiers", g.tiers},
                        {"tags", g.tags},
                        {"branches", g.branches},
                        {"rfm_groups", g.rfm_groups},
                        {"bought_within_days", g.bought_within_days},
                        {"not_bought_for_days", g.not_bought_for_days},
                        {"window_days", g.window_days},
                        {"min_spend", g.min_spend},
                        {"max_spend", g.max_spend},
                        {"min_visits", g.min_visits},
                        {"max_visits", g.max_visits},
                        {"birthday_within_days", g.birthday_within_days},
                        {"joined_within_days", g.joined_within_days},
                        {"consent", g.consent},
                        {"plan", g.plan}});
    j["segments"] = segs;
    {
        auto text = [](const MessageText& t) {
            json o = json::object();
            for (const auto& kv : t.by_language)
                o[kv.first] = kv.second;
            return o;
        };
        const Messaging& m = p.messages;
        json o = {{"cap_count", m.cap_count}, {"cap_days", m.cap_days}, {"amounts", m.amounts}};
        if (m.quiet_start >= 0) {
            o["quiet_start"] = format_minute(m.quiet_start);
            o["quiet_end"] = format_minute(m.quiet_end);
        }
        json trig = json::array();
        for (const auto& t : m.triggers)
            trig.push_back({{"trigger", t.trigger},
                            {"channel", t.channel},
                            {"days", t.days},
                            {"text", text(t.text)}});
        o["triggers"] = trig;
        json camps = json::array();
        for (const auto& c : m.campaigns)
            camps.push_back({{"id", c.id},
                             {"name", c.name},
                             {"segment", c.segment},
                             {"channel", c.channel},
                             {"holdout_percent", c.holdout_percent},
                             {"measure_days", c.measure_days},
                             {"text", text(c.text)}});
        o["campaigns"] = camps;
        j["messages"] = o;
    }
    j["redeem"] = {{"point_value", rate_to_string(p.point_value)},
                   {"min_points", p.min_redeem},
                   {"max_share", rate_to_string(p.max_share)}};
    if (p.redeem_multiple > 0) j["redeem"]["multiple_of"] = p.redeem_multiple;
    if (p.redeem_same_sale) j["redeem"]["same_sale"] = true;
    return j.dump(2);
}

}  // namespace loyalty
