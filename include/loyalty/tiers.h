/* libloyalty's C ABI, one part of it (include/loyalty/loyalty.h includes every part, and documents
 * the conventions they share): tiers and paid plans. */
#ifndef LOYALTY_TIERS_H
#define LOYALTY_TIERS_H

#include "base.h"
#include "database.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ===========================================================================================
 * Tiers and paid plans (defined in the programme file: see docs/tiers.md)
 * =========================================================================================== */

typedef struct loy_tier_status loy_tier_status;

/* A member's standing: tier, score, progress, benefits, plan and the history of tier changes. */
LOY_API int32_t LOY_CALL loy_tier_status_get(loy_db* db, int64_t member_id,
                                             loy_tier_status** out_status, loy_error* err);
LOY_API void LOY_CALL loy_tier_status_free(loy_tier_status* s);
LOY_API const char* LOY_CALL loy_tier_status_tier(const loy_tier_status* s); /* level id */
LOY_API const char* LOY_CALL loy_tier_status_tier_name(const loy_tier_status* s);
LOY_API int64_t LOY_CALL loy_tier_status_since(const loy_tier_status* s);
LOY_API int64_t LOY_CALL loy_tier_status_score(const loy_tier_status* s);
LOY_API const char* LOY_CALL loy_tier_status_next_tier(const loy_tier_status* s); /* "" at top */
LOY_API const char* LOY_CALL loy_tier_status_next_tier_name(const loy_tier_status* s);
LOY_API int64_t LOY_CALL loy_tier_status_next_threshold(const loy_tier_status* s);
LOY_API int64_t LOY_CALL loy_tier_status_missing(const loy_tier_status* s);
LOY_API const char* LOY_CALL loy_tier_status_progress(const loy_tier_status* s);
/* Below the current level's threshold since this time (0 = not at risk). */
LOY_API int64_t LOY_CALL loy_tier_status_at_risk_since(const loy_tier_status* s);
/* A level the member cannot lose now (plan floor, permanent level), or "". */
LOY_API const char* LOY_CALL loy_tier_status_floor_tier(const loy_tier_status* s);
/* A level staff assigned as a floor (loy_tier_assign) and when it ends (0 = until withdrawn);
 * "" and 0 when none is in force. */
LOY_API const char* LOY_CALL loy_tier_status_assigned_tier(const loy_tier_status* s);
LOY_API int64_t LOY_CALL loy_tier_status_assigned_until(const loy_tier_status* s);
/* Effective benefits (best of tier and plan): multiplier and discount as decimal strings. */
LOY_API const char* LOY_CALL loy_tier_status_multiplier(const loy_tier_status* s);
LOY_API const char* LOY_CALL loy_tier_status_discount(const loy_tier_status* s);
LOY_API int32_t LOY_CALL loy_tier_status_free_delivery(const loy_tier_status* s);
LOY_API size_t LOY_CALL loy_tier_status_benefit_count(const loy_tier_status* s);
LOY_API const char* LOY_CALL loy_tier_status_benefit(const loy_tier_status* s, size_t index);
LOY_API const char* LOY_CALL loy_tier_status_plan(const loy_tier_status* s); /* "" = none */
LOY_API int64_t LOY_CALL loy_tier_status_plan_ends_at(const loy_tier_status* s);
/* Tier changes, newest first: from, to, why, score then, the sale that caused it (0), when. */
LOY_API size_t LOY_CALL loy_tier_status_event_count(const loy_tier_status* s);
LOY_API const char* LOY_CALL loy_tier_status_event_from(const loy_tier_status* s, size_t i);
LOY_API const char* LOY_CALL loy_tier_status_event_to(const loy_tier_status* s, size_t i);
LOY_API const char* LOY_CALL loy_tier_status_event_reason(const loy_tier_status* s, size_t i);
LOY_API int64_t LOY_CALL loy_tier_status_event_score(const loy_tier_status* s, size_t i);
LOY_API int64_t LOY_CALL loy_tier_status_event_sale_id(const loy_tier_status* s, size_t i);
LOY_API int64_t LOY_CALL loy_tier_status_event_at(const loy_tier_status* s, size_t i);
/* The tier event's chain-wide id, <origin>:T<seq> (docs/journal.md). */
LOY_API const char* LOY_CALL loy_tier_status_event_uid(const loy_tier_status* s, size_t i);

/* Tier review at now_ms (0 = the handle's clock): upgrades whoever qualifies, marks members below
 * their level at risk, and after the grace period moves them down by the programme's policy.
 * Idempotent for one time. Each out-parameter may be NULL. */
LOY_API int32_t LOY_CALL loy_tiers_review(loy_db* db, int64_t now_ms, int64_t* out_reviewed,
                                          int64_t* out_upgraded, int64_t* out_downgraded,
                                          int64_t* out_at_risk, loy_error* err);

/* Staff assign a level as a floor (a VIP guest, a compensation, a status match) until until_ms
 * (0 = until withdrawn): the member is raised to it now and cannot fall below it while it is in
 * force; above it, the score moves them as usual. tier_id NULL or "" withdraws the assignment
 * (the member keeps the level until a review moves them). reason is required; operator_id may be
 * NULL. The latest assignment of a member, in any file, is the one in force (docs/tiers.md). */
LOY_API int32_t LOY_CALL loy_tier_assign(loy_db* db, int64_t member_id, const char* tier_id,
                                         int64_t until_ms, const char* reason,
                                         const char* operator_id, const char* idempotency_key,
                                         loy_error* err);
/* The member's stamps on one of the programme's stamp cards (`stamp_cards`, docs/programme.md):
 * what the card holds now, towards its next reward. An unknown card is LOY_ERR_NOT_FOUND. */
LOY_API int32_t LOY_CALL loy_member_stamps(loy_db* db, int64_t member_id, const char* card_id,
                                           int64_t* out_stamps, loy_error* err);
/* End the member's active plan now: its benefits and tier floor stop. */
LOY_API int32_t LOY_CALL loy_plan_cancel(loy_db* db, int64_t member_id, const char* idempotency_key,
                                         loy_error* err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LOYALTY_TIERS_H */
