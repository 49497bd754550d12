// Strict JSON: JSON allows a name twice in one object and nlohmann keeps the last silently; a
// strict parse refuses it, naming the name and where it is ("points":1,"points":5 in spend[0]).
#ifndef LOYALTY_SRC_JSON_STRICT_HPP
#define LOYALTY_SRC_JSON_STRICT_HPP

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace loyalty::json_strict {

// A name given twice: `where` is the object's path ("spend[0]", "messages.triggers[0].text", ""
// at the top), `key` the name.
struct DuplicateName {
    std::string where, key;
};

// Parses `text`; throws nlohmann::json::exception when it is not JSON and DuplicateName when an
// object gives a name twice.
nlohmann::json parse(std::string_view text);

}  // namespace loyalty::json_strict

#endif
