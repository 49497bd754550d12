// Gregorian calendar arithmetic on local days (Howard Hinnant's civil-day algorithms).
#ifndef LOYALTY_SRC_CALENDAR_HPP
#define LOYALTY_SRC_CALENDAR_HPP

#include <cstdint>

namespace loyalty::cal {

constexpr std::int64_t kDayMs = 86400000;

struct Date {
    int year = 1970;
    unsigned month = 1, day = 1;
};

constexpr std::int64_t days_from_civil(int y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr Date civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp + (mp < 10 ? 3 : -9);
    return Date{static_cast<int>(y + (m <= 2)), m, d};
}

// Floor division for negative times.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Local day number (days since 1970-01-01 local) of an instant.
constexpr std::int64_t local_day(std::int64_t ms, int offset_min) noexcept {
    return floor_div(ms + static_cast<std::int64_t>(offset_min) * 60000, kDayMs);
}
// The UTC instant of local midnight starting local day `day`.
constexpr std::int64_t local_midnight(std::int64_t day, int offset_min) noexcept {
    return day * kDayMs - static_cast<std::int64_t>(offset_min) * 60000;
}
// 0 = Monday ... 6 = Sunday. 1970-01-01 was a Thursday.
constexpr int weekday(std::int64_t day) noexcept {
    return static_cast<int>(((day % 7) + 7 + 3) % 7);
}
constexpr bool is_leap(int y) noexcept {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}
constexpr unsigned days_in_month(int y, unsigned m) noexcept {
    constexpr unsigned k[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : k[m - 1];
}

}  // namespace loyalty::cal

#endif
