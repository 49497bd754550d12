// What loyalty_bench's file and checkouts are made of, shared by the programs that use its file
// (loyalty_bench, checkout_run): its clock, its members' phones and its basket, and the
// stop-on-failure check both use for the C ABI's calls.
#ifndef LOYALTY_BENCH_BENCH_SALE_HPP
#define LOYALTY_BENCH_BENCH_SALE_HPP

#include <loyalty/loyalty.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace bench {

// The bench's "now": 2026-11-21 10:00 Tehran.
constexpr std::int64_t kNow = 1795242600000LL;

// The error every call of the C ABI here reports into.
inline loy_error err;

// Stops the program when a call failed, saying which.
inline void check(int32_t st, const char* what) {
    if (st != LOY_OK) {
        std::fprintf(stderr, "%s failed: %s %s\n", what, loy_status_name(st), err.message);
        std::exit(1);
    }
}

// Member `i`'s phone as stored (+98912...).
inline std::string phone_of(std::int64_t i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "+98912%07lld", static_cast<long long>(i));
    return buf;
}

// The phone as a cashier types it (0912...), which the library normalises.
inline std::string typed_phone(std::int64_t member) {
    return "0" + phone_of(member).substr(3);
}

// The bench's basket for `member`, the `variant`-th: five lines, the programme's coupon and,
// with `redeem`, five points tendered.
inline loy_basket* basket(std::int64_t member, int variant, bool redeem) {
    loy_basket* b = nullptr;
    check(loy_basket_new(&b, &err), "basket");
    check(loy_basket_set_member(b, member, &err), "member");
    check(loy_basket_set_context(b, "R", "branch-1", "T1", "cashier", &err), "context");
    for (int l = 0; l < 5; ++l) {
        const std::string sku = "SKU-" + std::to_string((variant * 7 + l * 31) % 300);
        const std::string cat = "cat-" + std::to_string((variant + l) % 40);
        check(loy_basket_add_line(b, sku.c_str(), cat.c_str(), 1000 + 250 * l, 45000 + 10000 * l, 0,
                                  nullptr, &err),
              "line");
    }
    check(loy_basket_add_coupon(b, "BENCH5", &err), "coupon");
    if (redeem) check(loy_basket_redeem_points(b, 5, &err), "redeem");
    return b;
}

}  // namespace bench

#endif
