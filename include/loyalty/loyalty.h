/*
 * libloyalty — a customer-club (loyalty) engine for point-of-sale software.
 *
 * This header is the C ABI: the one contract every POS binds to, from C, C++, C#, Delphi, Java,
 * Python or Node. It is also the reference documentation of that contract.
 *
 * ===========================================================================================
 * CONVENTIONS
 * ===========================================================================================
 *
 *  1. Status codes. Every fallible function returns an int32_t status: LOY_OK (0) on success,
 *     one of the LOY_ERR_* numbers otherwise. The numbers are stable: a code is never renumbered
 *     or reused. New codes may be added in later minor versions; treat an unknown code as a
 *     failure of its class (see loy_status_is_transient()).
 *
 *  2. Error details. Every fallible function takes a last parameter `loy_error* err`. It may be
 *     NULL. When it is not NULL, the caller owns it and must set err->size = sizeof(loy_error)
 *     (loy_error_init() does that); on failure the library fills err->code and err->message
 *     (UTF-8, NUL-terminated, truncated to fit). On success it sets err->code = LOY_OK and an empty
 *     message. Nothing is thread-local: the error travels with the call.
 *
 *  3. Out-parameters. On failure every out-parameter is set to NULL or 0 and nothing needs to be
 *     freed. On success, a handle returned through a pointer-to-pointer is owned by the caller and
 *     is released with the matching loy_*_free() function (loy_close() for the database).
 *     Passing NULL to any _free/_close function is a harmless no-op.
 *     Which may be NULL: a handle out-parameter (`loy_x** out_...`) is required, and so is the
 *     one number that is a function's whole answer (out_sale_id of loy_sale_find_by_key,
 *     out_problems of loy_verify, out_points of loy_points_expiring, out_exponent of
 *     loy_currency_exponent); NULL there is LOY_ERR_INVALID_ARGUMENT. Every other out-parameter
 *     (a count, a balance, a version, out_needed, out_line_no…) may be NULL when the caller does
 *     not want it. A text buffer `buf` may be NULL only with `capacity` 0 (convention 6).
 *
 *  4. Result handles are immutable snapshots. Accessors never fail: given a NULL handle or an index
 *     out of range they return 0 or "" (never NULL). A `const char*` returned by an accessor is
 *     UTF-8, NUL-terminated and owned by the handle: it stays valid until the handle is freed.
 *
 *  5. Strings in. Every `const char*` argument is UTF-8 and NUL-terminated. The library copies
 *     what it keeps; the caller may free its strings when the call returns. Invalid UTF-8 is
 *     refused with LOY_ERR_INVALID_UTF8, an over-long string with LOY_ERR_TOO_LONG.
 *     Optional string arguments accept NULL for "absent".
 *
 *  6. Single strings out are copied into a caller buffer with snprintf semantics: the function
 *     writes at most `capacity` bytes including the NUL, and returns (through `out_needed` or
 *     its return value) the length the full string needs, excluding the NUL.
 *
 *  7. Money is an int64_t amount of minor units plus a currency code ("IRR", "IRT" for toman,
 *     "USD"...): 150 USD cents is 1.50 USD; rial and toman have no minor unit. The currency's
 *     exponent is data (loy_currency_set()), never assumed. Every amount in this API and in a
 *     programme file is in minor units, a rate like the programme's point_value included (money
 *     in minor units per point: "1" in a USD programme is one cent a point). Points are
 *     int64_t whole points. Rates are decimal strings with a strict grammar: digits, an optional
 *     '.' followed by digits ("1000", "0.5", "1.25"); no sign, grouping or exponent. No floating
 *     point type appears in this API.
 *
 *  8. Time is int64_t milliseconds since the Unix epoch, UTC. Local-time rules (weekdays, happy
 *     hours, calendar months, expiry at the end of a day) use the programme's fixed UTC offset.
 *
 *  9. Idempotency. Every write that a till may retry takes an `idempotency_key` chosen by the
 *     caller (for example "T03-R000123" for terminal 3, receipt 123; put no personal data in a
 *     key; at most 128 bytes). It is required: NULL or "" is LOY_ERR_INVALID_ARGUMENT, except
 *     for loy_member_enrol, where NULL enrols without one (a retry then finds the phone taken:
 *     LOY_ERR_DUPLICATE). The same key with the same request returns the first result again, marked
 * as replayed; the same key with a different request is refused with LOY_ERR_IDEMPOTENCY_CONFLICT.
 * The library keeps, per key, the operation, a SHA-256 digest of the request (never its text) and
 * the outcome.
 *
 * 10. Refusals. A refused call changes no business data (members, points, sales, coupons,
 *     wallet, messages). When it carried an idempotency key, a refusal with one of these
 *     statuses is remembered for that key, so that a retry gets the same answer even after the
 *     state that caused it changed: LOY_ERR_DUPLICATE, NOT_FOUND, MEMBER_INACTIVE,
 *     INSUFFICIENT_POINTS, REDEMPTION_NOT_ALLOWED, CAP_REACHED, REFUND_EXCEEDS_SALE,
 *     SALE_VOIDED, INVALID_STATE, UNKNOWN_CURRENCY, COUPON_INVALID, COUPON_REJECTED,
 *     OUT_OF_STOCK, INSUFFICIENT_FUNDS, INVALID_AMOUNT and OVERFLOW. The memory is one
 *     request-log row (the digest, the status and a message without personal data). Correct the
 *     request and send it under a new key. Every other status leaves nothing behind: a refused
 *     argument (INVALID_ARGUMENT, INVALID_UTF8, TOO_LONG, INVALID_PHONE, ...; correct it and use
 *     the same key) and a transient failure (LOY_ERR_BUSY, LOY_ERR_IO, LOY_ERR_NO_MEMORY; retry
 *     with the same key). A checkout commit writes the sale, points
 *     tender and earning in one SQLite transaction. (Batched jobs, docs/reports.md, commit in
 *     batches and keep the batches already written.)
 *
 * 11. Threads and processes. A loy_db handle may be used from several threads at once: calls on
 *     one handle are serialised by a lock inside it. Result handles are immutable and may be read
 *     from any thread; a basket or refund builder must not be modified by two threads at once.
 *     Several processes (or several handles) may open the same file: SQLite's locking serialises
 *     writers, and a writer that waits longer than the busy timeout gets LOY_ERR_BUSY.
 *
 * 12. Types. Only fixed-width integers, size_t, opaque pointers and structs that begin with
 *     their own size cross this interface. Booleans are int32_t (0 = false, 1 = true). No
 *     callbacks, no variadic functions. All functions use the C calling convention (__cdecl on
 *     Windows).
 *
 * 13. No exception, signal or abort crosses this interface: internal failures become
 *     LOY_ERR_INTERNAL with a message.
 */
