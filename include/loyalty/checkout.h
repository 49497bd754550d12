/* libloyalty's C ABI, one part of it (include/loyalty/loyalty.h includes every part, and documents
 * the conventions they share): the checkout: basket, quote, commit; refund and void. */
#ifndef LOYALTY_CHECKOUT_H
#define LOYALTY_CHECKOUT_H

#include "base.h"
#include "database.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ===========================================================================================
 * Checkout: basket → quote → commit; refund and void
 * =========================================================================================== */

typedef struct loy_basket loy_basket;
typedef struct loy_quote loy_quote;
typedef struct loy_receipt loy_receipt;
typedef struct loy_refund loy_refund;

/* A basket is a builder owned by the caller. It is never stored: quote and commit copy it. */
LOY_API int32_t LOY_CALL loy_basket_new(loy_basket** out_basket, loy_error* err);
LOY_API void LOY_CALL loy_basket_free(loy_basket* basket);
/* The member buying; 0 = anonymous (non-member) sale. */
LOY_API int32_t LOY_CALL loy_basket_set_member(loy_basket* b, int64_t member_id, loy_error* err);
/* Receipt number, branch, terminal, cashier: free text, each optional (NULL). */
LOY_API int32_t LOY_CALL loy_basket_set_context(loy_basket* b, const char* receipt,
                                                const char* branch, const char* terminal,
                                                const char* cashier, loy_error* err);
/* Currency of every amount in the basket; default: the database's default currency. */
LOY_API int32_t LOY_CALL loy_basket_set_currency(loy_basket* b, const char* currency,
                                                 loy_error* err);
/* Add a line: quantity in thousandths (1 item = 1000, 1.250 kg = 1250), unit price and line
 * discount in minor units. The line amount is round_half_up(qty * unit_price / 1000) - discount.
 * Returns the line number (1-based) through out_line_no (may be NULL). */
LOY_API int32_t LOY_CALL loy_basket_add_line(loy_basket* b, const char* sku, const char* category,
                                             int64_t quantity_milli, int64_t unit_price,
                                             int64_t line_discount, int32_t* out_line_no,
                                             loy_error* err);
/* Sale-level charges in minor units (count towards earning only where a rule says so). */
LOY_API int32_t LOY_CALL loy_basket_set_charges(loy_basket* b, int64_t tax, int64_t service,
                                                int64_t tip, loy_error* err);
/* Record how the rest is paid ("cash", "card", "gift-card"…), in minor units. Optional; when any
 * tender is given, the tenders must add up to the amount due after the points tender, or the
 * commit is refused with LOY_ERR_INVALID_AMOUNT. */
LOY_API int32_t LOY_CALL loy_basket_add_tender(loy_basket* b, const char* type, int64_t amount,
                                               loy_error* err);
/* Present a coupon code (as typed: case, spaces and dashes do not matter). Up to 20. The quote
 * says for each whether it applies and why not; the commit refuses a basket whose coupon does not
 * apply (LOY_ERR_COUPON_INVALID / LOY_ERR_COUPON_REJECTED) rather than dropping it silently. */
LOY_API int32_t LOY_CALL loy_basket_add_coupon(loy_basket* b, const char* code, loy_error* err);
/* Pay part of the sale from the member's wallet (money, minor units; 0 = none). */
LOY_API int32_t LOY_CALL loy_basket_pay_wallet(loy_basket* b, int64_t amount, loy_error* err);
/* Pay part of the sale with a gift card (code as typed; amount in minor units), after points and
 * wallet; up to 5 cards (docs/wallet.md). The quote and the commit check each card's balance
 * (LOY_ERR_INSUFFICIENT_FUNDS), code (LOY_ERR_COUPON_INVALID, LOY_ERR_NOT_FOUND) and that the
 * cards pay no more than is due (LOY_ERR_INVALID_AMOUNT); the commit redeems them with the sale,
 * in one transaction, and a refund credits them back in proportion. */
LOY_API int32_t LOY_CALL loy_basket_pay_giftcard(loy_basket* b, const char* code, int64_t amount,
                                                 loy_error* err);
