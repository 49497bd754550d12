// share::allocate: proportional splits, in 128-bit integers, equal to the rational reference.
#include <catch2/catch.hpp>

#include <limits>
#include <numeric>
#include <random>

#include "allocate.hpp"
#include "loyalty/status.hpp"

using loyalty::share::allocate;
using loyalty::share::allocate_rational;
using loyalty::share::Rational;
using Int = boost::multiprecision::cpp_int;

namespace {

std::vector<Rational> ints(std::initializer_list<std::int64_t> v) {
    std::vector<Rational> out;
    for (auto x : v)
        out.emplace_back(x);
    return out;
}

std::vector<std::int64_t> v64(std::initializer_list<std::int64_t> v) {
    return v;
}

std::int64_t sum(const std::vector<std::int64_t>& v) {
    return std::accumulate(v.begin(), v.end(), std::int64_t{0});
}

}  // namespace

TEST_CASE(
    "a split gives floors, then the rest to the largest fractions, ties to the earlier part") {
    // 10 over 1:1:1 = 3.33 each: the first part takes the one left over.
    CHECK(allocate(10, ints({1, 1, 1})) == v64({4, 3, 3}));
    // 10 over 1:2:2 (2, 4, 4): exact.
    CHECK(allocate(10, ints({1, 2, 2})) == v64({2, 4, 4}));
    // 7 over 3:5 (2.625, 4.375): the first fraction is the larger.
    CHECK(allocate(7, ints({3, 5})) == v64({3, 4}));
    // A part of weight 0 takes nothing, even a unit left over.
    CHECK(allocate(5, ints({0, 1, 1})) == v64({0, 3, 2}));
    CHECK(allocate(5, ints({0, 0})) == v64({0, 0}));
    CHECK(allocate(0, ints({4, 5})) == v64({0, 0}));
    // Rational weights: 1/3 and 2/3 of 10 (3.33, 6.67).
    CHECK(allocate(10, {Rational(1, 3), Rational(2, 3)}) == v64({3, 7}));
    // A negative amount: floors are below the shares, the rest (positive) is handed out.
    CHECK(allocate(-10, ints({1, 1, 1})) == v64({-3, -3, -4}));
    CHECK(allocate_rational(-10, ints({1, 1, 1})) == v64({-3, -3, -4}));
}

TEST_CASE("the integer split equals the rational one, whatever the weights") {
    std::mt19937_64 rng(20261203);
    auto pick = [&rng](std::int64_t lo, std::int64_t hi) {
        return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
    };
    const std::int64_t big = std::numeric_limits<std::int64_t>::max();
    for (int round = 0; round < 4000; ++round) {
        const std::size_t n = static_cast<std::size_t>(pick(1, 9));
        const int shape = static_cast<int>(pick(0, 5));
        std::vector<Rational> w;
        for (std::size_t i = 0; i < n; ++i) {
            switch (shape) {
                case 0:  // line amounts
                    w.emplace_back(pick(0, 2'000'000));
                    break;
                case 1:  // amounts times multipliers (3/2, 5/4, 7/3…)
                    w.emplace_back(Rational(pick(0, 5'000'000)) * Rational(pick(1, 9), pick(1, 9)));
                    break;
                case 2:  // tiny weights, many ties
                    w.emplace_back(pick(0, 3));
                    break;
                case 3:  // near the 64-bit limit: the sum overflows, the rational path answers
                    w.emplace_back(pick(big / 4, big / 2));
                    break;
                case 4:  // denominators whose common multiple overflows 64 bits
                    w.emplace_back(Rational(pick(1, 1000), pick(1'000'000'000, 4'000'000'000)));
                    break;
                default:  // a negative weight: the rational path answers
                    w.emplace_back(pick(-50, 1000));
                    break;
            }
        }
        const std::int64_t units =
            shape == 3 ? pick(-big / 2, big / 2) : pick(-1'000'000, 100'000'000);
        const auto fast = allocate(units, w);
        const auto slow = allocate_rational(units, w);
        REQUIRE(fast == slow);
        Rational total = 0;
        for (const auto& x : w)
            total += x;
        if (total > 0 && shape != 5) {
            // What is handed out is the whole amount, and no part is a unit off its share.
            CHECK(sum(fast) == units);
            for (std::size_t i = 0; i < n; ++i) {
                const Rational share = Rational(units) * w[i] / total;
                CHECK(abs(Rational(fast[i]) - share) < 1);
            }
        }
    }
}

TEST_CASE("a split whose part does not fit in 64 bits is refused") {
    const std::int64_t big = std::numeric_limits<std::int64_t>::max();
    // Weights -1 and 2 sum to 1: the second part's share is 2·big.
    try {
        allocate(big, ints({-1, 2}));
        FAIL("no error");
    } catch (const loyalty::Error& e) {
        CHECK(e.status() == loyalty::Status::Overflow);
    }
}
