// Shared pieces of the reliability campaigns: a deterministic programme, baskets derived from a
// number (so any request can be rebuilt after a crash), and the invariants every campaign checks.
#ifndef LOYALTY_CAMPAIGNS_COMMON_HPP
#define LOYALTY_CAMPAIGNS_COMMON_HPP

#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "loyalty/database.hpp"

namespace campaign {

constexpr std::int64_t kT0 = 1795242600000LL;  // 2026-11-21 10:00 Tehran
constexpr std::int64_t kDay = 86400000;

// Balances never go below zero under "refuse"; coupons have a hard limit; tiers and a challenge
// make the commit do everything it can.
constexpr const char* kProgramme = R"({
  "currency": "IRR", "negative_balance": "refuse",
  "spend": [{"id": "base", "points": 10, "per": 100000}],
  "multipliers": [{"id": "m", "factor": "2", "categories": ["c1"]}],
  "challenges": [{"id": "three", "purchases": 3, "window": "month", "bonus": 20}],
  "events": [{"action": "review", "points": 5, "cap": 3, "per": "day"}],
  "redeem": {"point_value": "1000", "max_share": "0.5"},
  "expiry_days": 30, "pending_days": 0,
  "tiers": {"levels": [{"id": "a", "threshold": 0}, {"id": "b", "threshold": 300, "multiplier": "1.5",
                        "discount": "0.05"}]},
  "campaigns": [{"id": "five", "effect": "percent", "percent": "0.05", "code": "FIVE", "max_uses": 40,
                 "combinable": true},
                {"id": "one", "effect": "amount", "amount": 20000, "uses_per_code": 1}],
  "cashback": {"percent": "0.01"},
  "rewards": [{"id": "r", "type": "product", "points": 30, "stock": 25}]
})";

inline std::unique_ptr<loyalty::Database> open(const std::string& path,
                                               loyalty::Durability d = loyalty::Durability::Full) {
    loyalty::OpenOptions o;
    o.path = path;
    o.durability = d;
    o.busy_timeout_ms = 20000;
    auto db = loyalty::Database::open(o);
    db->set_clock(kT0);
    return db;
}

// The sale number n of a campaign, always the same basket for the same n.
inline loyalty::Basket sale_basket(std::int64_t n, std::int64_t members) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(n) * 7919 + 1);
    loyalty::Basket b;
    b.member_id = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(members));
    int lines = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < lines; ++i)
        b.lines.push_back({"S" + std::to_string(rng() % 50),
                           "c" + std::to_string(rng() % 3),
                           1000 * static_cast<std::int64_t>(1 + rng() % 3),
                           static_cast<std::int64_t>(10000 + rng() % 400000),
                           0,
                           {}});
    if (rng() % 3 == 0) b.redeem_points = static_cast<std::int64_t>(rng() % 60);
    if (rng() % 4 == 0) b.coupons.push_back("FIVE");
    return b;
}

// Every invariant the campaigns promise; returns "" when all hold.
inline std::string check_invariants(const std::string& path) {
    auto db = open(path);
    auto rep = db->verify();  // balances = entries, lots = moves, wallet, integrity_check
    if (!rep.ok()) return "verify: " + rep.problems[0];
    sqlite3* raw = nullptr;
    sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    auto one = [&](const char* sql) {
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(raw, sql, -1, &s, nullptr);
        std::int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
        sqlite3_finalize(s);
        return v;
    };
    std::string why;
    if (one("SELECT COUNT(*) FROM members WHERE balance < 0") != 0)
        why = "a balance below zero";
    else if (one("SELECT COUNT(*) FROM sales") !=
             one("SELECT COUNT(*) FROM requests WHERE op='sale' AND status=0"))
        why = "sales and their keys differ: a key applied twice or a sale without its key";
    else if (one("SELECT COUNT(*) FROM (SELECT result_id FROM requests WHERE op='sale' AND "
                 "status=0 GROUP BY "
                 "result_id HAVING COUNT(*) > 1)") != 0)
        why = "two keys for one sale";
    else if (one("SELECT COUNT(*) FROM coupon_uses WHERE campaign_id='five' AND restored_at=0") >
             40)
        why = "coupon campaign used beyond its limit";
    else if (one("SELECT COALESCE(SUM(quantity), 0) FROM reward_redemptions WHERE refunded_at=0") >
             25)
        why = "reward stock exceeded";
    else if (one("SELECT COUNT(*) FROM lots_left o JOIN lots l ON l.id = o.id WHERE "
                 "o.remaining <= 0 OR o.remaining > l.points") != 0)
        why = "a lot outside its bounds";
    sqlite3_close(raw);
    return why;
}

inline void fail(const std::string& what) {
    std::fprintf(stderr, "FAILED: %s\n", what.c_str());
    std::printf("0 passed, 1 failed\n");
    std::exit(1);
}

}  // namespace campaign

#endif