#ifndef LOYALTY_LOYALTY_H
#define LOYALTY_LOYALTY_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define LOY_CALL __cdecl
#if defined(LOYALTY_STATIC)
#define LOY_API
#elif defined(LOYALTY_BUILDING)
#define LOY_API __declspec(dllexport)
#else
#define LOY_API __declspec(dllimport)
#endif
#else
#define LOY_CALL
#if defined(LOYALTY_BUILDING) && defined(__GNUC__)
#define LOY_API __attribute__((visibility("default")))
#else
#define LOY_API
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ===========================================================================================
 * Version
 * =========================================================================================== */

#define LOY_VERSION_MAJOR 0
#define LOY_VERSION_MINOR 4
#define LOY_VERSION_PATCH 0
#define LOY_VERSION_NUMBER (LOY_VERSION_MAJOR * 10000 + LOY_VERSION_MINOR * 100 + LOY_VERSION_PATCH)
#define LOY_VERSION_STRING "0.4.0"

/* The version of the library actually loaded (FFIs cannot see the macros). */
LOY_API int32_t LOY_CALL loy_version_number(void);
LOY_API const char* LOY_CALL loy_version_string(void);

/* ===========================================================================================
 * Status codes and errors
 * =========================================================================================== */

#define LOY_OK 0
#define LOY_ERR_INVALID_ARGUMENT 1     /* a required pointer is NULL, or a value is out of range */
#define LOY_ERR_INVALID_UTF8 2         /* a string argument is not valid UTF-8 */
#define LOY_ERR_TOO_LONG 3             /* a string argument is longer than its field allows */
#define LOY_ERR_INVALID_PHONE 4        /* a phone number cannot be normalised to E.164 */
#define LOY_ERR_DUPLICATE 5            /* phone or card already belongs to another member */
#define LOY_ERR_NOT_FOUND 6            /* no member, sale or line with that identifier */
#define LOY_ERR_MEMBER_INACTIVE 7      /* the member is deactivated, erased or merged away */
#define LOY_ERR_INSUFFICIENT_POINTS 8  /* the member cannot spend that many points now */
#define LOY_ERR_IDEMPOTENCY_CONFLICT 9 /* the key was used before with a different request */
#define LOY_ERR_OVERFLOW 10            /* an amount or points value does not fit in int64 */
#define LOY_ERR_INVALID_AMOUNT 11      /* negative quantity, price, discount larger than line... */
#define LOY_ERR_INVALID_RATE 12        /* a decimal rate string does not follow the grammar */
#define LOY_ERR_UNKNOWN_CURRENCY 13    /* currency not configured, or not the programme's */
#define LOY_ERR_INVALID_PROGRAM 14     /* a programme definition is malformed or inconsistent */
#define LOY_ERR_BUSY 15                /* the database stayed locked past the busy timeout */
#define LOY_ERR_IO 16                  /* disk I/O error, disk full, file cannot be opened */
#define LOY_ERR_NOT_A_DATABASE 17      /* the file is not a libloyalty database */
#define LOY_ERR_SCHEMA_TOO_NEW 18      /* the file was written by a newer libloyalty */
#define LOY_ERR_READONLY 19            /* the file or directory is read-only */
#define LOY_ERR_NO_MEMORY 20           /* an allocation failed */
#define LOY_ERR_INTERNAL 21            /* a bug: please report it with the message */
#define LOY_ERR_REFUND_EXCEEDS_SALE 22 /* refund quantity larger than what remains on the line */
#define LOY_ERR_SALE_VOIDED 23         /* the sale was voided or fully refunded already */
#define LOY_ERR_REDEMPTION_NOT_ALLOWED                                                       \
    24                                /* below the minimum, above the basket share, no value \
                                       */
