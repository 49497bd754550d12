// The programme: earning and redemption rules as data.
//
// A programme is loaded from JSON (docs/programme.md), validated, given a version number by the
// database, and recorded on every sale that used it. Evaluation (rules.hpp) is a pure function
// of basket, member state, programme and time.
#ifndef LOYALTY_PROGRAM_HPP
#define LOYALTY_PROGRAM_HPP

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "loyalty/money.hpp"

namespace loyalty {

// A name to show per language: {"fa": "طلایی", "en": "Gold"} in a programme file.
using DisplayNames = std::vector<std::pair<std::string, std::string>>;
// The name for `language` ("fa-IR" also finds "fa"), else `fallback`.
const std::string& display_name(const DisplayNames& names, const std::string& language,
                                const std::string& fallback);

// Which lines or items a rule applies to. Empty include lists mean "everything".
struct Selector {
    std::vector<std::string> skus;
    std::vector<std::string> categories;
    std::vector<std::string> exclude_skus;
    std::vector<std::string> exclude_categories;
    bool matches(std::string_view sku, std::string_view category) const;
};

// Where a rule applies: the sale's branch and till (empty lists = everywhere).
struct Where {
    std::vector<std::string> branches;
    std::vector<std::string> terminals;
    bool allows(std::string_view branch, std::string_view terminal) const;
};

// "Every `per` minor units of eligible spend = `points` points": the number of whole blocks of
// `per` in the eligible spend (rounded by `rounding`, floor by default) times `points`. So
// {points 10, per 100000} gives 0 points for 99,999 and 10 for 100,000; a proportional rule is
// written {points 1, per 10000}.
struct SpendRule {
    std::string id;
    std::string name;
    DisplayNames names;  // per language (the name as explanations show it)
    std::int64_t points = 0;
    std::int64_t per = 0;
    Rounding rounding = Rounding::Floor;
    bool after_discounts = true;  // base is the line amount net of line discounts
    bool include_tax = false;
    bool include_service = false;
    bool include_tips = false;
    Selector selector;
    Where where;
    bool stop = false;  // when it gives points, the spend rules after it give none
};

// Multiplies the spend-rule weight of matching lines (x2 on coffee).
struct Multiplier {
    std::string id;
    std::string name;
    DisplayNames names;  // per language (the name as explanations show it)
    Ratio factor{1, 1};
    Selector selector;
    Where where;
};

// Fixed points per unit of a matching item (5 points per cake).
struct ItemPoints {
    std::string id;
    std::string name;
    DisplayNames names;  // per language (the name as explanations show it)
    std::int64_t points = 0;
    Selector selector;
    Where where;
};

// When something applies, in the programme's local time: dates, weekdays and a time of day.
struct Schedule {
    std::int64_t from_ms = 0;  // 0 = no start
    std::int64_t to_ms = 0;    // 0 = no end (exclusive)
    unsigned weekdays = 0x7F;  // bit 0 = Monday ... bit 6 = Sunday
    int start_minute = 0;      // minutes after local midnight, inclusive
    int end_minute = 24 * 60;  // exclusive
    bool active_at(std::int64_t now_ms, int utc_offset_minutes) const;
};

// A time-bounded multiplier (double points on Fridays, happy hour).
struct Promotion {
    std::string id;
    std::string name;
    DisplayNames names;  // per language (the name as explanations show it)
    Ratio factor{1, 1};
    Schedule schedule;
    Selector selector;
    Where where;
};

enum class Period { Day, Week, Month, Year };
const char* period_name(Period p) noexcept;
Period parse_period(std::string_view text);

// Points for an action the host reports (review = 5, app_login = 1), capped per period.
struct EventRule {
    std::string action;
    std::string name;
    std::int64_t points = 0;
    std::int64_t cap = 0;  // awards per period; 0 = unlimited
    Period period = Period::Day;
};

// A stamp card beside the points: "9 coffees, the 10th free". Each qualifying item of a member's
// sale (or each qualifying purchase) gives a stamp; every `stamps` stamps issue the member a
// coupon of `campaign` (docs/programme.md, "Stamp cards").
struct StampCard {
    std::string id;
    std::string name;
    DisplayNames names;
    Selector selector;
    std::int64_t stamps = 0;    // stamps that fill the card
    bool per_purchase = false;  // one stamp per qualifying purchase, not per item
    std::string campaign;       // the reward: a coupon of this campaign
};

// "3 purchases in one calendar month = 20 extra points", once per window.
struct Challenge {
    std::string id;
    std::string name;
    DisplayNames names;  // per language (the name as explanations show it)
    std::int64_t purchases = 0;
    Period window = Period::Month;
    std::int64_t bonus = 0;
    std::int64_t min_spend = 0;  // a purchase counts when its total is at least this
};

// Controls on manual adjustments (loy_points_adjust): a second operator above a size, and the
// points one operator may adjust a day (both ways counted). 0 = no control.
struct AdjustmentLimits {
    std::int64_t approval_above = 0;
    std::int64_t operator_daily_points = 0;
};

// Gift cards (docs/wallet.md): the most one card may hold (0 = no limit).
struct GiftCards {
    std::int64_t max_balance = 0;
};

// Points given by one member to another (loy_points_transfer); absent = not allowed.
struct Transfers {
    bool enabled = false;
    std::int64_t min_points = 1;
    std::int64_t daily_max = 0;  // most a member may give in a local day; 0 = no limit
};

// Claiming a past receipt (loy_sale_claim): a member shown after the sale earns what the sale
// would have earned, within `window_days` of it; absent = not allowed.
struct Claims {
    bool enabled = false;
    std::int64_t window_days = 30;
};

// At most `points` earned by a member's sales per day (week, month, year), in local time.
struct EarnCap {
    std::int64_t points = 0;  // 0 = no cap
    Period period = Period::Day;
};

struct BirthdayBonus {
    std::int64_t points = 0;   // 0 = none
    bool whole_month = false;  // false: on the day itself
};

// One term of a tier score: a metric over the qualification window, weighted.
//   points    points earned (earn, bonus, event entries and their reversals; never the spendable
//             balance, so redemption cannot demote); `source` narrows it to "purchase",
//             "referral", "event" or "event:<action>";
//   spend     money spent net of refunds, in minor units;
//   purchases sales that were not voided or fully refunded.
struct ScoreTerm {
    enum class Metric { Points, Spend, Purchases };
    Metric metric = Metric::Points;
    std::string source;  // points only; empty = every earning source
    Ratio weight{1, 1};
};

// A branch's display names (the id is what tills send as the sale's branch).
struct Branch {
    std::string id;
    DisplayNames names;
};

struct TierLevel {
    std::string id;
    std::string name;
    DisplayNames names;          // per language, for the dashboard and messages
    std::int64_t threshold = 0;  // score needed to enter
    Ratio multiplier{1, 1};      // applied to the points a sale earns
    Ratio discount{0, 1};        // share off eligible lines, e.g. "0.05"
    Selector discount_selector;  // which lines the discount applies to (empty = all)
    bool free_delivery = false;
    bool permanent = false;             // once reached, never lost at a review
    std::vector<std::string> benefits;  // soft benefits, as text for the till and the app
};

// CalendarYear: from 1 January; JalaliYear: from Nowruz (1 Farvardin), in local time.
enum class TierWindow { Lifetime, Rolling, CalendarYear, JalaliYear };
enum class DowngradePolicy { OneStep, ToScore };

struct TierProgram {
    std::vector<ScoreTerm> score;  // default: points earned
    TierWindow window = TierWindow::Lifetime;
    std::int64_t window_days = 365;  // rolling window length
    std::int64_t grace_days = 0;     // below the threshold this long before a review demotes
    DowngradePolicy downgrade = DowngradePolicy::OneStep;
    std::vector<TierLevel> levels;  // ascending thresholds; the first is the entry level
    bool enabled() const noexcept { return !levels.empty(); }
};

// A paid membership: bought as a sale line, active for a period, with benefits.
struct Plan {
    std::string id;
    std::string name;
    std::int64_t fee = 0;  // minor units of the programme currency
    Period period = Period::Month;
    Ratio multiplier{1, 1};
    Ratio discount{0, 1};
    Selector discount_selector;
    bool free_delivery = false;
    std::string tier_floor;  // a tier the member cannot fall below while the plan is active
    std::vector<std::string> benefits;
};

enum class NegativePolicy {
    Allow,   // a refund may take the balance below zero; later earnings repay it
    Clamp,   // a refund takes back at most what the member still has
    Refuse,  // a refund that would go below zero is refused (LOY_ERR_INSUFFICIENT_POINTS)
};

// A coupon campaign: what it gives, when it applies, and how often.
struct Campaign {
    enum class Effect { Percent, Amount, FreeItem, BonusPoints, Multiplier, Cheapest };
    std::string id;
    std::string name;
    DisplayNames names;  // per language (the name as explanations show it)
    Effect effect = Effect::Percent;
    Ratio rate{0, 1};  // percent (as a share: "0.1"), multiplier ("2"), cheapest item's share
    std::int64_t amount = 0;  // amount off (minor units) or bonus points
    std::int64_t cap = 0;     // most money off per use (percent); 0 = no cap
    std::string free_sku;     // free item: one unit of this SKU
    std::int64_t min_basket = 0;
    bool min_basket_with_tax = false;  // the minimum counts the eligible lines' share of the tax
    std::int64_t min_quantity = 0;     // at least this many eligible items (thousandths)
    Selector selector;                 // eligible lines
    std::vector<std::string> tiers;    // member must hold one of these (empty = anyone)
    std::string tag;                   // member must carry this tag (segment)
    bool members_only = false;         // anonymous baskets cannot use it
    Schedule schedule;
    std::vector<std::string> branches;  // empty = every branch
    std::string code;                   // public code (e.g. NOROOZ1405), "" = issued codes only
    bool automatic = false;             // applied by the basket alone, without a code
    std::int64_t max_uses = 0;          // 0 = unlimited
    std::int64_t max_uses_per_member = 0;
    bool per_member_in_period = false;  // max_uses_per_member counts within member_period only
    Period member_period = Period::Day;
    std::int64_t uses_per_code = 1;  // issued and batch codes
    std::int64_t budget = 0;         // most money off in total; 0 = unlimited
    bool combinable = false;         // may be used with other combinable coupons
    int priority = 0;                // higher first
    std::int64_t valid_days = 0;     // issued codes expire after this many days; 0 = campaign end
    std::int64_t issue_min_spend = -1;  // >= 0: a member's sale of at least this issues a code
    std::string partner;                // coupons of a partner business
    Ratio partner_share{0, 1};          // share of the discount the partner funds
};

struct Reward {
    enum class Type { Product, Coupon, Wallet, Donation };
    std::string id;
    std::string name;
    Type type = Type::Product;
    std::int64_t points = 0;  // per unit
    std::string sku;          // product: what the till hands over
    std::string campaign;     // coupon: the campaign of the issued code
    std::int64_t amount = 0;  // wallet: money credited per unit
    std::string cause;        // donation: the cause the points go to
    std::int64_t stock = 0;   // 0 = unlimited
    std::int64_t per_member = 0;
};

struct Cashback {
    Ratio rate{0, 1};  // share of eligible spend credited to the wallet
    std::int64_t pending_days = 0;
    Selector selector;
    bool enabled() const noexcept { return rate.num > 0; }
};

struct Referral {
    bool every_purchase = false;  // false: the referee's first qualifying purchase only
    std::int64_t min_spend = 0;
    std::int64_t referrer_points = 0, referee_points = 0;
    std::string referrer_campaign, referee_campaign;  // coupons issued on the reward
    bool enabled() const noexcept {
        return referrer_points > 0 || referee_points > 0 || !referrer_campaign.empty() ||
               !referee_campaign.empty();
    }
};

struct Partner {
    std::string id;
    std::string name;
};

struct Draw {
    std::string id;
    std::string name;
    std::int64_t from_ms = 0, to_ms = 0;  // purchases in [from, to) earn entries
    std::int64_t per_purchase = 0;        // entries per purchase
    std::int64_t per_amount = 0;          // one entry per this much spend (0 = none)
    std::int64_t points_per_entry = 0;    // entries may be bought with points (0 = no)
};

// RFM scoring (docs/reports.md): recency, frequency and monetary value over a window, each
// scored 1-5. Empty thresholds score by quintiles of the members who bought in the window;
// four ascending thresholds score by them instead (recency in days: at most t1 = 5 ... more than
// t4 = 1; frequency and monetary: below t1 = 1 ... at least t4 = 5).
struct RfmConfig {
    std::int64_t window_days = 365;
    std::vector<std::int64_t> recency_days, frequency, monetary;
};

// A custom segment as data: a member belongs when every condition given holds.
struct SegmentRule {
    std::string id, name;
    std::vector<std::string> tiers, tags, branches, rfm_groups;
    std::int64_t bought_within_days = 0;   // last purchase at most N days ago (0 = no condition)
    std::int64_t not_bought_for_days = 0;  // no purchase in the last N days (never bought counts)
    std::int64_t window_days = 0;          // window for min/max spend and visits (0 = all time)
    std::int64_t min_spend = 0, max_spend = 0;  // net spend in the window (max 0 = no limit)
    std::int64_t min_visits = 0, max_visits = 0;
    std::int64_t birthday_within_days = -1;  // birthday in the next N days (0 = today)
    std::string consent;                     // "", "sms", "email", "push"
    std::string plan;                        // "", "any" (an active plan), "none", or a plan id
    std::int64_t joined_within_days = 0;
};

// What a message says, per language ("fa", "en"...), with {placeholders} rendered by fmt.
struct MessageText {
    std::vector<std::pair<std::string, std::string>> by_language;
};

// A message the library writes to the outbox when its trigger occurs.
struct MessageTrigger {
    std::string trigger;  // welcome, earned, tier_up, tier_down, expiring, birthday, coupon,
                          // winback, plan_expiring
    std::string channel = "sms";
    std::int64_t days = 0;  // expiring/plan_expiring: N days ahead; winback: N days without
                            // purchase; birthday: N days before
    MessageText text;
};

// A one-off message to a segment, with an optional holdout group for measuring lift.
struct MessageCampaign {
    std::string id, name, segment;
    std::string channel = "sms";
    std::int64_t holdout_percent = 0;
    std::int64_t measure_days = 14;  // purchases within N days after the send count as response
    MessageText text;
};

struct Messaging {
    std::vector<MessageTrigger> triggers;
    std::vector<MessageCampaign> campaigns;
    int quiet_start = -1, quiet_end = -1;  // local minutes; marketing waits until quiet_end
    std::int64_t cap_count = 0;            // at most this many marketing messages...
    std::int64_t cap_days = 7;             // ...per member in this many days (0 count = no cap)
    std::string amounts = "";              // "", "rial" or "toman": how {amount} is shown
    const MessageTrigger* trigger(std::string_view name) const;
    const MessageCampaign* campaign(std::string_view id) const;
};

struct Program {
    std::string name;
    DisplayNames names;            // the programme's name per language
    std::vector<Branch> branches;  // display names of branches (optional)
    // The programme's own wording of the texts the library writes, by language then phrase key
    // ("fa" -> "spend" -> "{rule}: ..."; src/phrases.cpp lists the keys and placeholders).
    std::map<std::string, std::map<std::string, std::string>> phrases;
    std::string language = "en";  // the programme's own language: messages' fallback, dashboard
    std::string currency = "IRR";
    int utc_offset_minutes = 210;            // Iran Standard Time
    int week_start = 5;                      // 0 = Monday ... 5 = Saturday
    std::int64_t min_basket = 0;             // eligible spend below this earns nothing
    std::int64_t visit_points = 0;           // per member sale that reaches the minimum
    std::int64_t first_purchase_points = 0;  // a member's first purchase ever (that stands)
    std::vector<SpendRule> spend;
    std::vector<Multiplier> multipliers;
    std::vector<ItemPoints> items;
    std::vector<Promotion> promotions;
    std::vector<EventRule> events;
    std::vector<Challenge> challenges;
    std::vector<StampCard> stamp_cards;
    BirthdayBonus birthday;
    EarnCap earn_cap;
    AdjustmentLimits adjustments;
    Transfers transfers;
    Claims claims;
    GiftCards gift_cards;
    // Redemption: value of one point in minor units (exact ratio); 0 = points cannot be spent.
    Ratio point_value{0, 1};
    std::int64_t min_redeem = 0;
    std::int64_t redeem_multiple = 0;  // points are spent in multiples of this (0 = any number)
    bool redeem_same_sale = false;     // a sale may spend the points it earns itself
    Ratio max_share{1, 1};             // at most this share of the total can be paid with points
    std::int64_t expiry_days = 0;      // 0 = points never expire
    std::int64_t pending_days = 0;     // return window before earned points can be spent
    NegativePolicy negative = NegativePolicy::Allow;
    TierProgram tiers;
    std::vector<Plan> plans;
    std::vector<Campaign> campaigns;
    std::vector<Reward> rewards;
    Cashback cashback;
    Referral referral;
    std::vector<Partner> partners;
    std::vector<Draw> draws;
    RfmConfig rfm;
    std::vector<SegmentRule> segments;
    Messaging messages;

    const TierLevel* level(std::string_view id) const;  // nullptr when unknown
    int level_index(std::string_view id) const;         // -1 when unknown
    const Plan* plan(std::string_view id) const;
    const Campaign* campaign(std::string_view id) const;
    const Reward* reward(std::string_view id) const;
    const Draw* draw(std::string_view id) const;
    const SegmentRule* segment(std::string_view id) const;
};

// Parses and validates; throws Error(Status::InvalidProgram) with the offending field named.
Program parse_program(std::string_view json);
// Canonical JSON (stable key order), which parse_program reads back to an equal programme.
std::string program_to_json(const Program& p);

}  // namespace loyalty

#endif
