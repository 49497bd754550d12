#include "loyalty/money.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <limits>

#include "rounding.hpp"

namespace loyalty {

namespace mp = boost::multiprecision;
using i128 = mp::checked_int128_t;

Rounding parse_rounding(std::string_view t) {
    if (t == "floor") return Rounding::Floor;
    if (t == "ceil") return Rounding::Ceil;
    if (t == "half_up") return Rounding::HalfUp;
    if (t == "half_even") return Rounding::HalfEven;
    throw Error(Status::InvalidProgram,
                "rounding must be floor, ceil, half_up or half_even, not '" + std::string(t) + "'");
}

const char* rounding_name(Rounding r) noexcept {
    switch (r) {
        case Rounding::Floor:
            return "floor";
        case Rounding::Ceil:
            return "ceil";
        case Rounding::HalfUp:
            return "half_up";
        case Rounding::HalfEven:
            return "half_even";
    }
    return "floor";
}

namespace {

std::int64_t gcd64(std::int64_t a, std::int64_t b) {
    while (b != 0) {
        std::int64_t t = a % b;
        a = b;
        b = t;
    }
    return a < 0 ? -a : a;
}

std::int64_t to_int64(const i128& v) {
    if (v > std::numeric_limits<std::int64_t>::max() ||
        v < std::numeric_limits<std::int64_t>::min())
        throw Error(Status::Overflow, "result does not fit in a 64-bit amount");
    return static_cast<std::int64_t>(v);
}

}  // namespace

Ratio parse_rate(std::string_view t) {
    auto bad = [&](const char* why) {
        return Error(Status::InvalidRate, "invalid rate '" + std::string(t) + "': " + why);
    };
    if (t.empty()) throw bad("empty");
    std::int64_t num = 0, den = 1;
    int digits = 0;  // significant digits, for the 18-digit limit
    bool dot = false, any_before_dot = false, any_after_dot = false;
    for (char c : t) {
        if (c == '.') {
            if (dot) throw bad("more than one '.'");
            if (!any_before_dot) throw bad("a digit must come before '.'");
            dot = true;
            continue;
        }
        if (c < '0' || c > '9') throw bad("only digits and one '.' are allowed");
        if (!dot) any_before_dot = true;
        if (num != 0 || c != '0') ++digits;
        if (digits > 18) throw bad("more than 18 significant digits");
        if (dot) {
            if (den > std::numeric_limits<std::int64_t>::max() / 10) throw bad("too many decimals");
            den *= 10;
            any_after_dot = true;
        }
        num = num * 10 + (c - '0');
    }
    if (dot && !any_after_dot) throw bad("a digit must follow '.'");
    std::int64_t g = gcd64(num, den);
    if (g > 1) {
        num /= g;
        den /= g;
    }
    return Ratio{num, den};
}

std::string rate_to_string(Ratio r) {
    // The smallest k with den | 10^k gives an exact decimal; otherwise print the fraction.
    i128 pow10 = 1;
    for (int k = 0; k <= 18; ++k, pow10 *= 10) {
        if (pow10 % r.den != 0) continue;
        std::string digits = (i128(r.num) * (pow10 / r.den)).str();
        if (k == 0) return digits;
        while (static_cast<int>(digits.size()) <= k)
            digits.insert(0, "0");
        digits.insert(digits.size() - k, ".");
        return digits;
    }
    return std::to_string(r.num) + "/" + std::to_string(r.den);
}

std::int64_t mul_div(std::int64_t a, std::int64_t b, std::int64_t c, Rounding mode) {
    if (c == 0) throw Error(Status::InvalidArgument, "division by zero");
    i128 n = i128(a) * i128(b);
    i128 d = c;
    if (d < 0) {
        n = -n;
        d = -d;
    }
    i128 q = detail::divide_rounded(n, d, mode);
    return to_int64(q);
}

std::int64_t checked_add(std::int64_t a, std::int64_t b) {
    std::int64_t r;
    if (__builtin_add_overflow(a, b, &r)) throw Error(Status::Overflow, "amount overflow");
    return r;
}
std::int64_t checked_sub(std::int64_t a, std::int64_t b) {
    std::int64_t r;
    if (__builtin_sub_overflow(a, b, &r)) throw Error(Status::Overflow, "amount overflow");
    return r;
}
std::int64_t checked_mul(std::int64_t a, std::int64_t b) {
    std::int64_t r;
    if (__builtin_mul_overflow(a, b, &r)) throw Error(Status::Overflow, "amount overflow");
    return r;
}

std::string format_money(std::int64_t minor, int exponent, bool grouping) {
    bool negative = minor < 0;
    // Work on the magnitude as unsigned so INT64_MIN is safe.
    std::uint64_t mag =
        negative ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
    std::string digits = std::to_string(mag);
    if (exponent < 0) exponent = 0;
    while (static_cast<int>(digits.size()) <= exponent)
        digits.insert(0, "0");
    std::string whole = digits.substr(0, digits.size() - exponent);
    std::string frac = digits.substr(digits.size() - exponent);
    if (grouping) {
        std::string g;
        int n = 0;
        for (auto it = whole.rbegin(); it != whole.rend(); ++it) {
            if (n > 0 && n % 3 == 0) g.insert(g.begin(), ',');
            g.insert(g.begin(), *it);
            ++n;
        }
        whole = g;
    }
    std::string out = negative ? "-" : "";
    out += whole;
    if (exponent > 0) out += "." + frac;
    return out;
}

}  // namespace loyalty
