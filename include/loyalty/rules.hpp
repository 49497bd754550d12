// Rule evaluation: a pure function of (basket, member state, programme, time).
//
// Nothing here touches the database, so the same inputs always give the same points, the rules
// can be tested without storage, and a sync server can re-evaluate a sale made at a branch.
#ifndef LOYALTY_RULES_HPP
#define LOYALTY_RULES_HPP

#include <cstdint>
#include <string>
#include <vector>

#include "loyalty/checkout.hpp"
#include "loyalty/program.hpp"

namespace loyalty {

// The benefits a member enjoys now: the best of their tier's and their active plan's.
struct Benefits {
    std::string source;  // "tier:gold", "plan:plus" or "" (none)
    Ratio multiplier{1, 1};
    std::string multiplier_source;
    Ratio discount{0, 1};
    Selector discount_selector;
    std::string discount_source;
    bool free_delivery = false;
};

// Best of tier and plan: the larger multiplier, the larger discount, free delivery if either.
Benefits benefits_of(const Program& program, const std::string& tier, const std::string& plan);

// What the rules need to know about the member, gathered by the caller.
struct MemberState {
    bool is_member = false;
    std::int64_t balance = 0;
    std::int64_t available = 0;
    int birth_month = 0, birth_day = 0;
    bool birthday_awarded = false;  // the birthday bonus of the current year was given already
    struct ChallengeState {
        std::string id;
        std::int64_t purchases = 0;  // qualifying purchases in the current window, before this
        bool awarded = false;        // bonus already given in the current window
    };
    std::vector<ChallengeState> challenges;  // same order as Program::challenges
    Benefits benefits;
    std::string tier;
    std::vector<std::string> tags;
    std::int64_t wallet_available = 0;
    std::int64_t wallet_balance = 0;  // pending cashback included (shown on the quote)
    bool has_purchased = false;       // a sale of the member stands already (first-purchase bonus)
    std::int64_t earned_in_cap_period = 0;  // points the member's sales earned in the cap's period
};

// A coupon presented at the till, with what storage knows of it and its use so far.
struct CouponCandidate {
    std::string code;                    // normalised
    const Campaign* campaign = nullptr;  // nullptr: unknown code
    Status status = Status::Ok;          // a refusal storage already found (typo, revoked…)
    std::string message;
    std::int64_t campaign_uses = 0;  // uses not restored, all members
    std::int64_t member_uses = 0;    // by this member
    std::int64_t budget_used = 0;    // discount given so far
    bool automatic = false;          // an automatic promotion: applied without a code when it
                                     // applies, left out of the results when it does not
};

// A sale-level bonus (visit, challenge, birthday). `key` names the occurrence so it is given once.
struct BonusAward {
    std::string rule_id;
    std::string key;
    std::int64_t points = 0;
};

struct Evaluation {
    std::int64_t total = 0;                 // lines + charges
    std::int64_t points = 0;                // everything earned
    std::vector<std::int64_t> line_points;  // spend and item points per line (sum = line part)
    std::int64_t charge_points = 0;         // spend points earned on tax/service/tips
    std::vector<BonusAward> bonuses;
    std::vector<RuleResult> rules;  // explanation, one entry per contributing rule
    // Redemption.
    std::int64_t redeemable_points = 0, redeemable_value = 0;
    Status redeem_status = Status::Ok;
    std::string redeem_message;
    std::int64_t redeem_points = 0, redeem_value = 0;
    std::int64_t amount_due = 0;
    std::vector<std::int64_t> line_discounts;  // benefit discount per line
    std::int64_t benefit_discount = 0;
    bool free_delivery = false;
    std::int64_t purchase_points = 0;  // points from the purchase itself (score source "purchase")
    std::vector<CouponResult> coupons;
    std::vector<std::int64_t> line_coupon_discounts;
    std::int64_t coupon_discount = 0;
    std::int64_t cashback = 0;
    Status wallet_status = Status::Ok;
    std::string wallet_message;
    std::int64_t wallet_amount = 0;
};

// Throws InvalidAmount / Overflow for an invalid basket; never touches storage.
Evaluation evaluate(const Basket& basket, const MemberState& member, const Program& program,
                    std::int64_t now_ms);
// The same, with amounts in explanations printed with the currency's exponent, and the coupons
// presented (in basket order) as storage found them.
Evaluation evaluate(const Basket& basket, const MemberState& member, const Program& program,
                    std::int64_t now_ms, int currency_exponent,
                    const std::vector<CouponCandidate>& coupons = {});

// The money value of `points` under the programme (floor to minor units).
std::int64_t points_value(const Program& program, std::int64_t points);

// The local-time window [start, end) in epoch ms that contains now_ms.
struct Window {
    std::int64_t start_ms = 0, end_ms = 0;
    std::string key;  // "2026-11", "2026-W47", "2026-11-23", "2026"
};
Window window_of(Period period, std::int64_t now_ms, int utc_offset_minutes, int week_start);

// Tiers: the weighted sum of the terms' values, floored (values[i] belongs to terms[i]).
std::int64_t weighted_score(const std::vector<ScoreTerm>& terms,
                            const std::vector<std::int64_t>& values);
// Tiers: the index of the highest level whose threshold the score reaches (-1 without tiers).
int level_for_score(const TierProgram& tiers, std::int64_t score);
// "150 points to Gold", "2 more purchases to VIP", "" at the top.
std::string progress_text(const Program& program, int level, std::int64_t score, int exponent);

// `ms` plus whole calendar months in local time; the day is clamped to the month's length
// (31 January + 1 month = 28/29 February).
std::int64_t add_months(std::int64_t ms, int months, int utc_offset_minutes);

// The end of the local day `days` after the local day of `earned_ms`: when earned points expire.
std::int64_t expiry_of(std::int64_t earned_ms, std::int64_t days, int utc_offset_minutes);

}  // namespace loyalty

#endif