#define LOY_ERR_CAP_REACHED 25        /* an action's cap (awards per period) is used up */
#define LOY_ERR_INVALID_STATE 26      /* the operation does not apply (void after refund...) */
#define LOY_ERR_EMPTY_BASKET 27       /* a sale needs at least one line */
#define LOY_ERR_COUPON_INVALID 28     /* not a code: a typo (check symbol) or unknown */
#define LOY_ERR_COUPON_REJECTED 29    /* a real code that does not apply; the message says why */
#define LOY_ERR_OUT_OF_STOCK 30       /* the reward's stock is used up */
#define LOY_ERR_INSUFFICIENT_FUNDS 31 /* the wallet cannot pay that much now */
#define LOY_ERR_NEEDS_ONLINE 32       /* in chain mode, this needs the chain's authority (a hold) */
#define LOY_ERR_OFFLINE_LIMIT 33      /* in chain mode, the till's offline allowance is used up */
#define LOY_ERR_SYNC_FORK 34          /* another file holds different records under the same ids */
#define LOY_ERR_SYNC_GAP 35 /* a record needs records (or facts) this file does not hold yet */
#define LOY_ERR_NEEDS_APPROVAL 36 /* a large adjustment needs a second operator's approval */

/* Human-readable, English, static name of a status code ("LOY_ERR_BUSY"). Never NULL. */
LOY_API const char* LOY_CALL loy_status_name(int32_t status);
/* 1 when retrying the same call (same idempotency key) may succeed: BUSY, IO, NO_MEMORY. */
LOY_API int32_t LOY_CALL loy_status_is_transient(int32_t status);

