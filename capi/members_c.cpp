// The C ABI of members: enrol, look-ups, update, status, erasure, merge, search and the member
// handle's fields.
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

// ---- members --------------------------------------------------------------------------------

void loy_member_fields_init(loy_member_fields* f) {
    if (!f) return;
    std::memset(f, 0, sizeof *f);
    f->size = sizeof *f;
    f->birth_year = f->birth_month = f->birth_day = LOY_UNCHANGED;
    f->consent_sms = f->consent_email = f->consent_push = LOY_UNCHANGED;
}

int32_t loy_member_enrol(loy_db* db, const loy_member_fields* fields, const char* key,
                         loy_member** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!fields) null_arg("fields");
        if (!out) null_arg("out_member");
        Database& d = db_of(db);
        MemberFields mf = to_fields(fields, false);
        std::string k = opt(key);
        *out = filled<loy_member>([&](loy_member& h) { h.m = d.enrol(mf, k); });
    });
}

int32_t loy_member_get(loy_db* db, int64_t id, loy_member** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_member");
        *out = wrap(db_of(db).member(id));
    });
}

int32_t loy_member_find_by_phone(loy_db* db, const char* phone, loy_member** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_member");
        *out = wrap(db_of(db).find_by_phone(req(phone, "phone")));
    });
}

int32_t loy_member_find_by_card(loy_db* db, const char* card, loy_member** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_member");
        *out = wrap(db_of(db).find_by_card(req(card, "card")));
    });
}

int32_t loy_member_identify(loy_db* db, const char* text_in, loy_member** out, loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!out) null_arg("out_member");
        *out = wrap(db_of(db).identify(req(text_in, "phone_or_card")));
    });
}

// The member events without a key: the keyed forms (capi/identity_c.cpp) with none.
int32_t loy_member_update(loy_db* db, int64_t id, const loy_member_fields* fields, loy_member** out,
                          loy_error* err) {
    return loy_member_update_with_key(db, id, fields, nullptr, out, err);
}
int32_t loy_member_deactivate(loy_db* db, int64_t id, loy_error* err) {
    return loy_member_deactivate_with_key(db, id, nullptr, err);
}
int32_t loy_member_reactivate(loy_db* db, int64_t id, loy_error* err) {
    return loy_member_reactivate_with_key(db, id, nullptr, err);
}
int32_t loy_member_erase(loy_db* db, int64_t id, loy_error* err) {
    return loy_member_erase_with_key(db, id, nullptr, err);
}
int32_t loy_member_merge(loy_db* db, int64_t survivor, int64_t absorbed, loy_member** out,
                         loy_error* err) {
    return loy_member_merge_with_key(db, survivor, absorbed, nullptr, out, err);
}

int32_t loy_household_create(loy_db* db, int64_t head, const char* key, int64_t* out_id,
                             loy_error* err) {
    if (out_id) *out_id = 0;
    return guard(err, [&] {
        if (!out_id) null_arg("out_household_id");
        *out_id = db_of(db).household_create(head, req(key, "idempotency_key"));
    });
}

int32_t loy_household_join(loy_db* db, int64_t household, int64_t member, const char* key,
                           loy_error* err) {
    return guard(err,
                 [&] { db_of(db).household_join(household, member, req(key, "idempotency_key")); });
}

int32_t loy_household_leave(loy_db* db, int64_t member, const char* key, loy_error* err) {
    return guard(err, [&] { db_of(db).household_leave(member, req(key, "idempotency_key")); });
}

int32_t loy_member_household(loy_db* db, int64_t member, int64_t* out_id, int64_t* out_head,
                             int64_t* out_members, loy_error* err) {
    if (out_id) *out_id = 0;
    if (out_head) *out_head = 0;
    if (out_members) *out_members = 0;
    return guard(err, [&] {
        const Household h = db_of(db).household(member);
        if (out_id) *out_id = h.id;
        if (out_head) *out_head = h.head_id;
        if (out_members) *out_members = h.members;
    });
}

