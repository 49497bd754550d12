// The C ABI of chain-wide ids and the journal: the origin, look-ups by id, member events with an
// idempotency key, and reading the journal (docs/journal.md).
#include "handles.hpp"

using namespace loyalty;
using namespace loyalty::capi;

struct loy_journal {
    std::vector<JournalRecord> r;
    std::vector<MemberProfile> p;  // written after the records by loy_journal_apply
};

namespace {

const JournalRecord* record(const loy_journal* j, std::size_t i) {
    return j && i < j->r.size() ? &j->r[i] : nullptr;
}

}  // namespace

extern "C" {

int32_t loy_origin_get(loy_db* db, char* buf, size_t capacity, size_t* out_needed,
                       int64_t* out_generation, int32_t* out_new_generation, loy_error* err) {
    if (out_needed) *out_needed = 0;
    if (out_generation) *out_generation = 0;
    if (out_new_generation) *out_new_generation = 0;
    return guard(err, [&] {
        Origin o = db_of(db).origin();
        copy_out(o.name, buf, capacity, out_needed);
        if (out_generation) *out_generation = o.generation;
        if (out_new_generation) *out_new_generation = o.new_generation ? 1 : 0;
    });
}

int32_t loy_member_find_by_uid(loy_db* db, const char* uid, loy_member** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_member");
        *out = wrap(db_of(db).member_by_uid(req(uid, "uid")));
    });
}

int32_t loy_sale_find_by_uid(loy_db* db, const char* uid, int64_t* out_sale_id, loy_error* err) {
    if (out_sale_id) *out_sale_id = 0;
    return guard(err, [&] {
        if (!out_sale_id) null_arg("out_sale_id");
        *out_sale_id = db_of(db).sale_by_uid(req(uid, "uid"));
    });
}

int32_t loy_receipt_get(loy_db* db, const char* uid, loy_receipt** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_receipt");
        *out = new loy_receipt{db_of(db).receipt(req(uid, "uid"))};
    });
}

int32_t loy_coupon_find_by_uid(loy_db* db, const char* uid, loy_coupon** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_coupon");
        *out = new_coupon_handle(db_of(db).coupon_by_uid(req(uid, "uid")));
    });
}

const char* loy_coupon_uid(const loy_coupon* c) {
    return c ? c->c.uid.c_str() : "";
}

const char* loy_redemption_uid(const loy_redemption* r) {
    return r ? r->r.uid.c_str() : "";
}

int32_t loy_member_update_with_key(loy_db* db, int64_t id, const loy_member_fields* fields,
                                   const char* key, loy_member** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!fields) null_arg("fields");
        Database& d = db_of(db);
        MemberFields mf = to_fields(fields, true);
        auto h = std::make_unique<loy_member>();
        h->m = d.update(id, mf, opt(key));
        if (out) *out = h.release();
    });
}

int32_t loy_member_deactivate_with_key(loy_db* db, int64_t id, const char* key, loy_error* err) {
    return guard(err, [&] { db_of(db).deactivate(id, opt(key)); });
}

int32_t loy_member_reactivate_with_key(loy_db* db, int64_t id, const char* key, loy_error* err) {
    return guard(err, [&] { db_of(db).reactivate(id, opt(key)); });
}

int32_t loy_member_erase_with_key(loy_db* db, int64_t id, const char* key, loy_error* err) {
    return guard(err, [&] { db_of(db).erase(id, opt(key)); });
}

int32_t loy_member_merge_with_key(loy_db* db, int64_t survivor, int64_t absorbed, const char* key,
                                  loy_member** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        Database& d = db_of(db);
        auto h = std::make_unique<loy_member>();
        h->m = d.merge(survivor, absorbed, opt(key));
        if (out) *out = h.release();
    });
}

int32_t loy_journal_read(loy_db* db, const char* origin, int64_t after_seq, int32_t max_records,
                         loy_journal** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_journal");
        *out = new loy_journal{db_of(db).journal(opt(origin), after_seq, max_records), {}};
    });
}

