#include "text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "loyalty/status.hpp"

namespace loyalty::text {

bool is_valid_utf8(std::string_view s) noexcept {
    std::size_t i = 0, n = s.size();
    while (i < n) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            if (c == 0) return false;
            ++i;
            continue;
        }
        int len;
        std::uint32_t cp;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n) return false;
        for (int k = 1; k < len; ++k) {
            auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
            return false;  // overlong
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

void check_field(std::string_view field, std::string_view value, std::size_t max_bytes) {
    if (value.size() > max_bytes)
        throw Error(Status::TooLong,
                    std::string(field) + " is longer than " + std::to_string(max_bytes) + " bytes");
    if (!is_valid_utf8(value))
        throw Error(Status::InvalidUtf8, std::string(field) + " is not valid UTF-8");
}

namespace {

struct Country {
    const char* iso;
    const char* cc;
    int nsn_min, nsn_max;
    bool trunk_zero;
};

// National significant number lengths from the ITU numbering plans.
constexpr Country kCountries[] = {
    {"IR", "98", 10, 10, true}, {"US", "1", 10, 10, false}, {"CA", "1", 10, 10, false},
    {"GB", "44", 9, 10, true},  {"DE", "49", 6, 13, true},  {"FR", "33", 9, 9, true},
    {"AE", "971", 8, 9, true},  {"TR", "90", 10, 10, true}, {"AF", "93", 9, 9, true},
    {"IQ", "964", 8, 10, true}, {"AM", "374", 8, 8, true},  {"AZ", "994", 9, 9, true},
    {"OM", "968", 8, 8, false}, {"QA", "974", 8, 8, false}, {"RU", "7", 10, 10, false},
    {"IN", "91", 10, 10, true}, {"CN", "86", 5, 12, true},  {"NL", "31", 9, 9, true},
    {"IT", "39", 6, 11, false}, {"ES", "34", 9, 9, false},  {"SE", "46", 7, 13, true},
};

const Country* find_country(std::string_view iso) {
    for (const auto& c : kCountries)
        if (iso == c.iso) return &c;
    return nullptr;
}

// Decodes the input into '+' and ASCII digits; separators are dropped. Returns false on any
// other character.
bool to_digits(std::string_view in, std::string& out, bool& plus) {
    plus = false;
    std::size_t i = 0;
    bool seen_digit = false;
    while (i < in.size()) {
        auto c = static_cast<unsigned char>(in[i]);
        if (c >= '0' && c <= '9') {
            out.push_back(static_cast<char>(c));
            seen_digit = true;
            ++i;
            continue;
        }
        if (c == '+' && !seen_digit && !plus) {
            plus = true;
            ++i;
            continue;
        }
        if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t') {
            ++i;
            continue;
        }
        // Two-byte sequences: Arabic-Indic U+0660..0669 (D9 A0..A9), Persian U+06F0..06F9
        // (DB B0..B9), no-break space U+00A0 (C2 A0).
        if (i + 1 < in.size()) {
            auto d = static_cast<unsigned char>(in[i + 1]);
            if (const int digit = eastern_digit(c, d); digit >= 0) {
                out.push_back(static_cast<char>('0' + digit));
                seen_digit = true;
                i += 2;
                continue;
            }
            if (c == 0xC2 && d == 0xA0) {
                i += 2;
                continue;
            }
        }
        // Zero-width non-joiner U+200C and left-to-right/right-to-left marks U+200E/F.
        if (i + 2 < in.size() && c == 0xE2 && static_cast<unsigned char>(in[i + 1]) == 0x80) {
            auto d = static_cast<unsigned char>(in[i + 2]);
            if (d == 0x8C || d == 0x8E || d == 0x8F) {
                i += 3;
                continue;
            }
        }
        return false;
    }
    return true;
}

bool valid_international(const std::string& digits, std::string& why) {
    if (digits.size() < 8 || digits.size() > 15) {
        why = "an international number has 8 to 15 digits";
        return false;
    }
    if (digits[0] == '0') {
        why = "a country code cannot start with 0";
        return false;
    }
    // Where the country is known, check its national length.
    for (const auto& c : kCountries) {
        std::string_view cc = c.cc;
        if (digits.compare(0, cc.size(), cc) == 0) {
            std::size_t nsn = digits.size() - cc.size();
            if (static_cast<int>(nsn) < c.nsn_min || static_cast<int>(nsn) > c.nsn_max) {
                why = std::string("a number of country +") + c.cc + " has " +
                      std::to_string(c.nsn_min) +
                      (c.nsn_min == c.nsn_max ? "" : " to " + std::to_string(c.nsn_max)) +
                      " digits after the country code";
                return false;
            }
            if (digits[cc.size()] == '0') {
                why = "the national number cannot start with 0 after the country code";
                return false;
            }
            return true;
        }
    }
    return true;
}

}  // namespace

bool known_country(std::string_view iso2) noexcept {
    return find_country(iso2) != nullptr;
}

