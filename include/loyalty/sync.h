/* libloyalty-sync: a till's journal carried to and from the chain's authority on PostgreSQL
 * (docs/chain.md). The core library never touches the network; this library links libpq and
 * the core, and is used by loyalty-syncd (a daemon beside the POS) or linked into an online
 * shop's backend. Same conventions as loyalty.h: every call returns LOY_OK or a LOY_ERR_*, fills
 * `err` when not NULL, and never throws across the ABI. */
#ifndef LOYALTY_SYNC_H
#define LOYALTY_SYNC_H

#include <loyalty/loyalty.h>

#if defined(_WIN32)
#if defined(LOYALTY_SYNC_BUILDING)
#define LOY_SYNC_API __declspec(dllexport)
#else
#define LOY_SYNC_API __declspec(dllimport)
#endif
#elif defined(LOYALTY_SYNC_BUILDING) && defined(__GNUC__)
#define LOY_SYNC_API __attribute__((visibility("default")))
#else
#define LOY_SYNC_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct loy_sync loy_sync;

typedef struct loy_sync_options {
    uint32_t size;             /* sizeof(loy_sync_options); loy_sync_options_init sets it */
    const char* conninfo;      /* libpq connection string or URI: host, port, dbname, user,
                                  password, sslmode=verify-full, sslrootcert... (required) */
    int32_t batch_records;     /* records per push or pull transaction, 1 to 10000 (500) */
    int32_t connect_timeout_s; /* seconds to wait for the authority before giving up (5) */
} loy_sync_options;

LOY_SYNC_API void LOY_CALL loy_sync_options_init(loy_sync_options* o);

/* What a round did, and what a till can show: "last synced 2 min ago, 14 records waiting". */
typedef struct loy_sync_report {
    uint32_t size;      /* sizeof(loy_sync_report); loy_sync_report_init sets it */
    int64_t pushed;     /* this till's records the authority took in this round */
    int64_t duplicates; /* records it held already (a resend after a lost answer) */
    int64_t pulled;     /* other tills' records applied to this file in this round */
    int64_t profiles;   /* members' profiles (phone, name...) brought to this file */
    int64_t conflicts;  /* profiles not brought: their phone or card is another member's here */
    int64_t waiting;    /* this till's records the authority does not hold yet (as last known) */
    int64_t acked_seq;  /* the last of this till's records the authority holds (-1: unknown) */
    int64_t last_synced_at; /* when a round last completed, ms since 1970 (0: never) */
} loy_sync_report;

LOY_SYNC_API void LOY_CALL loy_sync_report_init(loy_sync_report* r);

/* A sync handle for `db` (which must stay open while the handle lives). Nothing is sent until
 * loy_sync_run_once. LOY_ERR_INVALID_ARGUMENT without a conninfo or with a batch out of range. */
LOY_SYNC_API int32_t LOY_CALL loy_sync_open(loy_db* db, const loy_sync_options* options,
                                            loy_sync** out_sync, loy_error* err);

/* One round: connects if needed, registers this till's origin, pushes every record the
 * authority does not hold (in batches, each applied exactly once), then pulls and applies every
 * other till's record this file does not hold. LOY_ERR_IO when the authority cannot be reached
 * (transient: retry later; the till goes on selling), LOY_ERR_SYNC_FORK when the authority holds
 * other records under this till's ids (a file restored or copied: the origin is quarantined and
 * nothing more is taken from it), LOY_ERR_SYNC_GAP when a pulled record needs records the
 * authority does not hold. `out` (may be NULL) gets the round's figures, also on failure. */
LOY_SYNC_API int32_t LOY_CALL loy_sync_run_once(loy_sync* s, loy_sync_report* out, loy_error* err);

/* The last known figures, without touching the network: records waiting is this file's last
 * record less the last one the authority acknowledged. */
LOY_SYNC_API int32_t LOY_CALL loy_sync_status(loy_sync* s, loy_sync_report* out, loy_error* err);

/* Spending points in a chain (docs/chain.md, "Spending points"): before a sale spends a member's
 * points, the till asks the authority to hold them. The till's waiting records are pushed first,
 * so that the authority counts what this till has written. On success `hold_id_buf` gets the
 * hold's id (snprintf semantics; 64 bytes are enough) and `out_expires_at` when it lapses (ms
 * since 1970); set both on the basket (loy_basket_set_hold) and commit: the sale, pushed, posts
 * the hold. LOY_ERR_INSUFFICIENT_POINTS when what the member has over the whole chain, less
 * other tills' pending holds, does not cover `points` (the message says how many it does);
 * LOY_ERR_IO when the authority cannot be reached: the sale cannot spend points now (earning
 * needs no hold). `ttl_s`: 1 to 86400 seconds. */
LOY_SYNC_API int32_t LOY_CALL loy_sync_hold(loy_sync* s, const char* member_uid, int64_t points,
                                            int32_t ttl_s, char* hold_id_buf, size_t capacity,
                                            int64_t* out_expires_at, loy_error* err);
/* Paying from the wallet in a chain (docs/chain.md, "Wallet money in a chain"): as
 * loy_sync_hold, for `amount` of the member's wallet money (minor units): what the member has
 * available over the whole chain, less other tills' pending holds, must cover it. Set the hold on
 * the basket (loy_basket_set_wallet_hold) and commit. LOY_ERR_INSUFFICIENT_FUNDS when it does
 * not (the message says how much it does); LOY_ERR_IO when the authority cannot be reached.
 * `ttl_s`: 1 to 86400 seconds. */
