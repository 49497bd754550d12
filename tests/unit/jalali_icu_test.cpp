// The library's own Jalali arithmetic (calendar.hpp) against ICU's Persian calendar, day by day.
// The library no longer links ICU, so that a Windows till computes the same months as a Linux
// one; this test keeps the two from drifting apart. It is built where ICU is installed.
#include <catch2/catch.hpp>
#include <unicode/ucal.h>

#include "calendar.hpp"

using namespace loyalty;

namespace {

struct IcuPersian {
    UCalendar* cal = nullptr;
    IcuPersian() {
        UErrorCode st = U_ZERO_ERROR;
        static const UChar kUtc[] = {'U', 'T', 'C', 0};
        cal = ucal_open(kUtc, -1, "en_US@calendar=persian", UCAL_DEFAULT, &st);
        REQUIRE(U_SUCCESS(st));
    }
    ~IcuPersian() { ucal_close(cal); }
    IcuPersian(const IcuPersian&) = delete;
    IcuPersian& operator=(const IcuPersian&) = delete;

    cal::Date at(std::int64_t day) {
        UErrorCode st = U_ZERO_ERROR;
        ucal_setMillis(cal, static_cast<UDate>(day * cal::kDayMs), &st);
        cal::Date d;
        d.year = ucal_get(cal, UCAL_EXTENDED_YEAR, &st);
        d.month = static_cast<unsigned>(ucal_get(cal, UCAL_MONTH, &st) + 1);
        d.day = static_cast<unsigned>(ucal_get(cal, UCAL_DATE, &st));
        REQUIRE(U_SUCCESS(st));
        return d;
    }
    std::int64_t day_of(int y, int m, int d) {
        UErrorCode st = U_ZERO_ERROR;
        ucal_clear(cal);
        ucal_set(cal, UCAL_EXTENDED_YEAR, y);
        ucal_set(cal, UCAL_MONTH, m - 1);
        ucal_set(cal, UCAL_DATE, d);
        UDate ms = ucal_getMillis(cal, &st);
        REQUIRE(U_SUCCESS(st));
        return cal::floor_div(static_cast<std::int64_t>(ms), cal::kDayMs);
    }
};

}  // namespace

TEST_CASE("Jalali arithmetic equals ICU's Persian calendar on every day of 1200-1800 AP",
          "[periods][icu]") {
    IcuPersian icu;
    const std::int64_t first = cal::days_from_jalali(1200, 1, 1);
    const std::int64_t last = cal::days_from_jalali(1800, 12, 29);
    REQUIRE(icu.day_of(1200, 1, 1) == first);
    std::int64_t mismatches = 0;
    for (std::int64_t d = first; d <= last; ++d) {
        const cal::Date ours = cal::jalali_from_days(d);
        const cal::Date theirs = icu.at(d);
        if (ours.year != theirs.year || ours.month != theirs.month || ours.day != theirs.day) {
            if (++mismatches < 5)
                FAIL_CHECK("day " << d << ": ours " << ours.year << "-" << ours.month << "-"
                                  << ours.day << ", ICU " << theirs.year << "-" << theirs.month
                                  << "-" << theirs.day);
        }
        if (ours.day == 1 || ours.day == 30)  // month starts and the leap day, both ways
            REQUIRE(icu.day_of(ours.year, static_cast<int>(ours.month),
                               static_cast<int>(ours.day)) == d);
    }
    CHECK(mismatches == 0);
}

TEST_CASE("Jalali leap years and lenient dates agree with ICU", "[periods][icu]") {
    IcuPersian icu;
    for (int y = 1200; y <= 1800; ++y) {
        const bool icu_leap = icu.at(cal::days_from_jalali(y, 12, 30)).month == 12;
        REQUIRE(cal::jalali_is_leap(y) == icu_leap);
        REQUIRE(cal::jalali_days_in_month(y, 12) == (icu_leap ? 30u : 29u));
    }
    // Month 13 is Farvardin of the next year, month 0 Esfand of the one before; day 32 rolls on.
    CHECK(cal::days_from_jalali(1404, 13, 1) == icu.day_of(1404, 13, 1));
    CHECK(cal::days_from_jalali(1404, 0, 1) == icu.day_of(1404, 0, 1));
    CHECK(cal::days_from_jalali(1404, 1, 32) == icu.day_of(1404, 1, 32));
    CHECK(cal::days_from_jalali(1404, 13, 1) == cal::days_from_jalali(1405, 1, 1));
}
