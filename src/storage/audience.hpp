// Segments evaluated on the database (shared by reports, campaigns and the C++ API).
#ifndef LOYALTY_SRC_STORAGE_AUDIENCE_HPP
#define LOYALTY_SRC_STORAGE_AUDIENCE_HPP

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "segments.hpp"
#include "storage/access.hpp"

namespace loyalty::audience {

// Every active member's facts and RFM scores at `at_ms`.
struct Population {
    std::vector<segments::Facts> facts;
    std::vector<segments::Rfm> rfm;
    std::int64_t today = 0;
    // The texts the facts' views point into (tiers, branches, plans, tags), each kept once, and
    // the members' tags, each member's a range of `tags` in member order.
    std::set<std::string, std::less<>> names;
    std::vector<std::string_view> tags;
    std::string_view name(std::string_view text) {
        auto it = names.find(text);
        if (it == names.end()) it = names.emplace(text).first;
        return *it;
    }
    Population() = default;
    Population(Population&&) = default;      // the names' nodes move with the set
    Population(const Population&) = delete;  // a copy's views would name the original's
    Population& operator=(const Population&) = delete;
};
Population load(storage::Session& s, std::int64_t at_ms);

// Indexes into `pop.facts` of the members of a segment ("rfm:<group>" or a custom id).
// Throws NotFound for an unknown segment.
std::vector<std::size_t> members_of(storage::Session& s, const Population& pop,
                                    const std::string& segment_id, std::int64_t at_ms);

// id, name, kind, members: the seven RFM groups, then the custom segments.
Table summary(storage::Session& s, std::int64_t at_ms);

}  // namespace loyalty::audience

#endif
