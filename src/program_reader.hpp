// The strict reader of a programme's JSON and the parsers of its fields, shared by the files
// that read the programme's sections (src/program_read.cpp and the ones it calls).
#ifndef LOYALTY_SRC_PROGRAM_READER_HPP
#define LOYALTY_SRC_PROGRAM_READER_HPP

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "calendar.hpp"
#include "loyalty/program.hpp"
#include "program_text.hpp"

namespace loyalty::program_reader {

using nlohmann::json;
using program_text::kWeekdays;

// Reads one JSON object strictly: every key must be consumed, so a typo is an error.
class Reader {
  public:
    Reader(const json& j, std::string path) : j_(j), path_(std::move(path)) {
        if (!j_.is_object()) fail("must be an object");
    }
    ~Reader() = default;

    [[noreturn]] void fail(const std::string& why) const {
        throw Error(Status::InvalidProgram, "programme: " + path_ + " " + why);
    }
    bool has(const char* k) {
        used_.insert(k);
        return j_.contains(k);
    }
    const json& raw(const char* k) {
        used_.insert(k);
        return j_.at(k);
    }
    std::string str(const char* k, const std::string& def, std::size_t max = 200) {
        if (!has(k)) return def;
        const json& v = j_.at(k);
        if (!v.is_string()) field_fail(k, "must be a string");
        std::string s = v.get<std::string>();
        if (s.size() > max) field_fail(k, "is too long");
        return s;
    }
    std::int64_t integer(const char* k, std::int64_t def, std::int64_t lo, std::int64_t hi) {
        if (!has(k)) {
            // A field whose default is not a valid value must be given.
            if (def < lo || def > hi) field_fail(k, "is required");
            return def;
        }
        const json& v = j_.at(k);
        if (!v.is_number_integer()) field_fail(k, "must be a whole number");
        std::int64_t x;
        if (v.is_number_unsigned()) {
            auto u = v.get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(hi)) field_fail(k, "is too large");
            x = static_cast<std::int64_t>(u);
        } else {
            x = v.get<std::int64_t>();
        }
        if (x < lo || x > hi)
            field_fail(k, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
        return x;
    }
    bool boolean(const char* k, bool def) {
        if (!has(k)) return def;
        const json& v = j_.at(k);
        if (!v.is_boolean()) field_fail(k, "must be true or false");
        return v.get<bool>();
    }
    Ratio rate(const char* k, Ratio def) {
        if (!has(k)) return def;
        const json& v = j_.at(k);
        if (!v.is_string()) field_fail(k, "must be a decimal string such as \"1.5\"");
        try {
            return parse_rate(v.get<std::string>());
        } catch (const Error& e) {
            field_fail(k, e.what());
        }
    }
    std::vector<std::string> strings(const char* k) {
        std::vector<std::string> out;
        if (!has(k)) return out;
        const json& v = j_.at(k);
        if (!v.is_array()) field_fail(k, "must be an array of strings");
        for (const auto& e : v) {
            if (!e.is_string()) field_fail(k, "must be an array of strings");
            out.push_back(e.get<std::string>());
        }
        return out;
    }
    Where where() {
        Where w;
        w.branches = strings("branches");
        w.terminals = strings("terminals");
        return w;
    }
    Selector selector() {
        Selector s;
        s.skus = strings("skus");
        s.categories = strings("categories");
        s.exclude_skus = strings("exclude_skus");
        s.exclude_categories = strings("exclude_categories");
        return s;
    }
    void done() const {
        for (auto it = j_.begin(); it != j_.end(); ++it)
            if (!used_.count(it.key())) fail("has an unknown field '" + it.key() + "'");
    }
    [[noreturn]] void field_fail(const char* k, const std::string& why) const {
        fail("field '" + std::string(k) + "' " + why);
    }
    const std::string& path() const { return path_; }

