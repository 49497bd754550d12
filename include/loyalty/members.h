/* libloyalty's C ABI, one part of it (include/loyalty/loyalty.h includes every part, and documents
 * the conventions they share): members: enrolment, look-up, erasure, merges, households, listing.
 */
#ifndef LOYALTY_MEMBERS_H
#define LOYALTY_MEMBERS_H

#include "base.h"
#include "database.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ===========================================================================================
 * Members
 * =========================================================================================== */

typedef struct loy_member loy_member;
typedef struct loy_member_list loy_member_list;

#define LOY_MEMBER_ACTIVE 0
#define LOY_MEMBER_INACTIVE 1
#define LOY_MEMBER_ERASED 2
#define LOY_MEMBER_MERGED 3

#define LOY_UNCHANGED (-1) /* for int32 fields of loy_member_fields in loy_member_update */

/* Fields of a member. For loy_member_enrol a NULL string or LOY_UNCHANGED/0 number means
 * absent. For loy_member_update a NULL string or LOY_UNCHANGED means "keep", an empty string
 * "" clears the field. Tags are comma-separated ("vegan,coffee"). */
typedef struct loy_member_fields {
    uint32_t size; /* sizeof(loy_member_fields); loy_member_fields_init sets it */
    const char* phone;
    const char* card;
    const char* name;
    const char* email;
    int32_t birth_year;  /* 0 or LOY_UNCHANGED when unknown */
    int32_t birth_month; /* 1..12 */
    int32_t birth_day;   /* 1..31 */
    const char* gender;
    const char* tags;
    const char* language; /* BCP 47, e.g. "fa", "en" */
    int32_t consent_sms;  /* 0 / 1 / LOY_UNCHANGED */
    int32_t consent_email;
    int32_t consent_push;
    const char* branch;   /* where the member joined */
    const char* referrer; /* referrer's member id (decimal) or referral code */
} loy_member_fields;

/* Sets size and marks every field absent/unchanged. */
LOY_API void LOY_CALL loy_member_fields_init(loy_member_fields* fields);

/* Enrol a member. Needs a phone or a card. idempotency_key may be NULL. */
LOY_API int32_t LOY_CALL loy_member_enrol(loy_db* db, const loy_member_fields* fields,
                                          const char* idempotency_key, loy_member** out_member,
                                          loy_error* err);
LOY_API int32_t LOY_CALL loy_member_get(loy_db* db, int64_t member_id, loy_member** out_member,
                                        loy_error* err);
LOY_API int32_t LOY_CALL loy_member_find_by_phone(loy_db* db, const char* phone,
                                                  loy_member** out_member, loy_error* err);
LOY_API int32_t LOY_CALL loy_member_find_by_card(loy_db* db, const char* card,
                                                 loy_member** out_member, loy_error* err);
/* The till's lookup: tries the text as a card code, then as a phone number. */
LOY_API int32_t LOY_CALL loy_member_identify(loy_db* db, const char* phone_or_card,
                                             loy_member** out_member, loy_error* err);
LOY_API int32_t LOY_CALL loy_member_update(loy_db* db, int64_t member_id,
                                           const loy_member_fields* fields, loy_member** out_member,
                                           loy_error* err);
LOY_API int32_t LOY_CALL loy_member_deactivate(loy_db* db, int64_t member_id, loy_error* err);
LOY_API int32_t LOY_CALL loy_member_reactivate(loy_db* db, int64_t member_id, loy_error* err);
/* Erase personal data: name, phone, card, email, birthday, gender, tags, language and consents
 * are cleared for good. The ledger, sales and totals stay; the member is no longer identifiable.
 */
LOY_API int32_t LOY_CALL loy_member_erase(loy_db* db, int64_t member_id, loy_error* err);
/* Merge `absorbed_id` into `survivor_id`: points lots move with their expiry, the absorbed
 * member's history is shown with the survivor's, its phone/card pass to the survivor when the
 * survivor has none, and the merge is recorded. The absorbed member ends LOY_MEMBER_MERGED. */
LOY_API int32_t LOY_CALL loy_member_merge(loy_db* db, int64_t survivor_id, int64_t absorbed_id,
                                          loy_member** out_survivor, loy_error* err);
/* The same member events with an idempotency key (NULL or "" = none): a retry with the same key
 * and request returns the first call's outcome, and a refusal stays refused for its key, as for
 * every keyed write (docs/c-abi.md). Each event is a fact of the journal (docs/journal.md). */
LOY_API int32_t LOY_CALL loy_member_update_with_key(loy_db* db, int64_t member_id,
                                                    const loy_member_fields* fields,
                                                    const char* idempotency_key,
                                                    loy_member** out_member, loy_error* err);
LOY_API int32_t LOY_CALL loy_member_deactivate_with_key(loy_db* db, int64_t member_id,
                                                        const char* idempotency_key,
                                                        loy_error* err);
LOY_API int32_t LOY_CALL loy_member_reactivate_with_key(loy_db* db, int64_t member_id,
                                                        const char* idempotency_key,
                                                        loy_error* err);
LOY_API int32_t LOY_CALL loy_member_erase_with_key(loy_db* db, int64_t member_id,
                                                   const char* idempotency_key, loy_error* err);
LOY_API int32_t LOY_CALL loy_member_merge_with_key(loy_db* db, int64_t survivor_id,
                                                   int64_t absorbed_id, const char* idempotency_key,
                                                   loy_member** out_survivor, loy_error* err);