/* What a caller does about a status: its family (docs/c-abi.md). Bindings raise one exception
 * type per family.
 *   INVALID_INPUT  fix the call: INVALID_ARGUMENT, INVALID_UTF8, TOO_LONG, INVALID_PHONE, OVERFLOW,
 *                  INVALID_AMOUNT, INVALID_RATE, UNKNOWN_CURRENCY, INVALID_PROGRAM, EMPTY_BASKET
 *   NOT_FOUND      NOT_FOUND
 *   CONFLICT       the data's state refuses: DUPLICATE, MEMBER_INACTIVE, IDEMPOTENCY_CONFLICT,
 *                  REFUND_EXCEEDS_SALE, SALE_VOIDED, INVALID_STATE, SYNC_FORK, SYNC_GAP
 *   DECLINED       the programme refuses (tell the customer): INSUFFICIENT_POINTS,
 *                  REDEMPTION_NOT_ALLOWED, CAP_REACHED, COUPON_INVALID, COUPON_REJECTED,
 *                  OUT_OF_STOCK, INSUFFICIENT_FUNDS, NEEDS_ONLINE, OFFLINE_LIMIT,
 *                  NEEDS_APPROVAL
 *   TRANSIENT      nothing was written; retry with the same key: BUSY, IO, NO_MEMORY
 *   FAILURE        the file or the library: NOT_A_DATABASE, SCHEMA_TOO_NEW, READONLY, INTERNAL,
 *                  and any number that is not a status */
#define LOY_FAMILY_OK 0
#define LOY_FAMILY_INVALID_INPUT 1
#define LOY_FAMILY_NOT_FOUND 2
#define LOY_FAMILY_CONFLICT 3
#define LOY_FAMILY_DECLINED 4
#define LOY_FAMILY_TRANSIENT 5
#define LOY_FAMILY_FAILURE 6
LOY_API int32_t LOY_CALL loy_status_family(int32_t status);

typedef struct loy_error {
    uint32_t size;     /* set to sizeof(loy_error) by the caller (loy_error_init) */
    int32_t code;      /* LOY_OK or LOY_ERR_* */
    char message[512]; /* UTF-8, NUL-terminated */
} loy_error;

LOY_API void LOY_CALL loy_error_init(loy_error* err);

/* ===========================================================================================
 * Database
 * =========================================================================================== */

typedef struct loy_db loy_db;

#define LOY_DURABILITY_FULL 0   /* synchronous=FULL: a committed sale survives power loss */
#define LOY_DURABILITY_NORMAL 1 /* synchronous=NORMAL: survives a crash of the process */

typedef struct loy_open_options {
    uint32_t size;                     /* sizeof(loy_open_options); loy_open_options_init sets it */
    const char* path;                  /* database file, UTF-8 (on Windows too); created when
                                          missing, owner-only (mode 0600; on Windows the folder's
                                          access list) */
    int32_t durability;                /* LOY_DURABILITY_FULL (default) or LOY_DURABILITY_NORMAL */
    int32_t busy_timeout_ms;           /* how long a writer waits for another; default 5000 */
    const char* default_country;       /* ISO 3166 alpha-2 for phone numbers; default "IR" */
    const char* default_currency;      /* default "IRR" */
    const char* origin;                /* this machine's id in entry ids; default: generated once */
    int32_t read_only;                 /* 1 to open read-only (reports, back office); works on a
                                          read-only medium too (docs/storage.md) */
    int32_t default_currency_exponent; /* added in 0.4: the default currency's exponent (0-9),
                                     which a writable open records when the file does not know
                                     the code yet (INR 2, JPY 0, KWD 3); -1 (the default): only
                                     codes the file knows (loy_currency_set adds others) */
    int32_t chain_mode;                /* added in 0.5: 1 when the till belongs to a chain whose
                                          authority holds the points (docs/chain.md): spending
                                          points at checkout then needs a hold from it
                                          (loy_basket_set_hold); 0 (the default): standalone */
    int64_t offline_till_points;       /* added in 0.5, chain mode: points this till may let
                                          members spend without a hold in any 24 hours, while
                                          the authority cannot be reached (0: none, the default:
                                          points are spent online only) */
    int64_t offline_member_points;     /* of those, at most this many per member in 24 hours */
    int32_t checkpoint;                /* added in 0.5: who copies the write-ahead log into the
                                          file (docs/storage.md, "Checkpoints"):
                                          LOY_CHECKPOINT_BACKGROUND (the default) or _INLINE or
                                          _MANUAL */
} loy_open_options;

/* loy_open_options.checkpoint: LOY_CHECKPOINT_BACKGROUND, a thread of the handle's own, so a commit
 * never waits for it; _INLINE, inside the commit that fills ~16 MiB of WAL (SQLite's own way);
 * _MANUAL, the host calls loy_checkpoint when idle (at 256 MiB of WAL a commit does it). */
