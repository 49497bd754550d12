// Canonical texts for idempotency records and stored rule explanations.
//
// Each field is written as <name>=<length>:<bytes>; so no value can be mistaken for another and
// equal requests give equal texts. Only std::string is used: unlike a JSON document tree,
// nothing here allocates while being destroyed, so an allocation failure is always a clean
// exception (tested by the fault campaign).
#ifndef LOYALTY_SRC_STORAGE_CANONICAL_HPP
#define LOYALTY_SRC_STORAGE_CANONICAL_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "loyalty/checkout.hpp"

namespace loyalty::storage {

inline void put_field(std::string& out, std::string_view name, std::string_view value) {
    out.append(name);
    out.push_back('=');
    out.append(std::to_string(value.size()));
    out.push_back(':');
    out.append(value);
    out.push_back(';');
}
inline void put_field(std::string& out, std::string_view name, std::int64_t value) {
    put_field(out, name, std::string_view(std::to_string(value)));
}
inline void put_field(std::string& out, std::string_view name, const std::string& value) {
    put_field(out, name, std::string_view(value));
}
inline void put_field(std::string& out, std::string_view name, const char* value) {
    put_field(out, name, std::string_view(value));
}

inline void put_fields(std::string&) {}
template <typename V, typename... Rest>
void put_fields(std::string& out, std::string_view name, const V& value, const Rest&... rest) {
    put_field(out, name, value);
    put_fields(out, rest...);
}

// canonical("member", 12, "action", "review") == "member=2:12;action=6:review;"
template <typename... Fields>
std::string canonical(const Fields&... fields) {
    std::string out;
    put_fields(out, fields...);
    return out;
}

// Rule explanations as stored with a sale: id, points, text per rule.
inline std::string encode_rules(const std::vector<RuleResult>& rules) {
    std::string out;
    for (const auto& r : rules)
        put_fields(out, "id", r.rule_id, "points", r.points, "text", r.explanation);
    return out;
}

inline std::vector<RuleResult> decode_rules(std::string_view s) {
    std::vector<RuleResult> out;
    std::vector<std::string> values;
    while (!s.empty()) {
        auto eq = s.find('=');
        auto colon = s.find(':', eq);
        if (eq == std::string_view::npos || colon == std::string_view::npos) break;
        std::size_t len = std::stoul(std::string(s.substr(eq + 1, colon - eq - 1)));
        if (colon + 1 + len >= s.size() + 1) break;
        values.emplace_back(s.substr(colon + 1, len));
        s.remove_prefix(colon + 1 + len + 1);
        if (values.size() == 3) {
            out.push_back({values[0], std::stoll(values[1]), values[2]});
            values.clear();
        }
    }
    return out;
}

}  // namespace loyalty::storage

#endif
