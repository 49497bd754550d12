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

/* The C ABI, one part a file (each compiles alone); this header includes them all, in this order.
 */
#include "base.h"
#include "database.h"
#include "members.h"
#include "programme.h"
#include "checkout.h"
#include "tiers.h"
#include "tables.h"
#include "coupons.h"
#include "points.h"
#include "journal.h"
#include "reports.h"

#endif /* LOYALTY_LOYALTY_H */
