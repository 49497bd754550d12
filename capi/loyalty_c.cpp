// The C ABI: extern "C" shims over the C++ core. Each handle is a struct holding the C++ value
// (capi/handles.hpp); each entry point clears its out-parameters, catches every exception and
// maps it to a status. This file: versions, errors, opening a database, currencies, the
// programme and result tables; the other capi/*_c.cpp files hold one domain each.
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

extern "C" {

int32_t loy_version_number(void) {
    return LOY_VERSION_NUMBER;
}
const char* loy_version_string(void) {
    return LOY_VERSION_STRING;
}

const char* loy_status_name(int32_t status) {
    return status_name(static_cast<Status>(status));
}
int32_t loy_status_is_transient(int32_t status) {
    return is_transient(static_cast<Status>(status)) ? 1 : 0;
}
int32_t loy_status_family(int32_t status) {
    return static_cast<int32_t>(family_of(static_cast<Status>(status)));
}

void loy_error_init(loy_error* err) {
    if (!err) return;
    std::memset(err, 0, sizeof *err);
    err->size = sizeof *err;
}

// ---- database -------------------------------------------------------------------------------

void loy_open_options_init(loy_open_options* o) {
    if (!o) return;
    std::memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->durability = LOY_DURABILITY_FULL;
    o->busy_timeout_ms = 5000;
    o->default_currency_exponent = -1;
}

int32_t loy_open(const loy_open_options* options, loy_db** out_db, loy_error* err) {
    if (out_db) *out_db = nullptr;
    return guard(err, [&] {
        if (!options) null_arg("options");
        if (!out_db) null_arg("out_db");
        // A caller built against 0.3's header passes the struct without its last field.
        check_size(options->size, offsetof(loy_open_options, default_currency_exponent),
                   "loy_open_options");
        OpenOptions o;
        o.path = req(options->path, "options->path");
        if (options->durability != LOY_DURABILITY_FULL &&
            options->durability != LOY_DURABILITY_NORMAL)
            throw Error(Status::InvalidArgument,
                        "durability must be LOY_DURABILITY_FULL or _NORMAL");
        o.durability =
            options->durability == LOY_DURABILITY_NORMAL ? Durability::Normal : Durability::Full;
        o.busy_timeout_ms = options->busy_timeout_ms;
        if (options->default_country) o.default_country = options->default_country;
        if (options->default_currency) o.default_currency = options->default_currency;
        o.origin = opt(options->origin);
        o.read_only = options->read_only != 0;
        if (options->size >=
            offsetof(loy_open_options, default_currency_exponent) + sizeof(int32_t))
            o.default_currency_exponent = options->default_currency_exponent;
        if (options->size >= offsetof(loy_open_options, chain_mode) + sizeof(int32_t))
            o.chain_mode = options->chain_mode != 0;
        if (options->size >= offsetof(loy_open_options, offline_member_points) + sizeof(int64_t)) {
            if (options->offline_till_points < 0 || options->offline_member_points < 0)
                throw Error(Status::InvalidArgument, "an offline allowance cannot be negative");
            o.offline_till_points = options->offline_till_points;
            o.offline_member_points = options->offline_member_points;
        }
        if (options->size >= offsetof(loy_open_options, checkpoint) + sizeof(int32_t)) {
            if (options->checkpoint < LOY_CHECKPOINT_BACKGROUND ||
                options->checkpoint > LOY_CHECKPOINT_MANUAL)
                throw Error(Status::InvalidArgument,
                            "checkpoint must be LOY_CHECKPOINT_BACKGROUND, _INLINE or _MANUAL");
            o.checkpoint = static_cast<CheckpointMode>(options->checkpoint);
        }
        auto h = std::make_unique<loy_db>();
        h->rep = Database::open(o);
        *out_db = h.release();
    });
}

void loy_close(loy_db* db) {
    delete db;
}

int32_t loy_checkpoint(loy_db* db, int32_t* out_wal_frames, int32_t* out_copied_frames,
                       loy_error* err) {
    if (out_wal_frames) *out_wal_frames = 0;
    if (out_copied_frames) *out_copied_frames = 0;
    return guard(err, [&] {
        const CheckpointInfo r = db_of(db).checkpoint();
        if (out_wal_frames) *out_wal_frames = r.wal_frames;
        if (out_copied_frames) *out_copied_frames = r.copied_frames;
    });
}

int32_t loy_set_clock(loy_db* db, int64_t now_ms, loy_error* err) {
    return guard(err, [&] { db_of(db).set_clock(now_ms); });
}

int64_t loy_now(const loy_db* db) {
    if (!db || !db->rep) return 0;
    return db->rep->now();
}

int32_t loy_currency_set(loy_db* db, const char* code, int32_t exponent, loy_error* err) {
    return guard(err, [&] { db_of(db).set_currency(req(code, "code"), exponent); });
}

int32_t loy_currency_exponent(loy_db* db, const char* code, int32_t* out_exponent, loy_error* err) {
    if (out_exponent) *out_exponent = 0;
    return guard(err, [&] {
        if (!out_exponent) null_arg("out_exponent");
        *out_exponent = db_of(db).currency_exponent(req(code, "code"));
    });
}

int32_t loy_money_format(loy_db* db, int64_t minor_units, const char* currency, int32_t grouping,
                         char* buf, size_t capacity, size_t* out_needed, loy_error* err) {
    if (out_needed) *out_needed = 0;
    return guard(err, [&] {
        int e = db_of(db).currency_exponent(req(currency, "currency"));
        copy_out(format_money(minor_units, e, grouping != 0), buf, capacity, out_needed);
    });
}

int32_t loy_phone_normalize(loy_db* db, const char* phone, char* buf, size_t capacity,
                            size_t* out_needed, loy_error* err) {
    if (out_needed) *out_needed = 0;
    return guard(err, [&] {
        copy_out(db_of(db).normalize_phone(req(phone, "phone")), buf, capacity, out_needed);
    });
}

// ---- programme ------------------------------------------------------------------------------

int32_t loy_program_load_json(loy_db* db, const char* json, int64_t* out_version, loy_error* err) {
    if (out_version) *out_version = 0;
    return guard(err, [&] {
        int64_t v = db_of(db).load_program(req(json, "json"));
        if (out_version) *out_version = v;
    });
}

int32_t loy_program_load_file(loy_db* db, const char* path, int64_t* out_version, loy_error* err) {
    if (out_version) *out_version = 0;
    return guard(err, [&] {
        Database& d = db_of(db);
        std::string p = req(path, "path");
        int64_t v = d.load_program(platform::read_file(p, "programme file"));
        if (out_version) *out_version = v;
    });
}

int32_t loy_program_publish(loy_db* db, const char* json, int64_t starts_at_ms,
                            int64_t* out_version, loy_error* err) {
    if (out_version) *out_version = 0;
    return guard(err, [&] {
        int64_t v = db_of(db).publish_program(req(json, "json"), starts_at_ms);
        if (out_version) *out_version = v;
    });
}

int32_t loy_program_next(loy_db* db, int64_t* out_version, int64_t* out_starts_at, loy_error* err) {
    if (out_version) *out_version = 0;
    if (out_starts_at) *out_starts_at = 0;
    return guard(err, [&] {
        const ProgramRelease r = db_of(db).next_program();
        if (out_version) *out_version = r.version;
        if (out_starts_at) *out_starts_at = r.starts_at;
    });
}

int64_t loy_program_active_version(loy_db* db) {
    if (!db || !db->rep) return 0;
    try {
        return db->rep->active_program_version();
    } catch (...) {
        return 0;
    }
}

int32_t loy_program_export_json(loy_db* db, int64_t version, char* buf, size_t capacity,
                                size_t* out_needed, loy_error* err) {
    if (out_needed) *out_needed = 0;
    return guard(err,
                 [&] { copy_out(db_of(db).export_program(version), buf, capacity, out_needed); });
}

// ---- result tables ----------------------------------------------------------------------------

void loy_table_free(loy_table* t) {
    delete t;
}
size_t loy_table_column_count(const loy_table* t) {
    return t ? t->t.columns.size() : 0;
}
const char* loy_table_column_name(const loy_table* t, size_t c) {
    return t && c < t->t.columns.size() ? t->t.columns[c].c_str() : "";
}
size_t loy_table_row_count(const loy_table* t) {
    return t ? t->t.rows.size() : 0;
}
static const Table::Cell* table_cell(const loy_table* t, size_t r, size_t c) {
    if (!t || r >= t->t.rows.size() || c >= t->t.rows[r].size()) return nullptr;
    return &t->t.rows[r][c];
}
const char* loy_table_text(const loy_table* t, size_t r, size_t c) {
    const Table::Cell* x = table_cell(t, r, c);
    return x ? x->text.c_str() : "";
}
int64_t loy_table_int(const loy_table* t, size_t r, size_t c) {
    const Table::Cell* x = table_cell(t, r, c);
    return x ? x->number : 0;
}
int32_t loy_table_is_number(const loy_table* t, size_t r, size_t c) {
    const Table::Cell* x = table_cell(t, r, c);
    return x && x->numeric ? 1 : 0;
}

}  // extern "C"