/* Ask to pay part of the sale with points (0 = none). */
LOY_API int32_t LOY_CALL loy_basket_redeem_points(loy_basket* b, int64_t points, loy_error* err);
/* In chain mode (loy_open_options.chain_mode): the hold the chain's authority granted for this
 * sale's points (loy_sync_hold, docs/chain.md) and how many points it holds. A sale that spends
 * points without a hold covering them is LOY_ERR_NEEDS_ONLINE; the hold's id travels with the
 * sale to the authority, which settles the hold with it. NULL or "" clears it. */
LOY_API int32_t LOY_CALL loy_basket_set_hold(loy_basket* b, const char* hold_id, int64_t points,
                                             loy_error* err);
/* In chain mode: the hold the chain's authority granted for this sale's coupons that a limit
 * counts over the whole chain: issued codes, and campaigns with a limit of uses (in all, or per
 * member) or a budget (loy_sync_hold_coupons sets it; docs/chain.md, "Coupons in a chain"). A
 * sale that uses such a coupon without one is LOY_ERR_NEEDS_ONLINE; the hold's id travels with
 * the sale to the authority, which settles the hold with it. NULL or "" clears it. */
LOY_API int32_t LOY_CALL loy_basket_set_coupon_hold(loy_basket* b, const char* hold_id,
                                                    loy_error* err);
/* In chain mode: the hold the chain's authority granted for the wallet money this sale pays
 * (loy_sync_hold_wallet; docs/chain.md, "Wallet money in a chain") and the amount it holds. A
 * sale that pays from the wallet without a hold covering the amount is LOY_ERR_NEEDS_ONLINE; the
 * hold's id travels with the sale to the authority, which settles the hold with it. NULL or ""
 * clears it. */
LOY_API int32_t LOY_CALL loy_basket_set_wallet_hold(loy_basket* b, const char* hold_id,
                                                    int64_t amount, loy_error* err);
/* In chain mode: the hold the chain's authority granted for the basket's gift cards
 * (loy_sync_hold_giftcards sets it; docs/chain.md, "Gift cards in a chain"). A sale paid with
 * gift cards without one is LOY_ERR_NEEDS_ONLINE; the hold's id travels with the sale to the
 * authority, which settles it. NULL or "" clears it. */
LOY_API int32_t LOY_CALL loy_basket_set_giftcard_hold(loy_basket* b, const char* hold_id,
                                                      loy_error* err);
/* The basket's gift card payments as the chain's authority holds them: {"cards": [{"code",
 * "amount"}]} (codes normalised). Changes nothing. snprintf semantics. */
LOY_API int32_t LOY_CALL loy_basket_giftcard_claims(loy_db* db, const loy_basket* basket, char* buf,
                                                    size_t capacity, size_t* out_needed,
                                                    loy_error* err);
/* What the basket's coupons would use that a limit counts over the whole chain, as the JSON the
 * chain's authority holds them by: {"member": chain-wide id or "", "items": [{"code", "campaign",
 * "discount", "max_uses", "member_uses", "member_since", "budget", "code_uses"}]} (an empty
 * list when nothing is counted so). Evaluates the basket as loy_quote_basket does and changes
 * nothing; a coupon presented that does not apply is refused as loy_commit would refuse it
 * (LOY_ERR_COUPON_INVALID / LOY_ERR_COUPON_REJECTED). snprintf semantics. */
LOY_API int32_t LOY_CALL loy_basket_coupon_claims(loy_db* db, const loy_basket* basket, char* buf,
                                                  size_t capacity, size_t* out_needed,
                                                  loy_error* err);

/* Buy a paid membership plan of the programme on this sale: `periods` months or years (as the
 * plan says), priced by the programme. The member must be set; the plan starts when the sale
 * commits, or when the member's current period of the same plan ends (renewal). Refunding the
 * line ends the plan. Its benefits apply from the next sale. */
LOY_API int32_t LOY_CALL loy_basket_add_plan(loy_basket* b, const char* plan_id, int32_t periods,
                                             int32_t* out_line_no, loy_error* err);
/* A wallet top-up sold as a line (docs/wallet.md): the customer pays `amount` and the member's
 * wallet is credited with it when the sale commits. The member must be set. The line earns no
 * points and takes no discount or coupon, and neither points nor wallet money may pay for it.
 * Refunding the line takes the money back out of the wallet (LOY_ERR_INSUFFICIENT_FUNDS once it
 * has been spent). out_line_no may be NULL. */