void loy_journal_free(loy_journal* j) {
    delete j;
}

size_t loy_journal_count(const loy_journal* j) {
    return j ? j->r.size() : 0;
}

// One accessor per field of a record, as for the other list handles.
#define LOY_JOURNAL_STR(name)                                        \
    const char* loy_journal_##name(const loy_journal* j, size_t i) { \
        const JournalRecord* r = record(j, i);                       \
        return r ? r->name.c_str() : "";                             \
    }
#define LOY_JOURNAL_INT(name)                                    \
    int64_t loy_journal_##name(const loy_journal* j, size_t i) { \
        const JournalRecord* r = record(j, i);                   \
        return r ? r->name : 0;                                  \
    }
LOY_JOURNAL_STR(origin)
LOY_JOURNAL_INT(seq)
LOY_JOURNAL_STR(kind)
LOY_JOURNAL_STR(key)
LOY_JOURNAL_STR(body)
LOY_JOURNAL_STR(prev)
LOY_JOURNAL_STR(hash)
LOY_JOURNAL_INT(created_at)
#undef LOY_JOURNAL_STR
#undef LOY_JOURNAL_INT

int32_t loy_journal_new(loy_journal** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_journal");
        *out = new loy_journal{};
    });
}

int32_t loy_journal_add(loy_journal* j, const char* origin, int64_t seq, const char* kind,
                        const char* key, const char* body, const char* prev, const char* hash,
                        int64_t created_at, loy_error* err) {
    return guard(err, [&] {
        if (!j) null_arg("journal");
        if (j->r.size() >= 10000)
            throw Error(Status::InvalidArgument, "a list holds at most 10000 records");
        JournalRecord r;
        r.origin = req(origin, "origin");
        r.seq = seq;
        r.kind = req(kind, "kind");
        r.key = opt(key);
        r.body = req(body, "body");
        r.prev = req(prev, "prev");
        r.hash = req(hash, "hash");
        r.created_at = created_at;
        j->r.push_back(std::move(r));
    });
}

int32_t loy_journal_add_profile(loy_journal* j, const char* uid, const loy_member_fields* fields,
                                loy_error* err) {
    return guard(err, [&] {
        if (!j) null_arg("journal");
        if (!fields) null_arg("fields");
        if (j->p.size() >= most_profiles(j->r.size()))
            throw Error(Status::InvalidArgument,
                        j->r.size() == 1
                            ? "a list of one record holds at most 1000000 profiles"
                            : "a list holds at most 10000 profiles (one of one record, 1000000)");
        MemberProfile p;
        p.uid = req(uid, "uid");
        p.fields = to_fields(fields, true);
        j->p.push_back(std::move(p));
    });
}

int32_t loy_member_profile_apply(loy_db* db, const char* uid, const loy_member_fields* fields,
                                 loy_member** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!fields) null_arg("fields");
        Database& d = db_of(db);
        const MemberFields mf = to_fields(fields, true);
        auto h = std::make_unique<loy_member>();
        h->m = d.apply_profile(req(uid, "uid"), mf);
        if (out) *out = h.release();
    });
}

int32_t loy_journal_heads(loy_db* db, loy_journal** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_journal");
        *out = new loy_journal{db_of(db).journal_heads(), {}};
    });
}

int32_t loy_journal_apply(loy_db* db, const loy_journal* j, int64_t* out_applied,
                          int64_t* out_duplicates, loy_error* err) {
    if (out_applied) *out_applied = 0;
    if (out_duplicates) *out_duplicates = 0;
    return guard(err, [&] {
        if (!j) null_arg("journal");
        const ApplyResult r = db_of(db).apply_journal(j->r, j->p);
        if (out_applied) *out_applied = r.applied;
        if (out_duplicates) *out_duplicates = r.duplicates;
    });
}

}  // extern "C"
