// The checks of a whole programme once read: every campaign, partner, tier, plan and segment a
// rule names is defined, and no id is used twice.
#include "program_reader.hpp"
#include "segments.hpp"

namespace loyalty::program_reader {

using program_text::find_by_id;
using segments::is_rfm_group;

void check_references(const Program& p) {
    auto known_campaign = [&](const std::string& id, const std::string& where) {
        if (!id.empty() && !p.campaign(id))
            throw Error(Status::InvalidProgram, "programme: " + where + " names campaign '" + id +
                                                    "', which is not defined");
    };
    for (const auto& w : p.rewards)
        known_campaign(w.campaign, "reward '" + w.id + "'");
    for (const auto& sc : p.stamp_cards)
        known_campaign(sc.campaign, "stamp card '" + sc.id + "'");
    known_campaign(p.referral.referrer_campaign, "referral");
    known_campaign(p.referral.referee_campaign, "referral");
    for (const auto& c : p.campaigns) {
        if (!c.partner.empty() && !find_by_id(p.partners, c.partner))
            throw Error(Status::InvalidProgram, "programme: campaign '" + c.id +
                                                    "' names partner '" + c.partner +
                                                    "', which is not defined");
        for (const auto& t : c.tiers)
            if (p.level_index(t) < 0)
                throw Error(Status::InvalidProgram, "programme: campaign '" + c.id +
                                                        "' names tier '" + t +
                                                        "', which is not a tier level");
    }
    {
        std::set<std::string> codes;
        for (const auto& c : p.campaigns)
            if (!c.code.empty() && !codes.insert(c.code).second)
                throw Error(Status::InvalidProgram,
                            "programme: the public code '" + c.code + "' is used by two campaigns");
    }
    for (const auto& pl : p.plans)
        if (!pl.tier_floor.empty() && p.level_index(pl.tier_floor) < 0)
            throw Error(Status::InvalidProgram, "programme: plan '" + pl.id + "' has tier_floor '" +
                                                    pl.tier_floor + "', which is not a tier level");
    for (const auto& g : p.segments) {
        for (const auto& t : g.tiers)
            if (p.level_index(t) < 0)
                throw Error(Status::InvalidProgram, "programme: segment '" + g.id +
                                                        "' names tier '" + t +
                                                        "', which is not a tier level");
        if (!g.plan.empty() && g.plan != "any" && g.plan != "none" && !p.plan(g.plan))
            throw Error(Status::InvalidProgram, "programme: segment '" + g.id + "' names plan '" +
                                                    g.plan + "', which is not defined");
    }
    for (const auto& c : p.messages.campaigns)
        if (!p.segment(c.segment) &&
            !(c.segment.rfind("rfm:", 0) == 0 && is_rfm_group(c.segment.substr(4))))
            throw Error(Status::InvalidProgram,
                        "programme: message campaign '" + c.id + "' names segment '" + c.segment +
                            "', which is neither a segment nor rfm:<group>");
}

void check_unique_ids(const Program& p) {
    auto ids_of = [](const auto& v) {
        std::vector<std::string> out;
        for (const auto& x : v)
            out.push_back(x.id);
        return out;
    };
    // The earning rules share one space of ids (a sale's explanation names them).
    std::vector<std::string> rules;
    for (auto&& part : {ids_of(p.spend), ids_of(p.multipliers), ids_of(p.items),
                        ids_of(p.promotions), ids_of(p.challenges)})
        rules.insert(rules.end(), part.begin(), part.end());
    check_ids(rules, "rule");
    std::vector<std::string> actions;
    for (const auto& e : p.events)
        actions.push_back(e.action);
    check_ids(actions, "event action");
    check_ids(ids_of(p.tiers.levels), "tier level");
    check_ids(ids_of(p.plans), "plan");
    check_ids(ids_of(p.campaigns), "campaign");
    check_ids(ids_of(p.rewards), "reward");
    check_ids(ids_of(p.partners), "partner");
    check_ids(ids_of(p.draws), "draw");
    check_ids(ids_of(p.stamp_cards), "stamp card");
    check_ids(ids_of(p.segments), "segment");
    check_ids(ids_of(p.messages.campaigns), "message campaign");
}

}  // namespace loyalty::program_reader
