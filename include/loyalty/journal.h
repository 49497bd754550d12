/* libloyalty's C ABI, one part of it (include/loyalty/loyalty.h includes every part, and documents
 * the conventions they share): chain-wide ids and the journal. */
#ifndef LOYALTY_JOURNAL_H
#define LOYALTY_JOURNAL_H

#include "base.h"
#include "database.h"
#include "members.h"
#include "checkout.h"
#include "coupons.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ===========================================================================================
 * Chain-wide ids and the journal (see docs/journal.md)
 *
 * Every fact has an id `<origin>:<letter><seq>` (M member, S sale, R refund or void, C coupon,
 * L ledger entry, W wallet entry, U coupon use, X reward redemption, P plan subscription,
 * T tier event, G gift card, A gift card activity, H points hold) that stays the same in every
 * file the fact is copied to. The origin is the
 * till's name (loy_open_options.origin), or `<till>~<generation>-<6 hex>` once the file was found
 * copied, moved to another file or restored from a backup.
 * =========================================================================================== */

/* The origin this handle writes as: its name (snprintf semantics), its generation, and 1 in
 * out_new_generation when this open found the file copied, moved or restored. Each out-parameter
 * may be NULL. */
LOY_API int32_t LOY_CALL loy_origin_get(loy_db* db, char* name_buf, size_t capacity,
                                        size_t* out_needed, int64_t* out_generation,
                                        int32_t* out_new_generation, loy_error* err);
/* Look-ups by chain-wide id. LOY_ERR_NOT_FOUND when no fact here has it; LOY_ERR_INVALID_ARGUMENT
 * when the text is not an id of that kind. */
LOY_API int32_t LOY_CALL loy_member_find_by_uid(loy_db* db, const char* uid,
                                                loy_member** out_member, loy_error* err);
LOY_API int32_t LOY_CALL loy_sale_find_by_uid(loy_db* db, const char* uid, int64_t* out_sale_id,
                                              loy_error* err);
/* The receipt of a sale (`…:S12`), refund or void (`…:R3`) again, e.g. to reprint it. */
LOY_API int32_t LOY_CALL loy_receipt_get(loy_db* db, const char* uid, loy_receipt** out_receipt,
                                         loy_error* err);
LOY_API int32_t LOY_CALL loy_coupon_find_by_uid(loy_db* db, const char* uid,
                                                loy_coupon** out_coupon, loy_error* err);
LOY_API const char* LOY_CALL loy_coupon_uid(const loy_coupon* c);
LOY_API const char* LOY_CALL loy_redemption_uid(const loy_redemption* r);

/* The journal: per origin, one record per committed write, in order, each carrying the SHA-256 of
 * the record before it. A record's body is a JSON array of the facts the write made, with
 * chain-wide ids and no personal data. loy_journal_read gives the records of `origin` (NULL or
 * "": this handle's) with seq > after_seq, at most max_records (1 to 10000), and none after
 * the record whose body brings the bodies read to 8 MiB (two records of a large import): fewer
 * than max_records does not mean none is left; read on after the last seq given until a read
 * gives none. */
typedef struct loy_journal loy_journal;
LOY_API int32_t LOY_CALL loy_journal_read(loy_db* db, const char* origin, int64_t after_seq,
                                          int32_t max_records, loy_journal** out_journal,
                                          loy_error* err);
LOY_API void LOY_CALL loy_journal_free(loy_journal* j);
LOY_API size_t LOY_CALL loy_journal_count(const loy_journal* j);
LOY_API const char* LOY_CALL loy_journal_origin(const loy_journal* j, size_t i);
LOY_API int64_t LOY_CALL loy_journal_seq(const loy_journal* j, size_t i);
/* The operation: sale, refund, void, enrol, member_update, member_erase, adjust, expire, ... */
LOY_API const char* LOY_CALL loy_journal_kind(const loy_journal* j, size_t i);
LOY_API const char* LOY_CALL loy_journal_key(const loy_journal* j, size_t i); /* or "" */
LOY_API const char* LOY_CALL loy_journal_body(const loy_journal* j, size_t i);
LOY_API const char* LOY_CALL loy_journal_prev(const loy_journal* j, size_t i); /* 64 hex digits */
LOY_API const char* LOY_CALL loy_journal_hash(const loy_journal* j, size_t i); /* 64 hex digits */
LOY_API int64_t LOY_CALL loy_journal_created_at(const loy_journal* j, size_t i);

