// Integer division n / d rounded by a declared mode, for any integer type (checked 128-bit in
// money.cpp, arbitrary precision in rules.cpp): one implementation of the rounding rules.
#ifndef LOYALTY_SRC_ROUNDING_HPP
#define LOYALTY_SRC_ROUNDING_HPP

#include "loyalty/money.hpp"

namespace loyalty::detail {

// d must be > 0.
template <typename Int>
Int divide_rounded(const Int& n, const Int& d, Rounding mode) {
    Int q = n / d;    // truncates towards zero
    Int rem = n % d;  // same sign as n
    if (rem == 0) return q;
    const bool negative = n < 0;
    switch (mode) {
        case Rounding::Floor:
            if (negative) q -= 1;
            break;
        case Rounding::Ceil:
            if (!negative) q += 1;
            break;
        case Rounding::HalfUp:
        case Rounding::HalfEven: {
            Int twice = rem < 0 ? Int(-rem) : rem;
            twice *= 2;
            bool away = twice > d || (twice == d && (mode == Rounding::HalfUp || q % 2 != 0));
            if (away) q += negative ? -1 : 1;
            break;
        }
    }
    return q;
}

}  // namespace loyalty::detail

#endif
