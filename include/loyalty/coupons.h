/* libloyalty's C ABI, one part of it (include/loyalty/loyalty.h includes every part, and documents
 * the conventions they share): coupons, wallet, rewards, partners and prize draws. */
#ifndef LOYALTY_COUPONS_H
#define LOYALTY_COUPONS_H

#include "base.h"
#include "database.h"
#include "tables.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ===========================================================================================
 * Coupons, wallet, rewards, partners, prize draws (see docs/coupons.md, docs/wallet.md)
 * =========================================================================================== */

typedef struct loy_coupon loy_coupon;
typedef struct loy_redemption loy_redemption;

/* LOY_OK when the text has the form of an issued code (10 symbols, right check symbol), else
 * LOY_ERR_COUPON_INVALID. Public campaign codes (e.g. "NOROOZ1405") have no check symbol. Needs
 * no database: a till can catch a typo before any lookup. */
LOY_API int32_t LOY_CALL loy_coupon_code_check(const char* code);
/* Issue one code of a campaign, to a member (member_id) or to anyone (0). The code (display form
 * XXXXX-XXXXX) is copied into buf with snprintf semantics. */
LOY_API int32_t LOY_CALL loy_coupon_issue(loy_db* db, const char* campaign_id, int64_t member_id,
                                          const char* idempotency_key, char* buf, size_t capacity,
                                          size_t* out_needed, loy_error* err);
/* Generate `count` unique single-use codes of a campaign (cryptographic randomness). */
LOY_API int32_t LOY_CALL loy_coupon_batch_create(loy_db* db, const char* campaign_id, int64_t count,
                                                 const char* idempotency_key, int64_t* out_batch_id,
                                                 loy_error* err);
/* The batch's codes as CSV text: a "code" header line, then one code per line. */
LOY_API int32_t LOY_CALL loy_coupon_batch_export(loy_db* db, int64_t batch_id, char* buf,
                                                 size_t capacity, size_t* out_needed,
                                                 loy_error* err);
LOY_API int32_t LOY_CALL loy_coupon_get(loy_db* db, const char* code, loy_coupon** out_coupon,
                                        loy_error* err);
LOY_API void LOY_CALL loy_coupon_free(loy_coupon* c);
LOY_API const char* LOY_CALL loy_coupon_code(const loy_coupon* c);
LOY_API const char* LOY_CALL loy_coupon_campaign(const loy_coupon* c);
LOY_API int64_t LOY_CALL loy_coupon_member_id(const loy_coupon* c);
LOY_API int64_t LOY_CALL loy_coupon_batch_id(const loy_coupon* c);
LOY_API int64_t LOY_CALL loy_coupon_max_uses(const loy_coupon* c);
LOY_API int64_t LOY_CALL loy_coupon_uses(const loy_coupon* c);
LOY_API int64_t LOY_CALL loy_coupon_valid_until(const loy_coupon* c); /* 0 = campaign end */
LOY_API int64_t LOY_CALL loy_coupon_issued_sale_id(const loy_coupon* c);
LOY_API int32_t LOY_CALL loy_coupon_revoked(const loy_coupon* c);
/* Withdraw a code: it can no longer be used. */
LOY_API int32_t LOY_CALL loy_coupon_revoke(loy_db* db, const char* code,
                                           const char* idempotency_key, loy_error* err);

/* Wallet: money credited by the manager with a reason. */
LOY_API int32_t LOY_CALL loy_wallet_credit(loy_db* db, int64_t member_id, int64_t amount,
                                           const char* reason, const char* operator_id,
                                           const char* idempotency_key, int64_t* out_balance,
                                           loy_error* err);
/* Balance = the wallet ledger's sum; available = spendable now; pending = cashback in its
 * return window. Each out-parameter may be NULL. */
LOY_API int32_t LOY_CALL loy_wallet_get(loy_db* db, int64_t member_id, int64_t* out_balance,
                                        int64_t* out_available, int64_t* out_pending,
                                        loy_error* err);

/* Gift cards (docs/wallet.md): stored value by code, not tied to a member. Sold at the till with
 * its first amount (the code comes back with snprintf semantics: call with buf NULL and capacity 0
 * to learn its size; the same key returns the same code), loaded again, redeemed in part as a
 * tender (LOY_ERR_INSUFFICIENT_FUNDS beyond its balance; in chain mode only in a sale, under the
 * authority's hold: loy_basket_set_giftcard_hold, else LOY_ERR_NEEDS_ONLINE), and
 * credited back when a sale it paid for is refunded. `reference` (the till's receipt) and
 * `operator_id` may be NULL. out_balance (may be NULL): the card's balance after. A mistyped code
 * is LOY_ERR_COUPON_INVALID, an unknown one LOY_ERR_NOT_FOUND. */
LOY_API int32_t LOY_CALL loy_giftcard_sell(loy_db* db, int64_t amount, const char* reference,
                                           const char* operator_id, const char* idempotency_key,
                                           char* buf, size_t capacity, size_t* out_needed,
                                           loy_error* err);