#define LOY_CHECKPOINT_BACKGROUND 0
#define LOY_CHECKPOINT_INLINE 1
#define LOY_CHECKPOINT_MANUAL 2

LOY_API void LOY_CALL loy_open_options_init(loy_open_options* options);
LOY_API int32_t LOY_CALL loy_open(const loy_open_options* options, loy_db** out_db, loy_error* err);
LOY_API void LOY_CALL loy_close(loy_db* db);

/* Copy what can be copied of the write-ahead log into the database file now, waiting for no reader
 * or writer (a passive checkpoint); for LOY_CHECKPOINT_MANUAL, call it when the till is idle. Gives
 * the frames (pages) in the WAL and how many of them are in the file now (both may be NULL). A
 * read-only handle: LOY_ERR_READONLY. */
LOY_API int32_t LOY_CALL loy_checkpoint(loy_db* db, int32_t* out_wal_frames,
                                        int32_t* out_copied_frames, loy_error* err);

/* Fix the clock used by every later call on this handle (epoch ms, UTC); 0 returns to the system
 * clock. For tests, demos and replays. */
LOY_API int32_t LOY_CALL loy_set_clock(loy_db* db, int64_t now_ms, loy_error* err);
/* The current time as this handle sees it. */
LOY_API int64_t LOY_CALL loy_now(const loy_db* db);

/* Configure a currency's exponent (digits after the decimal point of its minor unit). IRR and IRT
 * (toman) are 0 by default. Changing an exponent does not rescale stored amounts. */
LOY_API int32_t LOY_CALL loy_currency_set(loy_db* db, const char* code, int32_t exponent,
                                          loy_error* err);
LOY_API int32_t LOY_CALL loy_currency_exponent(loy_db* db, const char* code, int32_t* out_exponent,
                                               loy_error* err);

/* Format an amount of minor units with its currency's exponent ("12.50", "1,250,000" with
 * grouping = 1). snprintf semantics; returns via out_needed the length needed. */
LOY_API int32_t LOY_CALL loy_money_format(loy_db* db, int64_t minor_units, const char* currency,
                                          int32_t grouping, char* buf, size_t capacity,
                                          size_t* out_needed, loy_error* err);

/* Normalise a phone number to E.164 with the database's default country; accepts Persian and
 * Arabic-Indic digits, spaces, dashes, a 0 trunk prefix, + or 00 international prefixes. */
LOY_API int32_t LOY_CALL loy_phone_normalize(loy_db* db, const char* phone, char* buf,
                                             size_t capacity, size_t* out_needed, loy_error* err);

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

/* ===========================================================================================
 * Programme (earning and redemption rules, as data)
 * =========================================================================================== */

/* Load a programme from its JSON text (see docs/programme.md). It becomes the active version;
 * its number is returned. Every later sale records the version it used. Loading the same text as
 * the active version again is a no-op that returns the active version. */
LOY_API int32_t LOY_CALL loy_program_load_json(loy_db* db, const char* json, int64_t* out_version,
                                               loy_error* err);
/* The same from a file; `path` is UTF-8 on every platform (Windows included). */
LOY_API int32_t LOY_CALL loy_program_load_file(loy_db* db, const char* path, int64_t* out_version,
                                               loy_error* err);
/* A programme for the whole chain (docs/chain.md, "Programmes for the whole chain"), published on
 * the head office's file: a fact that every till learns with the sync and uses from
 * `starts_at_ms` (ms since 1970; 0 = now; never earlier than now), so that every till has it
 * before it applies. Until then each file keeps the programme it has. In every file the release
 * is a version of its own (`out_version` here; loy_program_next on a till). Publishing the same
 * text with the same start again is a no-op that returns the same version. A till in chain mode
 * refuses (LOY_ERR_NEEDS_ONLINE); a malformed programme is LOY_ERR_INVALID_PROGRAM. */
LOY_API int32_t LOY_CALL loy_program_publish(loy_db* db, const char* json, int64_t starts_at_ms,
                                             int64_t* out_version, loy_error* err);
/* The programme released to take effect next, after the one in effect now: its version and
 * start (ms since 1970); both 0 when none is waiting. */
