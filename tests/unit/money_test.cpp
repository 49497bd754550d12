#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>

#include "loyalty/money.hpp"

using namespace loyalty;

namespace {
Status status_of(void (*f)()) {
    try {
        f();
    } catch (const Error& e) {
        return e.status();
    }
    return Status::Ok;
}
}  // namespace

TEST_CASE("rates parse exactly from strict decimal strings", "[money]") {
    CHECK(parse_rate("1000") == Ratio{1000, 1});
    CHECK(parse_rate("0.5") == Ratio{1, 2});
    CHECK(parse_rate("0.0001") == Ratio{1, 10000});
    CHECK(parse_rate("1.25") == Ratio{5, 4});
    CHECK(parse_rate("007") == Ratio{7, 1});
    CHECK(parse_rate("0") == Ratio{0, 1});
    CHECK(parse_rate("123456789012345678") == Ratio{123456789012345678LL, 1});
    for (const char* bad : {"", ".5", "5.", "1,5", "1e3", "-1", "+1", " 1", "1 ", "1..2", "0x10",
                            "1.2.3", "1234567890123456789", "NaN"}) {
        INFO(bad);
        try {
            parse_rate(bad);
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.status() == Status::InvalidRate);
        }
    }
}

TEST_CASE("rates print back as the shortest exact decimal", "[money]") {
    for (const char* s : {"1000", "0.5", "0.0001", "1.25", "2", "0"})
        CHECK(rate_to_string(parse_rate(s)) == s);
    CHECK(rate_to_string(Ratio{1, 3}) == "1/3");
}

TEST_CASE("mul_div rounds by the declared mode at the half-way boundaries", "[money]") {
    // 5/2 = 2.5, 7/2 = 3.5, -5/2 = -2.5
    CHECK(mul_div(5, 1, 2, Rounding::Floor) == 2);
    CHECK(mul_div(5, 1, 2, Rounding::Ceil) == 3);
    CHECK(mul_div(5, 1, 2, Rounding::HalfUp) == 3);
    CHECK(mul_div(5, 1, 2, Rounding::HalfEven) == 2);
    CHECK(mul_div(7, 1, 2, Rounding::HalfEven) == 4);
    CHECK(mul_div(-5, 1, 2, Rounding::Floor) == -3);
    CHECK(mul_div(-5, 1, 2, Rounding::Ceil) == -2);
    CHECK(mul_div(-5, 1, 2, Rounding::HalfUp) == -3);
    CHECK(mul_div(-5, 1, 2, Rounding::HalfEven) == -2);
    // Just below and above the half.
    CHECK(mul_div(249, 1, 100, Rounding::HalfUp) == 2);
    CHECK(mul_div(251, 1, 100, Rounding::HalfEven) == 3);
    CHECK(mul_div(10, 3, -4, Rounding::Floor) == -8);  // -7.5
    CHECK(mul_div(6, 1, 3, Rounding::Ceil) == 2);      // exact: no rounding
}

TEST_CASE("products near INT64_MAX are exact or an overflow error, never a wrap", "[money]") {
    const std::int64_t max = std::numeric_limits<std::int64_t>::max();
    CHECK(mul_div(max, 3, 3, Rounding::Floor) == max);  // intermediate 3*max fits in 128 bits
    CHECK(mul_div(max, max, max, Rounding::Floor) == max);
    CHECK(mul_div(max - 1, 2, 4, Rounding::HalfUp) == max / 2);
    CHECK(status_of([] {
              mul_div(std::numeric_limits<std::int64_t>::max(), 2, 1, Rounding::Floor);
          }) == Status::Overflow);
    CHECK(status_of([] { checked_add(std::numeric_limits<std::int64_t>::max(), 1); }) ==
          Status::Overflow);
    CHECK(status_of([] { checked_sub(std::numeric_limits<std::int64_t>::min(), 1); }) ==
          Status::Overflow);
    CHECK(status_of([] { checked_mul(1LL << 40, 1LL << 40); }) == Status::Overflow);
    CHECK(status_of([] { mul_div(1, 1, 0, Rounding::Floor); }) == Status::InvalidArgument);
    CHECK(checked_add(max - 1, 1) == max);
}

TEST_CASE("no float: 268.28 points is 268 points, exactly", "[money][regression]") {
    // odoo PR 153541: "268.28000000000003 points". 2,682,800 at 1 point per 10,000 floors to 268.
    CHECK(apply_ratio(2682800, parse_rate("0.0001"), Rounding::Floor) == 268);
    CHECK(apply_ratio(2682800, parse_rate("0.0001"), Rounding::Ceil) == 269);
    // 0.1 + 0.2 style sums stay exact: 3 x 0.1 of 10 is 3.
    CHECK(apply_ratio(10, parse_rate("0.1"), Rounding::Floor) * 3 == 3);
}

TEST_CASE("money formats with the currency's exponent", "[money]") {
    CHECK(format_money(125050, 2, true) == "1,250.50");
    CHECK(format_money(5, 2, false) == "0.05");
    CHECK(format_money(-5, 3, false) == "-0.005");
    CHECK(format_money(1000000, 0, true) == "1,000,000");
    CHECK(format_money(std::numeric_limits<std::int64_t>::min(), 0, false) ==
          "-9223372036854775808");
    CHECK(parse_rounding("half_even") == Rounding::HalfEven);
    CHECK(status_of([] { parse_rounding("up"); }) == Status::InvalidProgram);
}