LOY_API int32_t LOY_CALL loy_basket_add_wallet_topup(loy_basket* b, int64_t amount,
                                                     int32_t* out_line_no, loy_error* err);

/* Read-only: what this basket earns and what the member may redeem. Changes nothing. */
LOY_API int32_t LOY_CALL loy_quote_basket(loy_db* db, const loy_basket* basket,
                                          loy_quote** out_quote, loy_error* err);
LOY_API void LOY_CALL loy_quote_free(loy_quote* q);
LOY_API int64_t LOY_CALL loy_quote_member_id(const loy_quote* q);
LOY_API int64_t LOY_CALL loy_quote_program_version(const loy_quote* q);
LOY_API int64_t LOY_CALL loy_quote_total(const loy_quote* q);         /* lines + charges */
LOY_API int64_t LOY_CALL loy_quote_points_earned(const loy_quote* q); /* all rules */
LOY_API int64_t LOY_CALL loy_quote_balance(const loy_quote* q);
LOY_API int64_t LOY_CALL loy_quote_available(const loy_quote* q);
/* The most points this basket may take as tender, and their money value. */
LOY_API int64_t LOY_CALL loy_quote_redeemable_points(const loy_quote* q);
LOY_API int64_t LOY_CALL loy_quote_redeemable_value(const loy_quote* q);
/* The requested redemption: its status (LOY_OK or the code commit would return), its value and
 * the amount left to pay. */
LOY_API int32_t LOY_CALL loy_quote_redeem_status(const loy_quote* q);
LOY_API int64_t LOY_CALL loy_quote_redeem_points(const loy_quote* q);
LOY_API int64_t LOY_CALL loy_quote_redeem_value(const loy_quote* q);
LOY_API int64_t LOY_CALL loy_quote_amount_due(const loy_quote* q);
/* One entry per rule that gave points (or, for min-basket, explains why none were given). */
LOY_API size_t LOY_CALL loy_quote_rule_count(const loy_quote* q);
LOY_API const char* LOY_CALL loy_quote_rule_id(const loy_quote* q, size_t index);
LOY_API int64_t LOY_CALL loy_quote_rule_points(const loy_quote* q, size_t index);
LOY_API const char* LOY_CALL loy_quote_rule_explanation(const loy_quote* q, size_t index);
/* Points attributed to a basket line (1-based line number). */
LOY_API int64_t LOY_CALL loy_quote_line_points(const loy_quote* q, int32_t line_no);
/* Tier and plan benefits: the discount already taken off the total, free delivery (0/1), the
 * member's tier now and after this sale (different when the sale upgrades the member), and what
 * is missing for the next tier after this sale ("150 points to Gold"; "" at the top). */
LOY_API int64_t LOY_CALL loy_quote_benefit_discount(const loy_quote* q);
LOY_API int32_t LOY_CALL loy_quote_free_delivery(const loy_quote* q);
LOY_API const char* LOY_CALL loy_quote_tier(const loy_quote* q);
LOY_API const char* LOY_CALL loy_quote_tier_after(const loy_quote* q);
LOY_API const char* LOY_CALL loy_quote_progress(const loy_quote* q);
/* Coupons presented, in basket order: the normalised code, its campaign ("" if unknown), its
 * status (LOY_OK = applies), why (or what it gives), its money off and its points. Then the
 * automatic promotions that apply (docs/coupons.md), each with an empty code. */
LOY_API size_t LOY_CALL loy_quote_coupon_count(const loy_quote* q);
LOY_API const char* LOY_CALL loy_quote_coupon_code(const loy_quote* q, size_t i);
LOY_API const char* LOY_CALL loy_quote_coupon_campaign(const loy_quote* q, size_t i);
LOY_API int32_t LOY_CALL loy_quote_coupon_status(const loy_quote* q, size_t i);
LOY_API const char* LOY_CALL loy_quote_coupon_message(const loy_quote* q, size_t i);
LOY_API int64_t LOY_CALL loy_quote_coupon_amount(const loy_quote* q, size_t i);
LOY_API int64_t LOY_CALL loy_quote_coupon_points(const loy_quote* q, size_t i);
/* All coupons' money off, already taken off the total. */
LOY_API int64_t LOY_CALL loy_quote_coupon_discount(const loy_quote* q);
/* Cashback the commit would credit to the wallet. */
LOY_API int64_t LOY_CALL loy_quote_cashback(const loy_quote* q);
/* The member's wallet, and the requested wallet payment: its status and the accepted amount. */
LOY_API int64_t LOY_CALL loy_quote_wallet_balance(const loy_quote* q);
LOY_API int64_t LOY_CALL loy_quote_wallet_available(const loy_quote* q);
LOY_API int32_t LOY_CALL loy_quote_wallet_status(const loy_quote* q);
LOY_API int64_t LOY_CALL loy_quote_wallet_amount(const loy_quote* q);
/* What the basket's gift cards pay (already off the amount due). */
LOY_API int64_t LOY_CALL loy_quote_gift_card_amount(const loy_quote* q);

