// Exact money and rates.
//
// Money is an int64 count of minor units with a currency code; the currency's exponent is data.
// Rates are exact ratios parsed from strict decimal strings. Every product goes through 128-bit
// checked or arbitrary-precision arithmetic and is rounded by a declared mode; a result that does
// not fit in int64 throws Error(Status::Overflow), it never wraps.
#ifndef LOYALTY_MONEY_HPP
#define LOYALTY_MONEY_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "loyalty/status.hpp"

namespace loyalty {

enum class Rounding {
    Floor,     // towards minus infinity (the rule when earning points)
    Ceil,      // towards plus infinity
    HalfUp,    // nearest; ties away from zero
    HalfEven,  // nearest; ties to the even neighbour (banker's rounding)
};

// "floor", "ceil", "half_up", "half_even"; throws InvalidProgram otherwise.
Rounding parse_rounding(std::string_view text);
const char* rounding_name(Rounding r) noexcept;

// An exact non-negative ratio num/den, always reduced, den > 0.
struct Ratio {
    std::int64_t num = 0;
    std::int64_t den = 1;
    bool operator==(const Ratio& o) const noexcept { return num == o.num && den == o.den; }
    bool operator!=(const Ratio& o) const noexcept { return !(*this == o); }
};

// Parses "1000", "0.5", "0.0001", "1.25": digits, optionally '.' and digits. No sign, no
// grouping, no exponent, at most 18 significant digits. Throws Error(Status::InvalidRate).
Ratio parse_rate(std::string_view text);
// The shortest exact decimal for a ratio whose denominator divides a power of ten, else "n/d".
std::string rate_to_string(Ratio r);

// a * b / c with the given rounding, exact; c != 0. Throws Overflow when the result does not fit.
std::int64_t mul_div(std::int64_t a, std::int64_t b, std::int64_t c, Rounding mode);
// amount * r with the given rounding.
inline std::int64_t apply_ratio(std::int64_t amount, Ratio r, Rounding mode) {
    return mul_div(amount, r.num, r.den, mode);
}
// Checked int64 arithmetic; throws Error(Status::Overflow).
std::int64_t checked_add(std::int64_t a, std::int64_t b);
std::int64_t checked_sub(std::int64_t a, std::int64_t b);
std::int64_t checked_mul(std::int64_t a, std::int64_t b);

// Formats minor units with `exponent` decimals: format_money(125050, 2, true) == "1,250.50".
std::string format_money(std::int64_t minor_units, int exponent, bool grouping);

// Money: minor units plus an ISO-like currency code ("IRR", "IRT", "USD").
struct Money {
    std::int64_t minor = 0;
    std::string currency;
};

}  // namespace loyalty

#endif