/* Applying other origins' records to this file: how two files, or a till and the chain, come to
 * hold the same facts. loy_journal_new makes an empty list and loy_journal_add appends a record
 * received from elsewhere, with its fields as loy_journal_read gives them (at most 10000 records);
 * loy_journal_apply applies a list, read from another file or built so, in one transaction:
 *   - each record exactly once per (origin, seq): one held already, with the same hash, changes
 *     nothing and is counted in out_duplicates;
 *   - in each origin's order: a record that does not follow the last one held of its origin, or
 *     whose facts name a fact this file does not hold yet, is LOY_ERR_SYNC_GAP (the message says
 *     which records to apply first);
 *   - a record that differs from the one held under its id, or does not chain to the record
 *     before it, is LOY_ERR_SYNC_FORK: two files wrote as one origin.
 * A refused list changes nothing. The facts become rows here with their ids, and this file
 * computes what follows from them (balances, lots, tier, a sale's status), as for its own writes.
 * Each out-parameter may be NULL. */
LOY_API int32_t LOY_CALL loy_journal_new(loy_journal** out_journal, loy_error* err);
LOY_API int32_t LOY_CALL loy_journal_add(loy_journal* j, const char* origin, int64_t seq,
                                         const char* kind, const char* key, const char* body,
                                         const char* prev, const char* hash, int64_t created_at,
                                         loy_error* err);
LOY_API int32_t LOY_CALL loy_journal_apply(loy_db* db, const loy_journal* j, int64_t* out_applied,
                                           int64_t* out_duplicates, loy_error* err);
/* Appends to a list the profile of member `uid` as another till holds it (the fields as for
 * loy_member_profile_apply, below). A list holds at most 10000 profiles; a list of one record,
 * added first, holds up to 1000000, more than one record names (a record's body ends at the
 * first fact past 4 MiB: an import of members is a record of about 26,000 of them, then
 * another). loy_journal_apply writes a list's
 * profiles after its records, in the same transaction: the members a list brings land with their
 * profiles or not at all, so a sync stopped between the two never leaves a member without the
 * phone a cashier finds them by. A profile this file cannot take is passed over, the rest of the
 * list applied: no member `uid` here yet, an erased or merged one, or a phone or card another
 * member's here. */
LOY_API int32_t LOY_CALL loy_journal_add_profile(loy_journal* j, const char* uid,
                                                 const loy_member_fields* fields, loy_error* err);
/* A member's profile as another till holds it (phone, card, name, e-mail, birthday, gender,
 * language, tags; NULL or LOY_UNCHANGED leaves a field, "" clears it), brought by the chain's
 * authority: written to the member with chain-wide id `uid` without a journal record, since the
 * journal never holds personal data (docs/chain.md, "Profiles"). Consents, branch and referrer
 * are facts and travel in the journal: they are ignored here. LOY_ERR_MEMBER_INACTIVE for an
 * erased or merged member (erasure wins), LOY_ERR_DUPLICATE when another member here has the
 * phone or card. out_member may be NULL. */
LOY_API int32_t LOY_CALL loy_member_profile_apply(loy_db* db, const char* uid,
                                                  const loy_member_fields* fields,
                                                  loy_member** out_member, loy_error* err);
/* The last record this file holds of each origin (one per origin, by name): where a sync resumes,
 * and what a till tells the chain it holds. Read it with the loy_journal accessors. */
LOY_API int32_t LOY_CALL loy_journal_heads(loy_db* db, loy_journal** out_journal, loy_error* err);

/* Recompute every balance from the ledger and every lot from its consumptions, check the
 * journal's chain and every fact against its record, and rebuild the projections from the
 * journal alone to compare them (docs/journal.md); report each difference. out_problems = 0
 * means consistent; the text lists the problems found. */
LOY_API int32_t LOY_CALL loy_verify(loy_db* db, int64_t* out_problems, char* buf, size_t capacity,
                                    size_t* out_needed, loy_error* err);
/* Recompute the projections from the facts: each member's balance, lifetime earnings, wallet
 * balance and tier, each lot's remainder, each sale's status, each campaign's uses and discount.
 * out_corrected (may be NULL) is the number of rows that were wrong (0 on a sound file). One
 * transaction. */
LOY_API int32_t LOY_CALL loy_rebuild(loy_db* db, int64_t* out_corrected, loy_error* err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LOYALTY_JOURNAL_H */
