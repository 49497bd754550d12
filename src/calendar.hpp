// Calendar arithmetic on local days: Gregorian (Howard Hinnant's civil-day algorithms) and
// Jalali (Solar Hijri), both pure integer arithmetic with no library or locale behind them.
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

// ---- Jalali (Solar Hijri) ---------------------------------------------------------------------
// The arithmetic Persian calendar of ICU 72 (Debian 12's libicu72, icu4c persncal.cpp), restated
// so that every platform, Windows tills without ICU included, computes the same months: a year is
// a leap year when (25·y + 11) mod 33 < 8; Farvardin 1 of year 1 is Julian day 1948321; the first
// six months have 31 days, the next five 30, Esfand 29 (30 in a leap year). It agrees with the
// official calendar for the years this product meets (tests/unit/jalali_test.cpp checks it against
// ICU day by day over six centuries).
constexpr std::int64_t kPersianEpochJd = 1948320;  // the Julian day before 1 Farvardin 1
constexpr std::int64_t kUnixEpochJd = 2440588;     // the Julian day of 1970-01-01

constexpr std::int64_t jalali_month_offset(int month0) noexcept {
    return month0 < 6 ? 31 * month0 : 186 + 30 * (month0 - 6);
}

constexpr bool jalali_is_leap(int y) noexcept {
    const std::int64_t r = 25 * static_cast<std::int64_t>(y) + 11;
    return r - floor_div(r, 33) * 33 < 8;
}

// Local day of the first day of `month` (1-12; out-of-range months roll into the next or previous
// year) of Jalali year `y`.
constexpr std::int64_t jalali_month_start(int y, int month) noexcept {
    std::int64_t year = y;
    std::int64_t m0 = month - 1;
    const std::int64_t carry = floor_div(m0, 12);
    year += carry;
    m0 -= carry * 12;
    // The Julian day of the month's first day.
    const std::int64_t jd = kPersianEpochJd + 365 * (year - 1) + floor_div(8 * year + 21, 33) +
                            jalali_month_offset(static_cast<int>(m0));
    return jd - kUnixEpochJd;
}

// Local day of a Jalali date; days past the month's end roll forward, as ICU's lenient fields do.
constexpr std::int64_t days_from_jalali(int y, int month, int day) noexcept {
    return jalali_month_start(y, month) + (day - 1);
}

constexpr Date jalali_from_days(std::int64_t z) noexcept {
    const std::int64_t since_epoch = z + kUnixEpochJd - kPersianEpochJd;
    const std::int64_t y = 1 + floor_div(33 * since_epoch + 3, 12053);
    const std::int64_t farvardin1 = 365 * (y - 1) + floor_div(8 * y + 21, 33);
    const std::int64_t doy = since_epoch - farvardin1;  // 0-based
    const std::int64_t m0 = doy < 186 ? doy / 31 : (doy - 6) / 30;
    const std::int64_t d = doy - jalali_month_offset(static_cast<int>(m0)) + 1;
    return Date{static_cast<int>(y), static_cast<unsigned>(m0 + 1), static_cast<unsigned>(d)};
}

constexpr unsigned jalali_days_in_month(int y, unsigned m) noexcept {
    return m <= 6 ? 31 : m <= 11 ? 30 : jalali_is_leap(y) ? 30 : 29;
}

}  // namespace loyalty::cal

#endif
