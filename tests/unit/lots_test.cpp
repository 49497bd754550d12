// Lot planning without a database: which lots a spend, a reversal or an expiry takes from.
#include <catch2/catch.hpp>

#include "lots.hpp"

using loyalty::lots::Lot;
using loyalty::lots::plan;
using loyalty::lots::Take;
using loyalty::lots::total;

namespace {

constexpr std::int64_t kNow = 1000;

std::vector<Take> takes(std::initializer_list<Take> t) {
    return t;
}

}  // namespace

TEST_CASE("a spend takes the soonest-expiring lots first, each at most once", "[lots]") {
    const std::vector<Lot> open = {
        {1, 10, 50, 0, 5000}, {2, 11, 30, 0, 2000}, {3, 12, 40, 0, 9000}};
    CHECK(plan(open, 60, kNow, true, 0) == takes({{2, 30}, {1, 30}}));
    CHECK(plan(open, 200, kNow, true, 0) == takes({{2, 30}, {1, 50}, {3, 40}}));
    CHECK(total(plan(open, 200, kNow, true, 0)) == 120);  // less than wanted: all there is
    CHECK(plan(open, 0, kNow, true, 0).empty());
    CHECK(plan(open, -5, kNow, true, 0).empty());
}

TEST_CASE("expired lots are never taken, pending lots only when not spendable_only", "[lots]") {
    const std::vector<Lot> open = {{1, 10, 50, 0, kNow},         // expires now: gone
                                   {2, 11, 30, kNow + 1, 2000},  // not available yet
                                   {3, 12, 40, 0, 9000}};
    CHECK(plan(open, 100, kNow, true, 0) == takes({{3, 40}}));
    CHECK(plan(open, 100, kNow, false, 0) == takes({{2, 30}, {3, 40}}));
}

TEST_CASE("a reversal takes its own entry's lots first, whatever their dates", "[lots]") {
    const std::vector<Lot> open = {{1, 10, 50, 0, 2000},
                                   {4, 12, 20, kNow + 50, kNow},
                                   {2, 11, 30, 0, 3000},
                                   {3, 12, 10, 0, 9000}};
    // Entry 12 opened lots 3 and 4 (4 is pending and expired): taken first, in lot order.
    CHECK(plan(open, 25, kNow, true, 12) == takes({{3, 10}, {4, 15}}));
    CHECK(plan(open, 45, kNow, true, 12) == takes({{3, 10}, {4, 20}, {1, 15}}));
}

TEST_CASE("ties in expiry go by lot, and the input's order does not matter", "[lots]") {
    const std::vector<Lot> a = {{7, 1, 10, 0, 5000}, {3, 2, 10, 0, 5000}, {5, 3, 10, 0, 4000}};
    const std::vector<Lot> b = {{5, 3, 10, 0, 4000}, {3, 2, 10, 0, 5000}, {7, 1, 10, 0, 5000}};
    CHECK(plan(a, 25, kNow, true, 0) == takes({{5, 10}, {3, 10}, {7, 5}}));
    CHECK(plan(b, 25, kNow, true, 0) == plan(a, 25, kNow, true, 0));
}
