// Report periods: local days grouped by day, week or month, in the Gregorian or the Jalali
// (Solar Hijri) calendar. Both calendars are pure arithmetic (calendar.hpp).
#ifndef LOYALTY_SRC_PERIODS_HPP
#define LOYALTY_SRC_PERIODS_HPP

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "loyalty/reports.hpp"

namespace loyalty::periods {

struct Ymd {
    int year = 0, month = 0, day = 0;
};

// Local day number (days since 1970-01-01) <-> calendar date.
Ymd to_date(std::int64_t day, CalendarKind calendar);
std::int64_t from_date(const Ymd& date, CalendarKind calendar);
// "YYYY-MM-DD" (or "YYYY/MM/DD" with slash) with Latin digits.
std::string format_date(std::int64_t day, CalendarKind calendar, char separator = '-');
// Latin digits 0-9 replaced by Persian digits ۰-۹.
std::string persian_digits(const std::string& text);
// A formatted number in Persian: digits, the thousands separator "٬" for ',' and the decimal
// separator "٫" for '.' ("1,250.5" -> "۱٬۲۵۰٫۵").
std::string persian_number(const std::string& text);
// "fa" or "fa-IR"...: texts get Persian digits and Jalali dates.
bool is_persian(const std::string& language);

// Splits local days into report buckets.
class Bucketer {
  public:
    Bucketer(Grouping grouping, CalendarKind calendar, int week_start);
    // The first local day of the bucket holding `day`.
    std::int64_t start_of(std::int64_t day);
    // The first local day of the bucket after the one starting at `start`.
    std::int64_t next(std::int64_t start);
    // The bucket's label: "2025-11-24" (day, and a week by its first day), "1404-09" (month),
    // "all" (no grouping).
    std::string label(std::int64_t start);

  private:
    Grouping grouping_;
    CalendarKind calendar_;
    int week_start_;
    std::unordered_map<std::int64_t, std::int64_t> start_cache_;
};

}  // namespace loyalty::periods

#endif