std::string normalize_phone(std::string_view input, std::string_view default_country) {
    auto fail = [&](const std::string& why) {
        return Error(Status::InvalidPhone, "invalid phone number: " + why);
    };
    if (input.size() > 64) throw Error(Status::TooLong, "phone is longer than 64 bytes");
    if (!is_valid_utf8(input)) throw Error(Status::InvalidUtf8, "phone is not valid UTF-8");
    std::string digits;
    bool plus = false;
    if (!to_digits(input, digits, plus))
        throw fail("only digits, spaces, dashes, dots, brackets and a leading + are allowed");
    if (digits.empty()) throw fail("no digits");
    std::string intl;
    if (plus) {
        intl = digits;
    } else if (digits.size() > 2 && digits.compare(0, 2, "00") == 0) {
        intl = digits.substr(2);
    } else {
        const Country* c = find_country(default_country);
        if (!c) throw fail("unknown default country '" + std::string(default_country) + "'");
        std::string nsn = digits;
        std::string_view cc = c->cc;
        if (c->trunk_zero && !nsn.empty() && nsn[0] == '0') nsn.erase(0, 1);
        if (!c->trunk_zero && c->cc == std::string_view("1") && nsn.size() == 11 && nsn[0] == '1')
            nsn.erase(0, 1);
        int len = static_cast<int>(nsn.size());
        if (len >= c->nsn_min && len <= c->nsn_max) {
            intl = std::string(cc) + nsn;
        } else if (digits.compare(0, cc.size(), cc) == 0) {
            intl = digits;  // typed with the country code but without + or 00
        } else {
            throw fail(std::string("a national number of ") + c->iso + " has " +
                       std::to_string(c->nsn_min) +
                       (c->nsn_min == c->nsn_max ? "" : " to " + std::to_string(c->nsn_max)) +
                       " digits (after the leading 0)");
        }
    }
    std::string why;
    if (!valid_international(intl, why)) throw fail(why);
    return "+" + intl;
}

std::string phone_search_prefix(std::string_view input, std::string_view default_country) {
    std::string digits;
    bool plus = false;
    if (!is_valid_utf8(input) || !to_digits(input, digits, plus)) return {};
    if (plus) return "+" + digits;
    if (digits.size() >= 2 && digits.compare(0, 2, "00") == 0) return "+" + digits.substr(2);
    const Country* c = find_country(default_country);
    if (!c) return "+" + digits;
    if (c->trunk_zero && !digits.empty() && digits[0] == '0') digits.erase(0, 1);
    return std::string("+") + c->cc + digits;
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (auto& ch : out)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return out;
}

std::vector<std::string> parse_tags(std::string_view csv) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= csv.size()) {
        std::size_t end = csv.find(',', start);
        if (end == std::string_view::npos) end = csv.size();
        std::string_view t = csv.substr(start, end - start);
        while (!t.empty() && (t.front() == ' ' || t.front() == '\t'))
            t.remove_prefix(1);
        while (!t.empty() && (t.back() == ' ' || t.back() == '\t'))
            t.remove_suffix(1);
        if (!t.empty()) {
            check_field("tag", t, 64);
            out.emplace_back(t);
        }
        start = end + 1;
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    if (out.size() > 64) throw Error(Status::TooLong, "a member can carry at most 64 tags");
    return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) out += sep;
        out += parts[i];
    }
    return out;
}

std::uint64_t fnv1a64(std::string_view s) noexcept {
    std::uint64_t h = 0xCBF29CE484222325ULL;
    for (unsigned char ch : s) {
        h ^= ch;
        h *= 0x100000001B3ULL;
    }
    return h;
}

std::string json_string(std::string_view s, bool script_safe) {
    std::string out;
    out.reserve(s.size() + 2);
    append_json_string(out, s, script_safe);
    return out;
}

void append_json_string(std::string& out, std::string_view s, bool script_safe) {
    static const char hex[] = "0123456789abcdef";
    auto escaped = [script_safe](unsigned char ch) {
        return ch == '"' || ch == '\\' || ch < 0x20 ||
               (script_safe && (ch == '<' || ch == '>' || ch == '&'));
    };
    std::size_t i = 0;
    while (i < s.size() && !escaped(static_cast<unsigned char>(s[i])))
        ++i;
    const std::size_t at = out.size();
    out.resize(at + 1 + s.size() + 1);  // room for the usual case: nothing to escape
    char* p = &out[at];
    *p++ = '"';
    if (i > 0) std::memcpy(p, s.data(), i);  // s.data() may be null when s is empty
    if (i == s.size()) {
        p[i] = '"';
        return;
    }
    out.resize(at + 1 + i);
    for (; i < s.size(); ++i) {
        const auto ch = static_cast<unsigned char>(s[i]);
        if (!escaped(ch)) {
            out += static_cast<char>(ch);
        } else if (ch == '"' || ch == '\\') {
            out += '\\';
            out += static_cast<char>(ch);
        } else {
            out += "\\u00";
            out += hex[ch >> 4];
            out += hex[ch & 15];
        }
    }
    out += '"';
}

}  // namespace loyalty::text