LOY_API int32_t LOY_CALL loy_program_next(loy_db* db, int64_t* out_version, int64_t* out_starts_at,
                                          loy_error* err);
/* The version in effect now; 0 when no programme was loaded (nothing is earned, nothing
 * redeemable). A programme released for later is in effect from its start. */
LOY_API int64_t LOY_CALL loy_program_active_version(loy_db* db);
/* The canonical JSON of a version (0 = active). snprintf semantics. */
LOY_API int32_t LOY_CALL loy_program_export_json(loy_db* db, int64_t version, char* buf,
                                                 size_t capacity, size_t* out_needed,
                                                 loy_error* err);

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

/* ===========================================================================================
 * Result tables (reports, settlements, draw entries and winners)
 * =========================================================================================== */

typedef struct loy_table loy_table;

LOY_API void LOY_CALL loy_table_free(loy_table* t);
LOY_API size_t LOY_CALL loy_table_column_count(const loy_table* t);
LOY_API const char* LOY_CALL loy_table_column_name(const loy_table* t, size_t col);
LOY_API size_t LOY_CALL loy_table_row_count(const loy_table* t);
/* Every cell has a text form; numeric cells also an int64 value (0 for text cells). */
LOY_API const char* LOY_CALL loy_table_text(const loy_table* t, size_t row, size_t col);
LOY_API int64_t LOY_CALL loy_table_int(const loy_table* t, size_t row, size_t col);
LOY_API int32_t LOY_CALL loy_table_is_number(const loy_table* t, size_t row, size_t col);

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
 * "": this handle's) with seq > after_seq, at most max_records (1 to 10000). */
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
 * loy_member_profile_apply, below; at most 10000 profiles). loy_journal_apply writes a list's
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

/* ===========================================================================================
 * Reports, segments, messages and member import (see docs/reports.md)
 * =========================================================================================== */

#define LOY_GROUP_NONE 0 /* one row for the whole period */
#define LOY_GROUP_DAY 1
#define LOY_GROUP_WEEK 2 /* weeks start on the programme's week_start */
#define LOY_GROUP_MONTH 3

#define LOY_CALENDAR_GREGORIAN 0
#define LOY_CALENDAR_JALALI 1 /* Solar Hijri months (ICU's Persian calendar) */

typedef struct loy_report_options {
    uint32_t size;      /* sizeof(loy_report_options); loy_report_options_init sets it */
    int64_t from_ms;    /* start (inclusive); 0 = from the first record */
    int64_t to_ms;      /* end (exclusive); 0 = now */
    const char* branch; /* NULL or "" = every branch */
    int32_t group_by;   /* LOY_GROUP_*; default LOY_GROUP_NONE */
    int32_t calendar;   /* LOY_CALENDAR_*; default LOY_CALENDAR_GREGORIAN */
    int32_t limit;      /* rows of ranked reports (top_members); default 20 */
} loy_report_options;

LOY_API void LOY_CALL loy_report_options_init(loy_report_options* options);
/* The reports: names ("sales", "points"...), titles and one-line descriptions. */
LOY_API size_t LOY_CALL loy_report_count(void);
LOY_API const char* LOY_CALL loy_report_name(size_t index);
LOY_API const char* LOY_CALL loy_report_title(size_t index);
LOY_API const char* LOY_CALL loy_report_description(size_t index);
/* Run a report. Periodic reports have a first column "period" ("2025-11", "1404-09",
 * "2025-11-24"); percentages are text with one decimal and integers in tenths of a percent. */
LOY_API int32_t LOY_CALL loy_report(loy_db* db, const char* name, const loy_report_options* options,
                                    loy_table** out_table, loy_error* err);
/* A self-contained HTML dashboard of the key reports (right-to-left and Persian when the
 * programme's language is "fa"). snprintf semantics. */
LOY_API int32_t LOY_CALL loy_dashboard_html(loy_db* db, const loy_report_options* options,
                                            char* buf, size_t capacity, size_t* out_needed,
                                            loy_error* err);

/* Segments at at_ms (0 = now): the RFM groups ("rfm:champions"...) and the programme's custom
 * segments with their sizes; a segment's members with their RFM scores; a member's segments. */
LOY_API int32_t LOY_CALL loy_segments(loy_db* db, int64_t at_ms, loy_table** out_table,
                                      loy_error* err);
