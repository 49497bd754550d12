/* libloyalty's C ABI, one part of it (include/loyalty/loyalty.h includes every part, and documents
 * the conventions they share): points outside the basket: actions, adjustments, expiry, history,
 * verification. */
#ifndef LOYALTY_POINTS_H
#define LOYALTY_POINTS_H

#include "base.h"
#include "database.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ===========================================================================================
 * Points outside the basket: actions, manual adjustments, expiry, history, verification
 * =========================================================================================== */

/* Award the programme's points for an action ("review", "app_login", "profile_complete",
 * "invite", "social_share", "signup"). The action's `cap` counts occurrences, not points: a cap
 * of 1 per day awards the action's points once a day; the next is LOY_ERR_CAP_REACHED.
 * out_points (may be NULL): the points awarded. */
LOY_API int32_t LOY_CALL loy_event_record(loy_db* db, int64_t member_id, const char* action,
                                          const char* idempotency_key, int64_t* out_points,
                                          loy_error* err);
/* Manual adjustment (goodwill points, corrections): points may be negative; reason and operator
 * are required. A negative adjustment cannot take the available balance below zero. The
 * programme's `adjustments` may limit the points an operator adjusts a day (LOY_ERR_CAP_REACHED)
 * and require a second operator above a size (LOY_ERR_NEEDS_APPROVAL): see
 * loy_points_adjust_approved. */
LOY_API int32_t LOY_CALL loy_points_adjust(loy_db* db, int64_t member_id, int64_t points,
                                           const char* reason, const char* operator_id,
                                           const char* idempotency_key, int64_t* out_balance,
                                           loy_error* err);
/* The same, approved by a second operator (`approver`, not the operator; NULL = none), for an
 * adjustment above the programme's `adjustments.approval_above` points. */
LOY_API int32_t LOY_CALL loy_points_adjust_approved(loy_db* db, int64_t member_id, int64_t points,
                                                    const char* reason, const char* operator_id,
                                                    const char* approver,
                                                    const char* idempotency_key,
                                                    int64_t* out_balance, loy_error* err);
/* Points holds (docs/ledger.md): reserve `points` of a member's available points for an open
 * tab or a web order for `ttl_ms` (one minute to 30 days): until captured, released or expired
 * the member's available points are that much lower (a hold left by a crashed till ends by itself
 * at its expiry). Capture spends 0..the held points (the rest is released; out_balance: the
 * balance after); capture of an ended hold is LOY_ERR_INVALID_STATE. Release frees them (an
 * expired hold too; a captured one is LOY_ERR_INVALID_STATE). In chain mode the authority holds
 * points instead (loy_sync_hold): LOY_ERR_NEEDS_ONLINE. */
LOY_API int32_t LOY_CALL loy_points_hold(loy_db* db, int64_t member_id, int64_t points,
                                         int64_t ttl_ms, const char* reference,
                                         const char* idempotency_key, int64_t* out_hold_id,
                                         loy_error* err);
LOY_API int32_t LOY_CALL loy_points_hold_capture(loy_db* db, int64_t hold_id, int64_t points,
                                                 const char* idempotency_key, int64_t* out_balance,
                                                 loy_error* err);
LOY_API int32_t LOY_CALL loy_points_hold_release(loy_db* db, int64_t hold_id,
                                                 const char* idempotency_key, loy_error* err);
/* Wallet holds: the same for wallet money (`amount` in minor units): while open and unexpired the
 * wallet's available money is that much lower (LOY_ERR_INSUFFICIENT_FUNDS beyond it). Capture
 * pays 0..the held amount from the wallet (out_wallet_balance: the wallet's balance after).
 * Capturing a points hold with the wallet function, or the reverse, is
 * LOY_ERR_INVALID_ARGUMENT. Refused in chain mode (LOY_ERR_NEEDS_ONLINE). */
LOY_API int32_t LOY_CALL loy_wallet_hold(loy_db* db, int64_t member_id, int64_t amount,
                                         int64_t ttl_ms, const char* reference,
                                         const char* idempotency_key, int64_t* out_hold_id,
                                         loy_error* err);
LOY_API int32_t LOY_CALL loy_wallet_hold_capture(loy_db* db, int64_t hold_id, int64_t amount,
                                                 const char* idempotency_key,
                                                 int64_t* out_wallet_balance, loy_error* err);
