/* libloyalty's C ABI, one part of it (include/loyalty/loyalty.h includes every part, and documents
 * the conventions they share): the library's version, status codes and the error record, and the
 * macros that mark the exported functions. */
#ifndef LOYALTY_BASE_H
#define LOYALTY_BASE_H

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

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LOYALTY_BASE_H */
