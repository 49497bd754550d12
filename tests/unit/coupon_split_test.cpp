// coupon_split::max_split: feasible, and as large as the smallest cut found by brute force.
#include <catch2/catch.hpp>

#include <algorithm>

#include "coupon_split.hpp"
#include "db_fixture.hpp"

using loyalty::coupon_split::max_split;

namespace {

// The largest total, by max-flow = min-cut: over every set S of coupons, the coupons outside S
// give at most their wishes, the ones in S at most what their lines hold.
std::int64_t min_cut(const std::vector<std::int64_t>& wish,
                     const std::vector<std::vector<bool>>& eligible,
                     const std::vector<std::int64_t>& net) {
    std::int64_t best = INT64_MAX;
    const std::size_t m = wish.size(), n = net.size();
    for (std::size_t set = 0; set < (std::size_t{1} << m); ++set) {
        std::int64_t cut = 0;
        std::vector<bool> line(n, false);
        for (std::size_t j = 0; j < m; ++j) {
            if (!(set >> j & 1)) {
                cut += wish[j];
                continue;
            }
            for (std::size_t i = 0; i < n; ++i)
                if (eligible[j][i]) line[i] = true;
        }
        for (std::size_t i = 0; i < n; ++i)
            if (line[i]) cut += net[i];
        best = std::min(best, cut);
    }
    return best;
}

}  // namespace

TEST_CASE("max_split: the overlapping coupons of the defect report", "[coupons][split]") {
    // -5 on A and B, -10 on A; A costs 10, B 2: 10 off A and 2 off B.
    auto take = max_split({500, 1000}, {{true, true}, {true, false}}, {1000, 200});
    CHECK(take[0][0] + take[0][1] + take[1][0] == 1200);
    CHECK(take[1][1] == 0);
    CHECK(take[0][0] + take[1][0] <= 1000);
    CHECK(take[0][1] <= 200);
}

TEST_CASE("max_split: random instances reach the minimum cut and stay feasible",
          "[coupons][split][property]") {
    fixture::Lcg next{7};
    for (int round = 0; round < 500; ++round) {
        const std::size_t m = 1 + next(5), n = 1 + next(6);
        std::vector<std::int64_t> wish(m), net(n);
        std::vector<std::vector<bool>> eligible(m, std::vector<bool>(n));
        for (auto& w : wish)
            w = static_cast<std::int64_t>(next(5000));
        for (auto& v : net)
            v = static_cast<std::int64_t>(next(3000));
        for (auto& row : eligible)
            for (std::size_t i = 0; i < n; ++i)
                row[i] = next(2) == 0;
        auto take = max_split(wish, eligible, net);
        std::int64_t total = 0;
        for (std::size_t j = 0; j < m; ++j) {
            std::int64_t mine = 0;
            for (std::size_t i = 0; i < n; ++i) {
                CHECK(take[j][i] >= 0);
                if (!eligible[j][i]) CHECK(take[j][i] == 0);
                mine += take[j][i];
            }
            CHECK(mine <= wish[j]);
            total += mine;
        }
        for (std::size_t i = 0; i < n; ++i) {
            std::int64_t given = 0;
            for (std::size_t j = 0; j < m; ++j)
                given += take[j][i];
            CHECK(given <= net[i]);
        }
        CHECK(total == min_cut(wish, eligible, net));
    }
}
