/* libloyalty's C ABI, one part of it (include/loyalty/loyalty.h includes every part, and documents
 * the conventions they share): reports, segments, messages and member import. */
#ifndef LOYALTY_REPORTS_H
#define LOYALTY_REPORTS_H

#include "base.h"
#include "database.h"
#include "tables.h"

#ifdef __cplusplus
extern "C" {
#endif

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

#endif /* LOYALTY_REPORTS_H */
