// Dates and times as a manager types them on loyalty-admin's command line: "2026-11-22",
// "2026-11-22T10:30" or "2026-11-22 10:30", and Jalali dates "1405-09-01"; digits may be Latin,
// Persian (۱۴۰۵/۰۹/۰۱) or Arabic-Indic, separators '-' or '/'. A year below 1700 is a Jalali
// year, a year from 1700 on a Gregorian one: Jalali 1700 is Gregorian 2321, so no date a club
// meets is ambiguous. A day that does not exist (2026-02-30, 1404-12-30) is refused. Pure code.
#ifndef LOYALTY_TOOLS_ADMIN_DATES_HPP
#define LOYALTY_TOOLS_ADMIN_DATES_HPP

#include <cstdint>
#include <stdexcept>
#include <string>

#include "calendar.hpp"
#include "text.hpp"

namespace loyalty::admin {

class BadDate : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

struct TypedTime {
    std::int64_t day = 0;  // local day number (days since 1970-01-01)
    int minute = 0;        // minutes after local midnight
    bool jalali = false;   // the text was a Jalali date
};

// "۱۴۰۵/۰۹/۰۱" -> "1405-09-01": Persian and Arabic-Indic digits to Latin, '/' to '-'.
inline std::string latin_date(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (i + 1 < s.size()) {
            if (const int digit = text::eastern_digit(c, static_cast<unsigned char>(s[i + 1]));
                digit >= 0) {
                out += static_cast<char>('0' + digit);
                ++i;
                continue;
            }
        }
        out += c == '/' ? '-' : static_cast<char>(c);
    }
    return out;
}

inline TypedTime parse_typed_time(const std::string& text) {
    const std::string s = latin_date(text);
    const auto bad = [&](const std::string& why) {
        return BadDate("'" + text + "' is not a date: " + why +
                       " (YYYY-MM-DD or YYYY-MM-DDTHH:MM; a Jalali year such as 1405-09-01 "
                       "works too)");
    };
    std::size_t pos = 0;
    const auto number = [&](std::size_t min_digits, std::size_t max_digits) {
        const std::size_t start = pos;
        long v = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && pos - start < max_digits)
            v = v * 10 + (s[pos++] - '0');
        if (pos - start < min_digits)
            throw bad("digits expected at position " + std::to_string(start + 1));
        return static_cast<int>(v);
    };
    const auto expect = [&](const char* seps) {
        if (pos >= s.size() || std::string(seps).find(s[pos]) == std::string::npos)
            throw bad(std::string("'") + seps[0] + "' expected at position " +
                      std::to_string(pos + 1));
        ++pos;
    };
    const int y = number(4, 4);
    expect("-");
    const int m = number(1, 2);
    expect("-");
    const int d = number(1, 2);
    int hh = 0, mm = 0;
    if (pos < s.size()) {
        expect("T ");
        hh = number(1, 2);
        expect(":");
        mm = number(2, 2);
    }
    if (pos != s.size()) throw bad("unexpected text after it");
    TypedTime t;
    t.jalali = y < 1700;
    if (m < 1 || m > 12) throw bad("month " + std::to_string(m) + " does not exist");
    const unsigned last = t.jalali ? cal::jalali_days_in_month(y, static_cast<unsigned>(m))
                                   : cal::days_in_month(y, static_cast<unsigned>(m));
    if (d < 1 || static_cast<unsigned>(d) > last)
        throw bad((t.jalali ? "that Jalali month has " : "that month has ") + std::to_string(last) +
                  " days");
    if (hh > 23 || mm > 59) throw bad("the time of day must be 00:00 to 23:59");
    t.day = t.jalali ? cal::days_from_jalali(y, m, d)
                     : cal::days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
    t.minute = hh * 60 + mm;
    return t;
}

// The instant of a typed local time in a zone `offset_minutes` east of UTC, as epoch ms; "" -> 0.
inline std::int64_t parse_local_time(const std::string& text, int offset_minutes) {
    if (text.empty()) return 0;
    const TypedTime t = parse_typed_time(text);
    return (t.day * 1440 + t.minute - offset_minutes) * 60000;
}

}  // namespace loyalty::admin

#endif
