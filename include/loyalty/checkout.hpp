// Baskets, quotes, receipts and refunds: what happens at the till.
#ifndef LOYALTY_CHECKOUT_HPP
#define LOYALTY_CHECKOUT_HPP

#include <cstdint>
#include <string>
#include <vector>

#include "loyalty/status.hpp"

namespace loyalty {

struct BasketLine {
    std::string sku;
    std::string category;
    std::int64_t quantity_milli = 0;  // thousandths: 1 item = 1000
    std::int64_t unit_price = 0;      // minor units
    std::int64_t discount = 0;        // minor units, for the whole line
    std::string plan_id;              // non-empty: this line buys a paid membership plan
    bool wallet_topup = false;        // this line loads its amount into the member's wallet
    // Goods: neither a plan nor a wallet top-up (the lines that earn, take coupons and discounts).
    bool is_goods() const { return plan_id.empty() && !wallet_topup; }
    // round_half_up(quantity_milli * unit_price / 1000) - discount; throws on overflow.
    std::int64_t amount() const;
    std::int64_t gross() const;
};

// How the rest is paid: "cash", "card", "wallet"… (points are not a tender line: see
// Basket::redeem_points).
struct Tender {
    std::string type;
    std::int64_t amount = 0;
};

struct Basket {
    std::int64_t member_id = 0;  // 0 = anonymous
    std::string receipt, branch, terminal, cashier;
    std::string currency;  // empty = the database default
    std::vector<BasketLine> lines;
    std::int64_t tax = 0, service = 0, tip = 0;
    std::int64_t redeem_points = 0;
    // Optional. When present they must add up to the amount due after points and wallet.
    std::vector<Tender> tenders;
    std::vector<std::string> coupons;  // codes presented, as typed
    std::int64_t wallet_amount = 0;    // paid from the member's wallet
    // Paid with gift cards (code as typed, amount), after points and wallet (docs/wallet.md).
    struct GiftCardPayment {
        std::string code;
        std::int64_t amount = 0;
    };
    std::vector<GiftCardPayment> gift_cards;
    // In chain mode: the hold the chain's authority granted for the points this sale spends,
    // and the points it holds (docs/chain.md, "Spending points").
    std::string hold_id;
    std::int64_t hold_points = 0;
    // In chain mode: the hold the chain's authority granted for the coupons this sale uses that
    // a limit counts (issued codes, campaigns with a limit or a budget): docs/chain.md,
    // "Coupons in a chain".
    std::string coupon_hold;
    // In chain mode: the hold the chain's authority granted for the wallet money this sale
    // pays, and the amount it holds (docs/chain.md, "Wallet money in a chain").
    std::string wallet_hold;
    std::int64_t wallet_hold_amount = 0;
    // In chain mode: the hold the chain's authority granted for the basket's gift cards
    // (docs/chain.md, "Gift cards in a chain").
    std::string giftcard_hold;
    // Throws InvalidAmount/Overflow when a line or the total is invalid.
    std::int64_t lines_total() const;
    std::int64_t total() const;
};

// One rule's contribution, with a sentence a cashier can read out.
struct RuleResult {
    std::string rule_id;
    std::int64_t points = 0;
    std::string explanation;
};

// What happened to one coupon presented at the till.
struct CouponResult {
    std::string code;         // normalised; "" for an automatic promotion (no code)
    std::string campaign_id;  // "" when the code is unknown
    Status status = Status::Ok;
    std::string message;  // why it was rejected, or what it gave
    std::int64_t discount = 0, points = 0;
    std::int64_t partner_funded = 0;
    bool automatic = false;  // an automatic promotion (it applied; those that do not are left out)
};

struct Quote {
    std::int64_t member_id = 0;
    std::int64_t program_version = 0;
    std::int64_t total = 0;
    std::int64_t points_earned = 0;
    std::vector<RuleResult> rules;
    std::vector<std::int64_t> line_points;  // index = line number - 1
    std::int64_t balance = 0, available = 0;
    std::int64_t redeemable_points = 0, redeemable_value = 0;
    Status redeem_status = Status::Ok;
    std::string redeem_message;
    std::int64_t redeem_points = 0, redeem_value = 0;
    std::int64_t amount_due = 0;
    // Tier and plan benefits.
    std::int64_t benefit_discount = 0;  // already taken off `total`
    bool free_delivery = false;
    std::string tier;        // the member's tier now ("" without tiers)
    std::string tier_after;  // after this sale (differs when the sale upgrades the member)
    std::string progress;    // "150 points to Gold", "2 more purchases to VIP", ""
    std::vector<CouponResult> coupons;
    std::int64_t coupon_discount = 0;  // already taken off `total`
    std::int64_t cashback = 0;         // credited to the wallet by the commit
    std::int64_t wallet_balance = 0, wallet_available = 0;
    Status wallet_status = Status::Ok;
    std::string wallet_message;
    std::int64_t wallet_amount = 0;  // accepted wallet tender
    std::int64_t gift_card_amount =
        0;  // paid with the basket's gift cards (already off amount_due)
};

enum class ReceiptKind { Sale = 0, Refund = 1, Void = 2 };

struct Receipt {
    ReceiptKind kind = ReceiptKind::Sale;
    bool replayed = false;
    std::int64_t sale_id = 0;
    std::string uid;  // the sale's or refund's id, unique across machines
    std::int64_t member_id = 0;
    std::int64_t program_version = 0;
    std::int64_t total = 0;
    std::int64_t points_earned = 0;    // sale: earned; refund/void: taken back
    std::int64_t points_redeemed = 0;  // sale: spent; refund/void: restored
    std::int64_t redeem_value = 0;
    std::int64_t amount_due = 0;
    std::int64_t refund_amount = 0;
    std::int64_t balance_after = 0, available_after = 0;
    std::int64_t created_at = 0;
    std::vector<RuleResult> rules;
    std::int64_t benefit_discount = 0;
    std::string tier_before, tier_after;
    std::int64_t coupon_discount = 0;
    std::vector<CouponResult> coupons;        // sale: the coupons used
    std::vector<std::string> coupons_issued;  // sale: codes issued to the member by this sale
    std::int64_t wallet_amount = 0;           // sale: paid from the wallet; refund: returned to it
    std::int64_t cashback = 0;                // sale: credited; refund: taken back
    std::int64_t gift_card_amount = 0;        // sale: paid with gift cards; refund: credited back
    // Refund and void: the money to hand back by the sale's other tenders (cash, card):
    // refund_amount - redeem_value (the points tender returned) - wallet_amount -
    // gift_card_amount. The parts of a
    // sale refunded piece by piece add up to what the sale was paid that way.
    std::int64_t money_back = 0;
    // Sale: how its points were spent: 0 none or standalone, 1 under the authority's hold, 2
    // within the till's offline allowance (chain mode).
    int redeem_mode = 0;
};

struct RefundLine {
    int line_no = 0;
    std::int64_t quantity_milli = 0;
};

enum class EntryKind {
    Earn = 1,
    Redeem = 2,
    Expire = 3,
    Adjust = 4,
    ReverseEarn = 5,
    Restore = 6,
    Bonus = 7,
    Event = 8,
    MergeOut = 9,
    MergeIn = 10,
    TransferOut = 11,  // points given to another member
    TransferIn = 12,   // points received from another member, with their dates
};

struct LedgerEntry {
    std::string uid;
    EntryKind kind = EntryKind::Earn;
    std::int64_t member_id = 0;
    std::int64_t points = 0;
    std::int64_t sale_id = 0;
    std::string reason, branch, terminal, operator_id;
    std::string approver;  // the second operator who approved an adjustment, or ""
    std::int64_t created_at = 0, expires_at = 0;
    std::string corrects;  // uid of the entry this one corrects
};

// A member's standing in the tier ladder and their paid plan.
struct TierEvent {
    std::string from, to, reason;
    std::int64_t score = 0, sale_id = 0, at = 0;
    std::string uid;  // chain-wide id, <origin>:T<seq>
};

struct TierStatus {
    std::string tier, tier_name;  // "" when the programme has no tiers
    std::int64_t since = 0;
    std::int64_t score = 0;
    std::string next_tier, next_tier_name;  // "" at the top
    std::int64_t next_threshold = 0, missing = 0;
    std::string progress;            // "150 points to Gold"
    std::int64_t at_risk_since = 0;  // below the threshold since (0 = not at risk)
    std::string floor_tier;          // cannot fall below (plan floor or permanent level)
    std::vector<std::string> benefits;
    std::string multiplier = "1", discount = "0";  // decimal strings
    bool free_delivery = false;
    std::string plan;  // active plan id, "" when none
    std::int64_t plan_ends_at = 0;
    std::string assigned_tier;        // a level staff assigned as a floor ("" = none in force)
    std::int64_t assigned_until = 0;  // when that assignment ends (0 = until withdrawn)
    std::vector<TierEvent> events;    // newest first
};

// A small result table (reports, settlements, draw entries): named columns, rows of cells.
struct Table {
    struct Cell {
        std::string text;
        std::int64_t number = 0;
        bool numeric = false;
    };
    std::vector<std::string> columns;
    std::vector<std::vector<Cell>> rows;
};

struct CouponInfo {
    std::string code;  // normalised
    std::string campaign_id;
    std::int64_t member_id = 0;  // 0 = anyone may use it
    std::int64_t batch_id = 0;
    std::int64_t max_uses = 0, uses = 0;
    std::int64_t valid_until = 0;  // 0 = until the campaign ends
    std::int64_t issued_sale_id = 0;
    bool revoked = false;
    std::string uid;  // chain-wide id, <origin>:C<seq>
};

struct WalletBalance {
    std::int64_t balance = 0;    // sum of the wallet ledger
    std::int64_t available = 0;  // spendable now
    std::int64_t pending = 0;    // cashback inside its return window
};

// Where and by whom a gift card changed: the till's receipt or sale reference, branch, terminal
// and operator; each optional.
struct GiftCardContext {
    std::string reference, branch, terminal, operator_id;
    void check() const;  // throws TooLong / InvalidUtf8
};

// A gift card: its code (display form), balance in minor units of its currency.
struct GiftCard {
    std::string code, currency;
    std::int64_t balance = 0;
    std::int64_t created_at = 0;
    std::int64_t activities = 0;  // sold, loads, redemptions and refunds so far
};

struct RewardRedemption {
    std::int64_t id = 0;
    std::string reward_id;
    std::int64_t quantity = 0, points = 0;
    std::string coupon_code;         // coupon rewards
    std::int64_t wallet_credit = 0;  // wallet rewards
    std::string cause;               // donations
    bool replayed = false;
    std::string uid;  // chain-wide id, <origin>:X<seq>
};

struct ReviewResult {
    std::int64_t reviewed = 0, upgraded = 0, downgraded = 0, at_risk = 0;
};

struct ExpireResult {
    std::int64_t lots = 0;
    std::int64_t points = 0;
};

struct VerifyReport {
    std::vector<std::string> problems;
    bool ok() const noexcept { return problems.empty(); }
};

}  // namespace loyalty

#endif
