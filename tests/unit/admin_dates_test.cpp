// loyalty-admin's typed dates (tools/admin/dates.hpp).
#include <catch2/catch.hpp>

#include "dates.hpp"

using namespace loyalty;
using admin::parse_local_time;
using admin::parse_typed_time;

TEST_CASE("typed dates: Gregorian, Jalali by year, Persian digits and slashes", "[admin]") {
    const std::int64_t nov21 = cal::days_from_civil(2026, 11, 21);
    CHECK(parse_typed_time("2026-11-21").day == nov21);
    CHECK_FALSE(parse_typed_time("2026-11-21").jalali);
    CHECK(parse_typed_time("1405-08-30").day == nov21);
    CHECK(parse_typed_time("1405-08-30").jalali);
    CHECK(parse_typed_time("۱۴۰۵/۰۸/۳۰").day == nov21);
    CHECK(parse_typed_time("١٤٠٥-٠٨-٣٠").day == nov21);  // Arabic-Indic digits
    CHECK(parse_typed_time("2026-11-21T10:30").minute == 630);
    CHECK(parse_typed_time("2026-11-21 10:30").minute == 630);
    CHECK(parse_typed_time("1403-12-30").day == cal::days_from_civil(2025, 3, 20));  // leap day
    // Tehran (+03:30): local midnight is 20:30 UTC the day before.
    CHECK(parse_local_time("2026-11-21", 210) == (nov21 * 1440 - 210) * 60000);
    CHECK(parse_local_time("", 210) == 0);
}

TEST_CASE("typed dates that do not exist are refused, saying why", "[admin]") {
    const auto why = [](const std::string& s) {
        try {
            parse_typed_time(s);
        } catch (const admin::BadDate& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(why("2026-02-30").find("28 days") != std::string::npos);
    CHECK(why("2028-02-30").find("29 days") != std::string::npos);
    CHECK(why("1404-12-30").find("Jalali month has 29 days") != std::string::npos);
    CHECK(why("2026-13-01").find("month 13") != std::string::npos);
    CHECK(why("2026-11-21T24:00").find("23:59") != std::string::npos);
    CHECK(why("2026-11-21T10:3").find("position") != std::string::npos);
    CHECK(why("20261121").find("'-' expected") != std::string::npos);
    CHECK(why("2026-11-21x").find("'T' expected at position 11") != std::string::npos);
    CHECK(why("2026-11-21T10:30x").find("after it") != std::string::npos);
    CHECK(why("yesterday").find("digits expected") != std::string::npos);
    CHECK(why("2026-11-21").empty());
}