LOY_API int32_t LOY_CALL loy_wallet_hold_release(loy_db* db, int64_t hold_id,
                                                 const char* idempotency_key, loy_error* err);
/* Gives `points` of one member's available points to another (a gift, a family pooling its
 * points), when the programme allows transfers (`transfers`, docs/ledger.md): the points keep
 * their expiry dates. out_from_balance (may be NULL): the giver's balance after. Refused in chain
 * mode (LOY_ERR_NEEDS_ONLINE: the head office transfers), below the programme's minimum or over
 * its daily maximum (LOY_ERR_CAP_REACHED). */
LOY_API int32_t LOY_CALL loy_points_transfer(loy_db* db, int64_t from_member_id,
                                             int64_t to_member_id, int64_t points,
                                             const char* reason, const char* operator_id,
                                             const char* idempotency_key, int64_t* out_from_balance,
                                             loy_error* err);
/* Expiry sweep: for each member with lots whose date is <= now_ms (0 = the handle's clock), one
 * expire entry taking all of them. Idempotent. Returns the number of lots and points expired. */
LOY_API int32_t LOY_CALL loy_points_expire(loy_db* db, int64_t now_ms, int64_t* out_lots,
                                           int64_t* out_points, loy_error* err);
/* Points of the member that will expire before `before_ms` unless spent. */
LOY_API int32_t LOY_CALL loy_points_expiring(loy_db* db, int64_t member_id, int64_t before_ms,
                                             int64_t* out_points, int64_t* out_next_expiry,
                                             loy_error* err);

typedef struct loy_history loy_history;

#define LOY_ENTRY_EARN 1
#define LOY_ENTRY_REDEEM 2
#define LOY_ENTRY_EXPIRE 3
#define LOY_ENTRY_ADJUST 4
#define LOY_ENTRY_REVERSE_EARN 5 /* earned points taken back by a refund or void */
#define LOY_ENTRY_RESTORE 6      /* redeemed points given back by a refund or void */
#define LOY_ENTRY_BONUS 7        /* visit, challenge, birthday bonus */
#define LOY_ENTRY_EVENT 8        /* points for an action */
#define LOY_ENTRY_MERGE_OUT 9
#define LOY_ENTRY_MERGE_IN 10
#define LOY_ENTRY_TRANSFER_OUT 11 /* points given to another member */
#define LOY_ENTRY_TRANSFER_IN 12  /* points received from another member, with their dates */

/* The member's ledger, newest first, including members merged into it. */
LOY_API int32_t LOY_CALL loy_history_get(loy_db* db, int64_t member_id, int32_t limit,
                                         int32_t offset, loy_history** out_history, loy_error* err);
LOY_API void LOY_CALL loy_history_free(loy_history* h);
LOY_API size_t LOY_CALL loy_history_count(const loy_history* h);
LOY_API const char* LOY_CALL loy_history_uid(const loy_history* h, size_t i);
LOY_API int32_t LOY_CALL loy_history_kind(const loy_history* h, size_t i);
LOY_API int64_t LOY_CALL loy_history_points(const loy_history* h, size_t i);
LOY_API int64_t LOY_CALL loy_history_sale_id(const loy_history* h, size_t i);
LOY_API const char* LOY_CALL loy_history_reason(const loy_history* h, size_t i);
LOY_API const char* LOY_CALL loy_history_branch(const loy_history* h, size_t i);
LOY_API const char* LOY_CALL loy_history_terminal(const loy_history* h, size_t i);
/* Who: the cashier of a sale's entry, the operator of an adjustment, and who approved it. */
LOY_API const char* LOY_CALL loy_history_operator(const loy_history* h, size_t i);
LOY_API const char* LOY_CALL loy_history_approver(const loy_history* h, size_t i);
LOY_API int64_t LOY_CALL loy_history_created_at(const loy_history* h, size_t i);
LOY_API int64_t LOY_CALL loy_history_expires_at(const loy_history* h, size_t i); /* 0 = never */
/* The entry this one corrects (reversal of an earn, restore of a redeem), or "". */
LOY_API const char* LOY_CALL loy_history_corrects(const loy_history* h, size_t i);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LOYALTY_POINTS_H */