/* Commit the sale in one transaction: points tender, earning, the sale record. The
 * idempotency_key is required (see convention 9). */
LOY_API int32_t LOY_CALL loy_commit(loy_db* db, const loy_basket* basket,
                                    const char* idempotency_key, loy_receipt** out_receipt,
                                    loy_error* err);

/* A refund request: no lines = the whole remaining sale. */
LOY_API int32_t LOY_CALL loy_refund_new(loy_refund** out_refund, loy_error* err);
LOY_API void LOY_CALL loy_refund_free(loy_refund* r);
LOY_API int32_t LOY_CALL loy_refund_add_line(loy_refund* r, int32_t line_no, int64_t quantity_milli,
                                             loy_error* err);
/* Refund some or all of a sale. Earned points come back for the returned lines (never more than
 * were earned), points paid as tender return in proportion to the money refunded, exactly once. */
LOY_API int32_t LOY_CALL loy_refund_sale(loy_db* db, int64_t sale_id, const loy_refund* refund,
                                         const char* idempotency_key, loy_receipt** out_receipt,
                                         loy_error* err);
/* Cancel a sale that has had no refund: every effect of the sale is reversed. */
LOY_API int32_t LOY_CALL loy_void_sale(loy_db* db, int64_t sale_id, const char* idempotency_key,
                                       loy_receipt** out_receipt, loy_error* err);
/* Find a sale by the idempotency key it was committed with. */
LOY_API int32_t LOY_CALL loy_sale_find_by_key(loy_db* db, const char* idempotency_key,
                                              int64_t* out_sale_id, loy_error* err);
/* The latest sale with this receipt number; branch NULL or "" = at any branch. */
LOY_API int32_t LOY_CALL loy_sale_find_by_receipt(loy_db* db, const char* receipt,
                                                  const char* branch, int64_t* out_sale_id,
                                                  loy_error* err);
/* Claim a past receipt: attach a member to a sale made without one, within the programme's
 * "claims" window, exactly once. The member earns what the sale's lines earn by the earning rules
 * (at the prices paid, at the time of the sale); coupons, promotions and discounts are not
 * replayed. Only the till that made the sale may claim it. cashier may be NULL. The receipt is
 * the sale's, now with the member and the points. */
LOY_API int32_t LOY_CALL loy_sale_claim(loy_db* db, int64_t sale_id, int64_t member_id,
                                        const char* cashier, const char* idempotency_key,
                                        loy_receipt** out_receipt, loy_error* err);

#define LOY_RECEIPT_SALE 0
#define LOY_RECEIPT_REFUND 1
#define LOY_RECEIPT_VOID 2

LOY_API void LOY_CALL loy_receipt_free(loy_receipt* r);
LOY_API int32_t LOY_CALL loy_receipt_kind(const loy_receipt* r);
/* 1 when this result is the stored result of an earlier call with the same key. */
LOY_API int32_t LOY_CALL loy_receipt_replayed(const loy_receipt* r);
LOY_API int64_t LOY_CALL loy_receipt_sale_id(const loy_receipt* r);
LOY_API const char* LOY_CALL loy_receipt_uid(const loy_receipt* r);
LOY_API int64_t LOY_CALL loy_receipt_member_id(const loy_receipt* r);
LOY_API int64_t LOY_CALL loy_receipt_program_version(const loy_receipt* r);
/* A sale's points, how they were spent: LOY_REDEEM_NONE (nothing spent, or not a chain's till),
 * LOY_REDEEM_HOLD (under the authority's hold) or LOY_REDEEM_ALLOWANCE (within the till's offline
 * allowance: the manager's report lists them, docs/chain.md). */
