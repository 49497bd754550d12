// Proportional splits (allocate.hpp).
#include "allocate.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

#include "loyalty/status.hpp"
#include "rounding.hpp"

namespace loyalty::share {

namespace mp = boost::multiprecision;
using BigInt = mp::cpp_int;

namespace {

// Products of two 64-bit values and their quotients: the compiler's 128-bit integer where it has
// one, Boost's fixed-width one (no allocation either) where it has not (32-bit targets).
#ifdef __SIZEOF_INT128__
__extension__ typedef __int128 Wide;
#else
using Wide = mp::int128_t;
#endif

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

std::int64_t narrow(const BigInt& v) {
    if (v > kMax || v < std::numeric_limits<std::int64_t>::min())
        throw Error(Status::Overflow, "points do not fit in a 64-bit value");
    return static_cast<std::int64_t>(v);
}

// The weights over their common denominator, Wᵢ, with their sum; false when one is negative or
// a Wᵢ, the denominator or the sum does not fit in 64 bits.
bool integer_weights(const std::vector<Rational>& weights, std::vector<std::int64_t>& w,
                     std::int64_t& total) {
    const std::size_t n = weights.size();
    std::vector<std::int64_t> num(n, 0), den(n, 1);
    std::int64_t common = 1;
    for (std::size_t i = 0; i < n; ++i) {
        const Rational& r = weights[i];
        const int sign = r.sign();
        if (sign < 0) return false;
        if (sign == 0) continue;
        const BigInt a = mp::numerator(r), b = mp::denominator(r);
        if (a > kMax || b > kMax) return false;
        num[i] = static_cast<std::int64_t>(a);
        den[i] = static_cast<std::int64_t>(b);
        const Wide next = Wide(common / std::gcd(common, den[i])) * den[i];
        if (next > kMax) return false;
        common = static_cast<std::int64_t>(next);
    }
    w.assign(n, 0);
    Wide sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const Wide wi = Wide(num[i]) * (common / den[i]);
        sum += wi;
        if (wi > kMax || sum > kMax) return false;
        w[i] = static_cast<std::int64_t>(wi);
    }
    total = static_cast<std::int64_t>(sum);
    return true;
}

// Hands out what the floors left, one by one, to the largest fractional parts (`greater(a, b)`:
// part a's is larger than part b's), skipping parts of weight 0.
template <typename Greater, typename IsZero>
void hand_out(std::vector<std::int64_t>& out, std::int64_t left, Greater greater,
              IsZero weight_is_zero) {
    std::vector<std::size_t> order(out.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), greater);
    for (std::size_t k = 0; left != 0 && k < order.size(); ++k) {
        if (weight_is_zero(order[k])) continue;
        out[order[k]] += left > 0 ? 1 : -1;
        left += left > 0 ? -1 : 1;
    }
}

}  // namespace

std::vector<std::int64_t> allocate_rational(std::int64_t units,
                                            const std::vector<Rational>& weights) {
    std::vector<std::int64_t> out(weights.size(), 0);
    Rational total = 0;
    for (const auto& w : weights)
        total += w;
    if (units == 0 || total == 0) return out;
    std::vector<Rational> frac(weights.size());
    std::int64_t given = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        Rational share = Rational(units) * weights[i] / total;
        BigInt f = detail::divide_rounded<BigInt>(mp::numerator(share), mp::denominator(share),
                                                  Rounding::Floor);
        out[i] = narrow(f);
        frac[i] = share - Rational(f);
        given += out[i];
    }
    hand_out(
        out, units - given, [&](std::size_t a, std::size_t b) { return frac[a] > frac[b]; },
        [&](std::size_t i) { return weights[i] == 0; });
    return out;
}

std::vector<std::int64_t> allocate(std::int64_t units, const std::vector<Rational>& weights) {
    std::vector<std::int64_t> w;
    std::int64_t total = 0;
    if (!integer_weights(weights, w, total)) return allocate_rational(units, weights);
    std::vector<std::int64_t> out(weights.size(), 0);
    if (units == 0 || total == 0) return out;
    // unitsᵢ·Wᵢ = fᵢ·T + rᵢ with 0 <= rᵢ < T: fᵢ the floor of the share, rᵢ/T its fraction.
    std::vector<std::int64_t> rem(w.size(), 0);
    std::int64_t given = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
        const Wide p = Wide(units) * w[i];
        Wide f = p / total;
        Wide r = p % total;
        if (r < 0) {
            f -= 1;
            r += total;
        }
        out[i] = static_cast<std::int64_t>(f);  // |fᵢ| <= |units|: Wᵢ <= T
        rem[i] = static_cast<std::int64_t>(r);
        given += out[i];
    }
    hand_out(
        out, units - given, [&](std::size_t a, std::size_t b) { return rem[a] > rem[b]; },
        [&](std::size_t i) { return w[i] == 0; });
    return out;
}

}  // namespace loyalty::share