void loy_member_free(loy_member* m) {
    delete m;
}

#define LOY_MEMBER_GET(name, type, expr)          \
    type loy_member_##name(const loy_member* h) { \
        return h ? (expr) : type{};               \
    }
#define LOY_MEMBER_STR(name, expr)                       \
    const char* loy_member_##name(const loy_member* h) { \
        return h ? cstr(expr) : "";                      \
    }

LOY_MEMBER_GET(id, int64_t, h->m.id)
LOY_MEMBER_STR(uid, h->m.uid)
LOY_MEMBER_GET(status, int32_t, static_cast<int32_t>(h->m.status))
LOY_MEMBER_STR(phone, h->m.phone)
LOY_MEMBER_STR(card, h->m.card)
LOY_MEMBER_STR(name, h->m.name)
LOY_MEMBER_STR(email, h->m.email)
LOY_MEMBER_GET(birth_year, int32_t, h->m.birth_year)
LOY_MEMBER_GET(birth_month, int32_t, h->m.birth_month)
LOY_MEMBER_GET(birth_day, int32_t, h->m.birth_day)
LOY_MEMBER_STR(gender, h->m.gender)
LOY_MEMBER_STR(tags, h->m.tags_text)
LOY_MEMBER_STR(language, h->m.language)
LOY_MEMBER_GET(consent_sms, int32_t, h->m.consent_sms ? 1 : 0)
LOY_MEMBER_GET(consent_email, int32_t, h->m.consent_email ? 1 : 0)
LOY_MEMBER_GET(consent_push, int32_t, h->m.consent_push ? 1 : 0)
LOY_MEMBER_STR(branch, h->m.branch)
LOY_MEMBER_GET(referrer_id, int64_t, h->m.referrer_id)
LOY_MEMBER_STR(referral_code, h->m.referral_code)
LOY_MEMBER_GET(merged_into, int64_t, h->m.merged_into)
LOY_MEMBER_GET(created_at, int64_t, h->m.created_at)
LOY_MEMBER_GET(balance, int64_t, h->m.balance)
LOY_MEMBER_GET(available, int64_t, h->m.available)
LOY_MEMBER_GET(pending, int64_t, h->m.pending)
LOY_MEMBER_GET(lifetime_earned, int64_t, h->m.lifetime_earned)
LOY_MEMBER_STR(tier, h->m.tier)
LOY_MEMBER_GET(wallet_balance, int64_t, h->m.wallet_balance)

void loy_member_query_init(loy_member_query* q) {
    if (!q) return;
    std::memset(q, 0, sizeof *q);
    q->size = sizeof *q;
}

int32_t loy_member_search(loy_db* db, const loy_member_query* query, loy_member_list** out,
                          loy_error* err) {
    if (out) *out = nullptr;
    return guard(err, [&] {
        if (!query) null_arg("query");
        if (!out) null_arg("out_list");
        check_size(query->size, sizeof(loy_member_query), "loy_member_query");
        MemberQuery q;
        q.name_prefix = opt(query->name_prefix);
        q.phone_prefix = opt(query->phone_prefix);
        q.tag = opt(query->tag);
        q.include_inactive = query->include_inactive != 0;
        q.limit = query->limit;
        q.after_id = query->after_id;
        auto members = db_of(db).list(q);
        auto list = std::make_unique<loy_member_list>();
        list->items.reserve(members.size());
        for (auto& m : members)
            list->items.push_back(loy_member{std::move(m)});
        *out = list.release();
    });
}

size_t loy_member_list_count(const loy_member_list* l) {
    return l ? l->items.size() : 0;
}
const loy_member* loy_member_list_at(const loy_member_list* l, size_t i) {
    return l && i < l->items.size() ? &l->items[i] : nullptr;
}
void loy_member_list_free(loy_member_list* l) {
    delete l;
}

}  // extern "C"
