// Splitting a whole number of points (or minor units) over weighted parts in proportion, exactly:
// each part gets the floor of its share, then the units left over go one by one to the largest
// fractional parts (ties to the earlier part); parts of weight 0 get nothing. Pure logic: the
// rules (rules.cpp) attribute a rule's points, a multiplier's extra, a cap's cut and a coupon's
// discount to basket lines with it.
#ifndef LOYALTY_ALLOCATE_HPP
#define LOYALTY_ALLOCATE_HPP

#include <boost/multiprecision/cpp_int.hpp>

#include <cstdint>
#include <vector>

namespace loyalty::share {

using Rational = boost::multiprecision::cpp_rational;

// The split of `units` over `weights`. In 128-bit integers when the weights, brought to their
// common denominator, and their sum fit in 64 bits and none is negative (every basket the rules
// meet in practice); otherwise in arbitrary-precision rationals. Both give the same split: the
// shares are units·Wᵢ/T either way, and their fractional parts compare as the remainders of
// units·Wᵢ divided by T. Throws Error(Overflow) when a part does not fit in 64 bits.
std::vector<std::int64_t> allocate(std::int64_t units, const std::vector<Rational>& weights);

// The same split computed in rationals only: the reference the integer path is tested against.
std::vector<std::int64_t> allocate_rational(std::int64_t units,
                                            const std::vector<Rational>& weights);

}  // namespace loyalty::share

#endif
