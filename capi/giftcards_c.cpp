// The C ABI of gift cards: sell, load, redeem, refund, balance.
#include "loyalty/loyalty.h"

#include <string>

#include "loyalty/database.hpp"
#include "handles.hpp"

using namespace loyalty;
using namespace loyalty::capi;

namespace {

GiftCardContext context_of(const char* reference, const char* operator_id) {
    GiftCardContext ctx;
    ctx.reference = opt(reference);
    ctx.operator_id = opt(operator_id);
    return ctx;
}

using Change = std::int64_t (Database::*)(const std::string&, std::int64_t, const GiftCardContext&,
                                          const std::string&);

int32_t change(Change fn, loy_db* db, const char* code, int64_t amount, const char* reference,
               const char* operator_id, const char* key, int64_t* out_balance, loy_error* err) {
    if (out_balance) *out_balance = 0;
    return guard(err, [&] {
        Database& d = db_of(db);
        int64_t b = (d.*fn)(req(code, "code"), amount, context_of(reference, operator_id),
                            req(key, "idempotency_key"));
        if (out_balance) *out_balance = b;
    });
}

}  // namespace

extern "C" {

int32_t loy_giftcard_sell(loy_db* db, int64_t amount, const char* reference,
                          const char* operator_id, const char* key, char* buf, size_t capacity,
                          size_t* out_needed, loy_error* err) {
    if (out_needed) *out_needed = 0;
    if (buf && capacity) buf[0] = '\0';
    return guard(err, [&] {
        Database& d = db_of(db);
        std::string code = d.gift_card_sell(amount, context_of(reference, operator_id),
                                            req(key, "idempotency_key"));
        copy_out(code, buf, capacity, out_needed);
    });
}

int32_t loy_giftcard_load(loy_db* db, const char* code, int64_t amount, const char* reference,
                          const char* operator_id, const char* key, int64_t* out_balance,
                          loy_error* err) {
    return change(&Database::gift_card_load, db, code, amount, reference, operator_id, key,
                  out_balance, err);
}

int32_t loy_giftcard_redeem(loy_db* db, const char* code, int64_t amount, const char* reference,
                            const char* operator_id, const char* key, int64_t* out_balance,
                            loy_error* err) {
    return change(&Database::gift_card_redeem, db, code, amount, reference, operator_id, key,
                  out_balance, err);
}

int32_t loy_giftcard_refund(loy_db* db, const char* code, int64_t amount, const char* reference,
                            const char* operator_id, const char* key, int64_t* out_balance,
                            loy_error* err) {
    return change(&Database::gift_card_refund, db, code, amount, reference, operator_id, key,
                  out_balance, err);
}

int32_t loy_giftcard_balance(loy_db* db, const char* code, int64_t* out_balance, loy_error* err) {
    if (out_balance) *out_balance = 0;
    return guard(err, [&] {
        if (!out_balance) null_arg("out_balance");
        *out_balance = db_of(db).gift_card(req(code, "code")).balance;
    });
}

}  // extern "C"
