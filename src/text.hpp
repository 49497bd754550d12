// Text checks shared by every entry point: UTF-8, lengths, phone numbers, tags.
#ifndef LOYALTY_SRC_TEXT_HPP
#define LOYALTY_SRC_TEXT_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loyalty::text {

bool is_valid_utf8(std::string_view s) noexcept;
// Throws InvalidUtf8 / TooLong naming the field.
void check_field(std::string_view field, std::string_view value, std::size_t max_bytes);

// The value of a Persian (U+06F0..06F9) or Arabic-Indic (U+0660..0669) digit from its two UTF-8
// bytes, or -1 when they are not one.
constexpr int eastern_digit(unsigned char lead, unsigned char trail) noexcept {
    if (lead == 0xDB && trail >= 0xB0 && trail <= 0xB9) return trail - 0xB0;
    if (lead == 0xD9 && trail >= 0xA0 && trail <= 0xA9) return trail - 0xA0;
    return -1;
}

// E.164 ("+989121234567") from the forms a cashier types, with Persian and Arabic-Indic digits.
// Throws InvalidPhone with the reason.
std::string normalize_phone(std::string_view input, std::string_view default_country);
// The known digits of a prefix typed for search ("0912" → "+98912"); never throws.
std::string phone_search_prefix(std::string_view input, std::string_view default_country);
// True when the country is in the phone table.
bool known_country(std::string_view iso2) noexcept;

// Tags: split on commas, trim, drop empties, sort, unique. Each tag is checked.
std::vector<std::string> parse_tags(std::string_view csv);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string ascii_lower(std::string_view s);
// `s` as a JSON string literal, quotes included: `"` and `\` escaped, control characters as
// \u00XX. `script_safe` also escapes <, > and & (for JSON inside an HTML <script>).
std::string json_string(std::string_view s, bool script_safe = false);
// Appends json_string(s, script_safe) to `out`.
void append_json_string(std::string& out, std::string_view s, bool script_safe = false);
// FNV-1a, 64 bits: a stable hash for reproducible draws and campaign holdouts.
std::uint64_t fnv1a64(std::string_view s) noexcept;

}  // namespace loyalty::text

#endif
