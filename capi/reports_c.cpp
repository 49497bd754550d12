// The C ABI of reports, segments, the message outbox and member import.
#include "loyalty/loyalty.h"

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "loyalty/coupons.hpp"
#include "loyalty/database.hpp"
#include "handles.hpp"
#include "platform.hpp"
#include "text.hpp"

using namespace loyalty;
using namespace loyalty::capi;

// ---- reports, segments, messages, import ------------------------------------------------------

void loy_report_options_init(loy_report_options* o) {
    if (!o) return;
    std::memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->group_by = LOY_GROUP_NONE;
    o->calendar = LOY_CALENDAR_GREGORIAN;
    o->limit = 20;
}

static ReportOptions report_options(const loy_report_options* o) {
    ReportOptions r;
    if (!o) return r;
    check_size(o->size, sizeof(loy_report_options), "loy_report_options");
    if (o->group_by < LOY_GROUP_NONE || o->group_by > LOY_GROUP_MONTH)
        throw Error(Status::InvalidArgument, "group_by must be one of LOY_GROUP_*");
    if (o->calendar != LOY_CALENDAR_GREGORIAN && o->calendar != LOY_CALENDAR_JALALI)
        throw Error(Status::InvalidArgument, "calendar must be one of LOY_CALENDAR_*");
    r.from_ms = o->from_ms;
    r.to_ms = o->to_ms;
    r.branch = opt(o->branch);
    r.group = static_cast<Grouping>(o->group_by);
    r.calendar = static_cast<CalendarKind>(o->calendar);
    r.limit = o->limit == 0 ? 20 : o->limit;
    return r;
}

size_t loy_report_count(void) {
    return report_catalogue().size();
}
const char* loy_report_name(size_t i) {
    return i < report_catalogue().size() ? report_catalogue()[i].name.c_str() : "";
}
const char* loy_report_title(size_t i) {
    return i < report_catalogue().size() ? report_catalogue()[i].title.c_str() : "";
}
const char* loy_report_description(size_t i) {
    return i < report_catalogue().size() ? report_catalogue()[i].description.c_str() : "";
}

int32_t loy_report(loy_db* db, const char* name, const loy_report_options* options, loy_table** out,
                   loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        Database& d = db_of(db);
        *out = wrap_table(d.report(req(name, "name"), report_options(options)));
    });
}

int32_t loy_dashboard_html(loy_db* db, const loy_report_options* options, char* buf,
                           size_t capacity, size_t* out_needed, loy_error* err) {
    if (out_needed) *out_needed = 0;
    return guard(err, [&] {
        Database& d = db_of(db);
        copy_out(d.dashboard_html(report_options(options)), buf, capacity, out_needed);
    });
}

int32_t loy_segments(loy_db* db, int64_t at_ms, loy_table** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        *out = wrap_table(db_of(db).segments(at_ms));
    });
}

int32_t loy_segment_members(loy_db* db, const char* segment_id, int64_t at_ms, loy_table** out,
                            loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        Database& d = db_of(db);
        *out = wrap_table(d.segment_members(req(segment_id, "segment_id"), at_ms));
    });
}

int32_t loy_member_segments(loy_db* db, int64_t member_id, int64_t at_ms, loy_table** out,
                            loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        *out = wrap_table(db_of(db).member_segments(member_id, at_ms));
    });
}

int32_t loy_messages_generate(loy_db* db, int64_t now_ms, int64_t* out_queued, loy_error* err) {
    if (out_queued) *out_queued = 0;
    return guard(err, [&] {
        const std::int64_t n = db_of(db).generate_messages(now_ms);
        if (out_queued) *out_queued = n;
    });
}

int32_t loy_campaign_send(loy_db* db, const char* campaign_id, int64_t now_ms, int64_t* out_queued,
                          int64_t* out_holdout, int64_t* out_suppressed, loy_error* err) {
    for (int64_t* p : {out_queued, out_holdout, out_suppressed})
        if (p) *p = 0;
    return guard(err, [&] {
        Database& d = db_of(db);
        const CampaignSendResult r = d.send_campaign(req(campaign_id, "campaign_id"), now_ms);
        if (out_queued) *out_queued = r.queued;
        if (out_holdout) *out_holdout = r.holdout;
        if (out_suppressed) *out_suppressed = r.suppressed;
    });
}

int32_t loy_outbox_fetch(loy_db* db, int64_t now_ms, int32_t limit, int64_t lease_ms,
                         loy_table** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        Database& d = db_of(db);
        // Leasing is a write: the handle is allocated before it.
        *out = filled<loy_table>(
            [&](loy_table& h) { h.t = d.fetch_messages(now_ms, limit, lease_ms); });
    });
}

int32_t loy_outbox_ack(loy_db* db, int64_t message_id, int32_t result, const char* error_text,
                       int64_t retry_after_ms, loy_error* err) {
    return guard(err, [&] {
        Database& d = db_of(db);
        if (result != LOY_DELIVERY_SENT && result != LOY_DELIVERY_FAILED)
            throw Error(Status::InvalidArgument,
                        "result must be LOY_DELIVERY_SENT or LOY_DELIVERY_FAILED");
        d.acknowledge_message(message_id, static_cast<Delivery>(result), opt(error_text),
                              retry_after_ms);
    });
}

int32_t loy_member_messages(loy_db* db, int64_t member_id, int32_t limit, loy_table** out,
                            loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        *out = wrap_table(db_of(db).member_messages(member_id, limit == 0 ? 20 : limit));
    });
}

int32_t loy_member_sales(loy_db* db, int64_t member_id, int32_t limit, loy_table** out,
                         loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        *out = wrap_table(db_of(db).member_sales(member_id, limit == 0 ? 10 : limit));
    });
}

int32_t loy_member_coupons(loy_db* db, int64_t member_id, loy_table** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_table");
        *out = wrap_table(db_of(db).member_coupons(member_id));
    });
}

int32_t loy_member_export(loy_db* db, int64_t member_id, char* buf, size_t capacity,
                          size_t* out_needed, loy_error* err) {
    if (out_needed) *out_needed = 0;
    return guard(
        err, [&] { copy_out(db_of(db).member_export_json(member_id), buf, capacity, out_needed); });
}

int32_t loy_members_import_csv(loy_db* db, const char* csv, int32_t dry_run, int64_t* out_rows,
                               int64_t* out_imported, loy_table** out_errors, loy_error* err) {
    if (out_rows) *out_rows = 0;
    if (out_imported) *out_imported = 0;
    if (out_errors) *out_errors = nullptr;
    return guard(err, [&] {
        Database& d = db_of(db);
        if (dry_run != 0 && dry_run != 1)
            throw Error(Status::InvalidArgument, "dry_run must be 0 or 1");
        const std::string text = req(csv, "csv");
        // The result handle is allocated before the import commits.
        auto t = std::make_unique<loy_table>();
        ImportResult r = d.import_members_csv(text, dry_run == 1);
        t->t = std::move(r.errors);
        if (out_rows) *out_rows = r.rows;
        if (out_imported) *out_imported = r.imported;
        if (out_errors) *out_errors = t.release();
    });
}
