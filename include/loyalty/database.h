/* libloyalty's C ABI, one part of it (include/loyalty/loyalty.h includes every part, and documents
 * the conventions they share): opening a database, its clock, currencies and phone numbers. */
#ifndef LOYALTY_DATABASE_H
#define LOYALTY_DATABASE_H

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

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

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LOYALTY_DATABASE_H */
