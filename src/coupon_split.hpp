// How much each of several fixed-amount coupons takes from each basket line when their eligible
// lines overlap. Coupon j may take up to wish[j] in all, from the lines it is eligible for; line
// i gives at most net[i] in all. max_split finds an allocation with the largest total: a maximum
// flow from coupons to lines (Edmonds-Karp, exact in 64-bit integers), deterministic for the
// order of its inputs. Pure logic: rules.cpp decides which coupons apply and in what order.
#ifndef LOYALTY_COUPON_SPLIT_HPP
#define LOYALTY_COUPON_SPLIT_HPP

#include <cstdint>
#include <vector>

namespace loyalty::coupon_split {

// take[j][i]: what coupon j takes from line i. Sum over i <= wish[j]; sum over j <= net[i];
// take[j][i] == 0 where !eligible[j][i]; the grand total is the largest possible.
std::vector<std::vector<std::int64_t>> max_split(const std::vector<std::int64_t>& wish,
                                                 const std::vector<std::vector<bool>>& eligible,
                                                 const std::vector<std::int64_t>& net);

}  // namespace loyalty::coupon_split

#endif