LOY_API int32_t LOY_CALL loy_segment_members(loy_db* db, const char* segment_id, int64_t at_ms,
                                             loy_table** out_table, loy_error* err);
LOY_API int32_t LOY_CALL loy_member_segments(loy_db* db, int64_t member_id, int64_t at_ms,
                                             loy_table** out_table, loy_error* err);

/* Messages. The library writes an outbox; the host sends. Generate writes what the programme's
 * triggers call for at now_ms (0 = the handle's clock), each trigger occurrence once per
 * channel; out_queued counts messages waiting to be sent. Call it every few minutes. */
LOY_API int32_t LOY_CALL loy_messages_generate(loy_db* db, int64_t now_ms, int64_t* out_queued,
                                               loy_error* err);
/* Send a message campaign of the programme to its segment (a member gets it at most once). */
LOY_API int32_t LOY_CALL loy_campaign_send(loy_db* db, const char* campaign_id, int64_t now_ms,
                                           int64_t* out_queued, int64_t* out_holdout,
                                           int64_t* out_suppressed, loy_error* err);
/* Due messages, leased to the caller for lease_ms: id, member_id, trigger, campaign, channel,
 * address, language, body, due_at, attempts. A message not acknowledged before its lease ends
 * is fetched again (at-least-once delivery). */
LOY_API int32_t LOY_CALL loy_outbox_fetch(loy_db* db, int64_t now_ms, int32_t limit,
                                          int64_t lease_ms, loy_table** out_table, loy_error* err);

#define LOY_DELIVERY_SENT 1
#define LOY_DELIVERY_FAILED 2

/* Acknowledge a fetched message: sent, or failed (retry_after_ms > 0: due again after that;
 * 0: failed for good). Acknowledging the same outcome twice is a no-op. */
LOY_API int32_t LOY_CALL loy_outbox_ack(loy_db* db, int64_t message_id, int32_t result,
                                        const char* error_text, int64_t retry_after_ms,
                                        loy_error* err);
/* A member's messages, newest first: id, trigger, channel, status, reason, body, created_at,
 * sent_at. */
LOY_API int32_t LOY_CALL loy_member_messages(loy_db* db, int64_t member_id, int32_t limit,
                                             loy_table** out_table, loy_error* err);

/* A member's recent sales, newest first: sale_id, receipt, branch, total, points_earned,
 * points_redeemed, status ("sold", "partly refunded", "refunded", "voided"), created_at. */
LOY_API int32_t LOY_CALL loy_member_sales(loy_db* db, int64_t member_id, int32_t limit,
                                          loy_table** out_table, loy_error* err);
/* A member's coupons, newest first: code, campaign, uses, max_uses, valid_until, status
 * ("valid", "used", "expired", "revoked"). */
LOY_API int32_t LOY_CALL loy_member_coupons(loy_db* db, int64_t member_id, loy_table** out_table,
                                            loy_error* err);
/* Everything held about a member, as one UTF-8 JSON document, for an access request: the
 * profile (with consents, tier, balances), members merged into it, tags, sales with their lines,
 * tenders and refunds, ledger entries and lots, tier events, plans, coupons and their uses,
 * wallet entries, rewards, prize-draw tickets and wins, and messages (docs/members.md, "Data
 * export"). snprintf semantics (convention 6): call with buf NULL and capacity 0 to learn the
 * size. An erased member's export holds no personal data. LOY_ERR_NOT_FOUND for no such member. */
LOY_API int32_t LOY_CALL loy_member_export(loy_db* db, int64_t member_id, char* buf,
                                           size_t capacity, size_t* out_needed, loy_error* err);

/* Import members from CSV text (a header line naming the columns; see docs/reports.md). Every
 * row is checked; if any row fails nothing is written. Returns LOY_OK when the file could be
 * read: out_imported is the number written (0 when a row failed or dry_run is 1) and
 * out_errors lists the failed rows (row, column, status, message; empty when none). */
LOY_API int32_t LOY_CALL loy_members_import_csv(loy_db* db, const char* csv, int32_t dry_run,
                                                int64_t* out_rows, int64_t* out_imported,
                                                loy_table** out_errors, loy_error* err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LOYALTY_LOYALTY_H */