#define LOY_REDEEM_NONE 0
#define LOY_REDEEM_HOLD 1
#define LOY_REDEEM_ALLOWANCE 2
LOY_API int32_t LOY_CALL loy_receipt_redeem_mode(const loy_receipt* r);
LOY_API int64_t LOY_CALL loy_receipt_total(const loy_receipt* r);
/* Sale: points earned / redeemed. Refund and void: points taken back / restored (positive). */
LOY_API int64_t LOY_CALL loy_receipt_points_earned(const loy_receipt* r);
LOY_API int64_t LOY_CALL loy_receipt_points_redeemed(const loy_receipt* r);
/* Money value (minor units) of the points tender (sale), or of the points given back (refund,
 * void: exactly what those points are worth, e.g. 33 of 100 points worth 10,000 -> 3,300). */
LOY_API int64_t LOY_CALL loy_receipt_redeem_value(const loy_receipt* r);
/* Sale: what is left to pay by other tenders after the points tender (minor units). */
LOY_API int64_t LOY_CALL loy_receipt_amount_due(const loy_receipt* r);
/* Refund, void: the value of the goods (and, with the whole sale, the charges) returned. */
LOY_API int64_t LOY_CALL loy_receipt_refund_amount(const loy_receipt* r);
/* Refund, void: the money for the cashier to hand back by the sale's other tenders (cash, card):
 * refund_amount - redeem_value - wallet_amount, in minor units. The parts of a sale refunded
 * piece by piece add up exactly to what it was paid that way (and their points and redeem values
 * to its points tender). 0 on a sale receipt. */
LOY_API int64_t LOY_CALL loy_receipt_money_back(const loy_receipt* r);
LOY_API int64_t LOY_CALL loy_receipt_balance_after(const loy_receipt* r);
LOY_API int64_t LOY_CALL loy_receipt_available_after(const loy_receipt* r);
LOY_API int64_t LOY_CALL loy_receipt_created_at(const loy_receipt* r);
LOY_API size_t LOY_CALL loy_receipt_rule_count(const loy_receipt* r);
LOY_API const char* LOY_CALL loy_receipt_rule_id(const loy_receipt* r, size_t index);
LOY_API int64_t LOY_CALL loy_receipt_rule_points(const loy_receipt* r, size_t index);
LOY_API const char* LOY_CALL loy_receipt_rule_explanation(const loy_receipt* r, size_t index);
/* Sale receipts: the tier/plan discount given, and the tier before and after the sale. */
LOY_API int64_t LOY_CALL loy_receipt_benefit_discount(const loy_receipt* r);
LOY_API const char* LOY_CALL loy_receipt_tier_before(const loy_receipt* r);
LOY_API const char* LOY_CALL loy_receipt_tier_after(const loy_receipt* r);
/* Sale receipts: the coupons used and their money off; codes issued to the member by this sale
 * (display form XXXXX-XXXXX). */
LOY_API int64_t LOY_CALL loy_receipt_coupon_discount(const loy_receipt* r);
LOY_API size_t LOY_CALL loy_receipt_coupon_count(const loy_receipt* r);
LOY_API const char* LOY_CALL loy_receipt_coupon_code(const loy_receipt* r, size_t i);
LOY_API int64_t LOY_CALL loy_receipt_coupon_amount(const loy_receipt* r, size_t i);
LOY_API size_t LOY_CALL loy_receipt_issued_count(const loy_receipt* r);
LOY_API const char* LOY_CALL loy_receipt_issued_code(const loy_receipt* r, size_t i);
/* Sale: paid from the wallet / cashback credited. Refund: returned to / taken from the wallet. */
LOY_API int64_t LOY_CALL loy_receipt_wallet_amount(const loy_receipt* r);
LOY_API int64_t LOY_CALL loy_receipt_cashback(const loy_receipt* r);
/* Sale: paid with gift cards. Refund: credited back to them (money_back leaves it out). */
LOY_API int64_t LOY_CALL loy_receipt_gift_card_amount(const loy_receipt* r);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LOYALTY_CHECKOUT_H */