/* Households (docs/members.md): a family pooling its points in one account, its head's. Each
 * member keeps their own card, phone, profile, wallet, coupons and stamps; their points are
 * earned into and spent from the household's balance, and the household has the head's tier
 * (loy_member_get of any member shows the household's balance and tier). Joining brings the
 * member's points with their dates (LOY_ERR_INVALID_STATE for a member with a negative balance
 * or in another household); leaving leaves the pooled points behind; the head leaves last, which
 * ends the household. Members of a household cannot be merged; an erased member leaves it. */
LOY_API int32_t LOY_CALL loy_household_create(loy_db* db, int64_t head_member_id,
                                              const char* idempotency_key,
                                              int64_t* out_household_id, loy_error* err);
LOY_API int32_t LOY_CALL loy_household_join(loy_db* db, int64_t household_id, int64_t member_id,
                                            const char* idempotency_key, loy_error* err);
LOY_API int32_t LOY_CALL loy_household_leave(loy_db* db, int64_t member_id,
                                             const char* idempotency_key, loy_error* err);
/* The member's household now: its id (0 = none), its head, its members (the head included).
 * Each out-parameter may be NULL. */
LOY_API int32_t LOY_CALL loy_member_household(loy_db* db, int64_t member_id,
                                              int64_t* out_household_id, int64_t* out_head_id,
                                              int64_t* out_members, loy_error* err);

LOY_API void LOY_CALL loy_member_free(loy_member* member);

LOY_API int64_t LOY_CALL loy_member_id(const loy_member* m);
LOY_API const char* LOY_CALL loy_member_uid(const loy_member* m);
LOY_API int32_t LOY_CALL loy_member_status(const loy_member* m);
LOY_API const char* LOY_CALL loy_member_phone(const loy_member* m); /* E.164 */
LOY_API const char* LOY_CALL loy_member_card(const loy_member* m);
LOY_API const char* LOY_CALL loy_member_name(const loy_member* m);
LOY_API const char* LOY_CALL loy_member_email(const loy_member* m);
LOY_API int32_t LOY_CALL loy_member_birth_year(const loy_member* m);  /* 0 = unknown */
LOY_API int32_t LOY_CALL loy_member_birth_month(const loy_member* m); /* 0 = unknown */
LOY_API int32_t LOY_CALL loy_member_birth_day(const loy_member* m);   /* 0 = unknown */
LOY_API const char* LOY_CALL loy_member_gender(const loy_member* m);
LOY_API const char* LOY_CALL loy_member_tags(const loy_member* m); /* comma-separated, sorted */
LOY_API const char* LOY_CALL loy_member_language(const loy_member* m);
LOY_API int32_t LOY_CALL loy_member_consent_sms(const loy_member* m);
LOY_API int32_t LOY_CALL loy_member_consent_email(const loy_member* m);
LOY_API int32_t LOY_CALL loy_member_consent_push(const loy_member* m);
LOY_API const char* LOY_CALL loy_member_branch(const loy_member* m);
LOY_API int64_t LOY_CALL loy_member_referrer_id(const loy_member* m); /* 0 = none */
LOY_API const char* LOY_CALL loy_member_referral_code(const loy_member* m);
LOY_API int64_t LOY_CALL loy_member_merged_into(const loy_member* m); /* 0 = not merged */
LOY_API int64_t LOY_CALL loy_member_created_at(const loy_member* m);
/* Points: balance = sum of the member's ledger entries; available = what can be spent now
 * (earned, past the return window, not expired); pending = still inside a return window. */
LOY_API int64_t LOY_CALL loy_member_balance(const loy_member* m);
LOY_API int64_t LOY_CALL loy_member_available(const loy_member* m);
LOY_API int64_t LOY_CALL loy_member_pending(const loy_member* m);
LOY_API int64_t LOY_CALL loy_member_lifetime_earned(const loy_member* m);
/* The member's tier level id ("" when the programme has no tiers). */
LOY_API const char* LOY_CALL loy_member_tier(const loy_member* m);
/* The member's wallet balance (money, minor units of the programme currency). */
LOY_API int64_t LOY_CALL loy_member_wallet_balance(const loy_member* m);

/* Listing and search. */
typedef struct loy_member_query {
    uint32_t size;            /* sizeof(loy_member_query); loy_member_query_init sets it */
    const char* name_prefix;  /* case-insensitive prefix of the name, NULL = any */
    const char* phone_prefix; /* prefix in any accepted form ("0912", "+98912"), NULL = any */
    const char* tag;          /* members carrying this tag, NULL = any */
    int32_t include_inactive; /* 1 to include deactivated/erased/merged members */
    int32_t limit;            /* page size, 1..1000; 0 = 100 */
    int64_t after_id;         /* keyset paging: members with id > after_id */
} loy_member_query;

LOY_API void LOY_CALL loy_member_query_init(loy_member_query* query);
LOY_API int32_t LOY_CALL loy_member_search(loy_db* db, const loy_member_query* query,
                                           loy_member_list** out_list, loy_error* err);
LOY_API size_t LOY_CALL loy_member_list_count(const loy_member_list* list);
/* Borrowed: owned by the list, valid until loy_member_list_free. */
LOY_API const loy_member* LOY_CALL loy_member_list_at(const loy_member_list* list, size_t index);
LOY_API void LOY_CALL loy_member_list_free(loy_member_list* list);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LOYALTY_MEMBERS_H */