LOY_API int32_t LOY_CALL loy_giftcard_load(loy_db* db, const char* code, int64_t amount,
                                           const char* reference, const char* operator_id,
                                           const char* idempotency_key, int64_t* out_balance,
                                           loy_error* err);
LOY_API int32_t LOY_CALL loy_giftcard_redeem(loy_db* db, const char* code, int64_t amount,
                                             const char* reference, const char* operator_id,
                                             const char* idempotency_key, int64_t* out_balance,
                                             loy_error* err);
LOY_API int32_t LOY_CALL loy_giftcard_refund(loy_db* db, const char* code, int64_t amount,
                                             const char* reference, const char* operator_id,
                                             const char* idempotency_key, int64_t* out_balance,
                                             loy_error* err);
LOY_API int32_t LOY_CALL loy_giftcard_balance(loy_db* db, const char* code, int64_t* out_balance,
                                              loy_error* err);

/* Rewards catalogue: spend points on a reward of the programme (product, coupon, wallet credit
 * or donation to a cause), within its stock and per-member limit. */
LOY_API int32_t LOY_CALL loy_reward_redeem(loy_db* db, int64_t member_id, const char* reward_id,
                                           int64_t quantity, const char* idempotency_key,
                                           loy_redemption** out_redemption, loy_error* err);
/* The same at a till in chain mode, under the hold the chain's authority granted for the
 * reward's points and stock (loy_sync_hold_reward; docs/chain.md, "Rewards in a chain"); the
 * redemption carries the hold's id to the authority, which settles it. loy_reward_redeem in
 * chain mode is LOY_ERR_NEEDS_ONLINE. */
LOY_API int32_t LOY_CALL loy_reward_redeem_held(loy_db* db, int64_t member_id,
                                                const char* reward_id, int64_t quantity,
                                                const char* hold_id, const char* idempotency_key,
                                                loy_redemption** out_redemption, loy_error* err);
LOY_API void LOY_CALL loy_redemption_free(loy_redemption* r);
LOY_API int64_t LOY_CALL loy_redemption_id(const loy_redemption* r);
LOY_API int32_t LOY_CALL loy_redemption_replayed(const loy_redemption* r);
LOY_API const char* LOY_CALL loy_redemption_reward(const loy_redemption* r);
LOY_API int64_t LOY_CALL loy_redemption_quantity(const loy_redemption* r);
LOY_API int64_t LOY_CALL loy_redemption_points(const loy_redemption* r);
LOY_API const char* LOY_CALL loy_redemption_coupon_code(const loy_redemption* r); /* or "" */
LOY_API int64_t LOY_CALL loy_redemption_wallet_credit(const loy_redemption* r);
LOY_API const char* LOY_CALL loy_redemption_cause(const loy_redemption* r); /* or "" */
/* Undo a redemption: points back (once), stock back; refused if its coupon was used or its
 * wallet credit spent. */
LOY_API int32_t LOY_CALL loy_reward_refund(loy_db* db, int64_t redemption_id,
                                           const char* idempotency_key, loy_error* err);
/* Per reward and cause over [from_ms, to_ms) (to 0 = open): redemptions, quantity, points. */
LOY_API int32_t LOY_CALL loy_reward_report(loy_db* db, int64_t from_ms, int64_t to_ms,
                                           loy_table** out_table, loy_error* err);

/* Partners: record that one of our coupons was redeemed at a partner business. */
LOY_API int32_t LOY_CALL loy_partner_record_redemption(loy_db* db, const char* partner_id,
                                                       const char* code, int64_t amount,
                                                       const char* idempotency_key, loy_error* err);
/* Settlement per partner (NULL or "" = all) and campaign over [from_ms, to_ms): uses, discount,
 * what the partner funds and what we fund, in both directions. */
LOY_API int32_t LOY_CALL loy_partner_settlement(loy_db* db, const char* partner_id, int64_t from_ms,
                                                int64_t to_ms, loy_table** out_table,
                                                loy_error* err);

/* Prize draws: buy entries with points while the draw is open. */
LOY_API int32_t LOY_CALL loy_draw_enter(loy_db* db, const char* draw_id, int64_t member_id,
                                        int64_t entries, const char* idempotency_key,
                                        int64_t* out_points, loy_error* err);
/* The entry list (auditable): member, purchases, entries from purchases, entries bought, total
 * entries, first ticket number. */
LOY_API int32_t LOY_CALL loy_draw_entries(loy_db* db, const char* draw_id, loy_table** out_table,
                                          loy_error* err);
/* Run the draw once its period has ended, from a published seed; reproducible from the seed and
 * the entry list (docs/coupons.md gives the algorithm). Returns the winners: rank, member,
 * ticket, seed, total entries. A draw runs once. */
LOY_API int32_t LOY_CALL loy_draw_run(loy_db* db, const char* draw_id, const char* seed,
                                      int64_t winners, const char* idempotency_key,
                                      loy_table** out_table, loy_error* err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LOYALTY_COUPONS_H */