LOY_SYNC_API int32_t LOY_CALL loy_sync_hold_wallet(loy_sync* s, const char* member_uid,
                                                   int64_t amount, int32_t ttl_s, char* hold_id_buf,
                                                   size_t capacity, int64_t* out_expires_at,
                                                   loy_error* err);
/* Redeeming a reward at a till of a chain (docs/chain.md, "Rewards in a chain"): the authority
 * holds the reward's points (`quantity` times its points, from the programme in effect here) of
 * what the member has over the whole chain, and `quantity` of its stock and of its per-member
 * limit over every till, counting other tills' pending holds. Then redeem with
 * loy_reward_redeem_held. LOY_ERR_INSUFFICIENT_POINTS, LOY_ERR_OUT_OF_STOCK or
 * LOY_ERR_CAP_REACHED with the reason; LOY_ERR_NOT_FOUND for a reward the programme lacks;
 * LOY_ERR_IO when the authority cannot be reached. `ttl_s`: 1 to 86400. */
LOY_SYNC_API int32_t LOY_CALL loy_sync_hold_reward(loy_sync* s, const char* member_uid,
                                                   const char* reward_id, int64_t quantity,
                                                   int32_t ttl_s, char* hold_id_buf,
                                                   size_t capacity, int64_t* out_expires_at,
                                                   loy_error* err);
/* Paying with gift cards in a chain (docs/chain.md, "Gift cards in a chain"): a card sold at one
 * branch may be spent at another, so before a sale pays with gift cards the till asks the
 * authority to hold the amounts. A round runs first (so a card sold at another branch is known
 * here). On success the hold is set on the basket (loy_basket_set_giftcard_hold: commit it
 * next), `hold_id_buf` (may be NULL) gets its id and `out_expires_at` when it lapses; a basket
 * with no gift card holds nothing (LOY_OK, an empty id). LOY_ERR_INSUFFICIENT_FUNDS when what a
 * card holds over the whole chain, less the other pending holds, does not cover its amount (the
 * message says how much it does); LOY_ERR_IO when the authority cannot be reached. `ttl_s`: 1 to
 * 86400 seconds. */
LOY_SYNC_API int32_t LOY_CALL loy_sync_hold_giftcards(loy_sync* s, loy_basket* basket,
                                                      int32_t ttl_s, char* hold_id_buf,
                                                      size_t capacity, int64_t* out_expires_at,
                                                      loy_error* err);
/* Using coupons in a chain (docs/chain.md, "Coupons in a chain"): before a sale uses a coupon
 * that a limit counts over the whole chain (an issued code, or a campaign with a limit of uses,
 * in all or per member, or a budget), the till asks the authority to hold those uses. A round
 * runs first (this till's waiting records pushed, the others' pulled), so that the authority
 * counts what this till has written and a code issued at another branch is known here. The
 * basket is evaluated as loy_quote_basket does (loy_basket_coupon_claims). On success the hold
 * is set on the basket (loy_basket_set_coupon_hold: commit it next), `hold_id_buf` (may be
 * NULL; snprintf semantics) gets its id and `out_expires_at` when it lapses (ms since 1970).
 * When the basket uses no such coupon, nothing is held: LOY_OK and an empty id.
 * LOY_ERR_COUPON_REJECTED when a limit is reached over the whole chain (the message says which:
 * the code's uses, the campaign's, the member's, the budget), counting the other tills' pending
 * holds; LOY_ERR_IO when the authority cannot be reached: the sale cannot use the coupon now.
 * `ttl_s`: 1 to 86400 seconds. loy_sync_void_hold gives the hold back. */
LOY_SYNC_API int32_t LOY_CALL loy_sync_hold_coupons(loy_sync* s, loy_basket* basket, int32_t ttl_s,
                                                    char* hold_id_buf, size_t capacity,
                                                    int64_t* out_expires_at, loy_error* err);
/* Gives a pending hold back (the customer paid otherwise), of points, wallet
 * money, a reward, gift cards or coupons. LOY_ERR_NOT_FOUND when it is not this till's pending hold
 * (posted, voided, or unknown).
 */
LOY_SYNC_API int32_t LOY_CALL loy_sync_void_hold(loy_sync* s, const char* hold_id, loy_error* err);

LOY_SYNC_API void LOY_CALL loy_sync_close(loy_sync* s);

/* The chain's dashboard for the manager (docs/chain.md, "Chain reports"): one self-contained HTML
 * page of the reports the authority computes over every branch — sales, points, the points
 * liability at each month's end, coupon uses by campaign, points spent within offline
 * allowances — by branch and Jalali month. `conninfo` logs in as a member of loyalty_manager (a
 * read replica will do); needs no till file. `utc_offset_minutes`: where Jalali months start
 * (210 for Tehran), -720 to 840. `language`: "fa" (right to left, Persian digits and month
 * names; NULL means "fa") or "en". snprintf semantics (`out_needed`: the page's length; each
 * call reads the reports again). LOY_ERR_IO when the authority cannot be reached,
 * LOY_ERR_INVALID_ARGUMENT for a bad argument or a role that may not read the reports. */
LOY_SYNC_API int32_t LOY_CALL loy_sync_dashboard_html(const char* conninfo,
                                                      int32_t utc_offset_minutes,
                                                      const char* language, char* buf,
                                                      size_t capacity, size_t* out_needed,
                                                      loy_error* err);

#ifdef __cplusplus
}
#endif

#endif