  private:
    const json& j_;
    std::string path_;
    std::set<std::string> used_;
};

inline std::int64_t parse_date(Reader& r, const char* k, int offset, bool end_of_day) {
    std::string s = r.str(k, "");
    if (s.empty()) return 0;
    int y = 0;
    unsigned m = 0, d = 0;
    char tail = 0;
    if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3 ||
        m < 1 || m > 12 || d < 1 || d > cal::days_in_month(y, m))
        r.field_fail(k, "must be a date YYYY-MM-DD");
    std::int64_t day = cal::days_from_civil(y, m, d) + (end_of_day ? 1 : 0);
    return cal::local_midnight(day, offset);
}

inline int parse_minute(Reader& r, const char* k, int def) {
    std::string s = r.str(k, "");
    if (s.empty()) return def;
    unsigned h = 0, m = 0;
    char tail = 0;
    if (s.size() != 5 || std::sscanf(s.c_str(), "%2u:%2u%c", &h, &m, &tail) != 2 || m > 59 ||
        h > 24 || (h == 24 && m != 0))
        r.field_fail(k, "must be a time HH:MM (00:00 to 24:00)");
    return static_cast<int>(h * 60 + m);
}

inline int parse_weekday(Reader& r, const std::string& s);

inline Schedule parse_schedule(Reader& r, int offset) {
    Schedule s;
    s.from_ms = parse_date(r, "from", offset, false);
    s.to_ms = parse_date(r, "to", offset, true);
    if (s.from_ms && s.to_ms && s.to_ms <= s.from_ms) r.fail("ends before it starts");
    auto days = r.strings("weekdays");
    if (!days.empty()) {
        s.weekdays = 0;
        for (const auto& d : days)
            s.weekdays |= 1u << parse_weekday(r, d);
    }
    s.start_minute = parse_minute(r, "start", 0);
    s.end_minute = parse_minute(r, "end", 24 * 60);
    if (s.end_minute <= s.start_minute) r.fail("'end' must be after 'start'");
    return s;
}

inline int parse_weekday(Reader& r, const std::string& s) {
    for (int i = 0; i < 7; ++i)
        if (s == kWeekdays[i]) return i;
    r.fail("weekday must be one of mon tue wed thu fri sat sun, not '" + s + "'");
}

template <typename F>
void each(Reader& top, const char* key, F f) {
    if (!top.has(key)) return;
    const json& arr = top.raw(key);
    if (!arr.is_array()) top.field_fail(key, "must be an array");
    std::size_t i = 0;
    for (const auto& e : arr) {
        Reader r(e, std::string(key) + "[" + std::to_string(i++) + "]");
        f(r);
        r.done();
    }
}

inline constexpr std::int64_t kMaxPoints = 1000000000000LL;  // 10^12: far above any sane rule
inline constexpr std::int64_t kMaxAmount = 4000000000000000000LL;

inline void check_ids(const std::vector<std::string>& ids, const char* what) {
    std::set<std::string> seen;
    for (const auto& id : ids) {
        if (id.empty())
            throw Error(Status::InvalidProgram,
                        std::string("programme: every ") + what + " needs a non-empty id");
        if (!seen.insert(id).second)
            throw Error(Status::InvalidProgram,
                        std::string("programme: ") + what + " id '" + id + "' is used twice");
    }
}

// "names": {"fa": "...", "en": "..."}: language codes to display names (at most 200 bytes).
inline DisplayNames read_names(Reader& r) {
    DisplayNames out;
    if (!r.has("names")) return out;
    const json& t = r.raw("names");
    if (!t.is_object()) r.field_fail("names", "must be an object of language: name");
    for (auto it = t.begin(); it != t.end(); ++it) {
        if (!it.value().is_string() || it.key().empty() || it.key().size() > 16 ||
            it.value().get<std::string>().empty() || it.value().get<std::string>().size() > 200)
            r.field_fail("names", "must map language codes to names of 1 to 200 bytes");
        out.emplace_back(it.key(), it.value().get<std::string>());
    }
    return out;
}

// The sections read in their own files: RFM, segments and messages (program_read_audience.cpp),
// and the checks that every name a rule gives is defined and no id is used twice
// (program_read_checks.cpp).
void read_audience(Reader& top, Program& p);
void check_references(const Program& p);
void check_unique_ids(const Program& p);

}  // namespace loyalty::program_reader

#endif
