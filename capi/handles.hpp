// What the C ABI's files share: the handle structs (each holds the C++ value it stands for) and
// the helpers every entry point uses (`guard`: no exception crosses the ABI).
#ifndef LOYALTY_CAPI_HANDLES_HPP
#define LOYALTY_CAPI_HANDLES_HPP

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/coupons.hpp"
#include "loyalty/database.hpp"
#include "loyalty/loyalty.h"
#include "text.hpp"

struct loy_db {
    std::unique_ptr<loyalty::Database> rep;
};
struct loy_member {
    loyalty::Member m;
};
struct loy_member_list {
    std::vector<loy_member> items;
};
struct loy_basket {
    loyalty::Basket b;
};
struct loy_quote {
    loyalty::Quote q;
};
struct loy_receipt {
    loyalty::Receipt r;
};
struct loy_refund {
    std::vector<loyalty::RefundLine> lines;
};
struct loy_history {
    std::vector<loyalty::LedgerEntry> e;
};
struct loy_tier_status {
    loyalty::TierStatus s;
};
struct loy_table {
    loyalty::Table t;
};
struct loy_coupon {
    loyalty::CouponInfo c;
    std::string display;
};
struct loy_redemption {
    loyalty::RewardRedemption r;
};

namespace loyalty::capi {

inline void write_error(loy_error* err, int32_t code, const char* msg) {
    if (!err || err->size < offsetof(loy_error, message)) return;
    err->code = code;
    std::size_t cap = err->size - offsetof(loy_error, message);
    if (cap > sizeof err->message) cap = sizeof err->message;
    if (cap == 0) return;
    std::size_t n = std::strlen(msg);
    if (n >= cap) {
        n = cap - 1;
        // Do not cut a UTF-8 sequence in half.
        while (n > 0 && (static_cast<unsigned char>(msg[n]) & 0xC0) == 0x80)
            --n;
    }
    std::memcpy(err->message, msg, n);
    err->message[n] = '\0';
}

template <typename F>
int32_t guard(loy_error* err, F&& f) noexcept {
    try {
        f();
        write_error(err, LOY_OK, "");
        return LOY_OK;
    } catch (const Error& e) {
        write_error(err, static_cast<int32_t>(e.status()), e.what());
        return static_cast<int32_t>(e.status());
    } catch (const std::bad_alloc&) {
        write_error(err, LOY_ERR_NO_MEMORY, "out of memory");
        return LOY_ERR_NO_MEMORY;
    } catch (const std::exception& e) {
        write_error(err, LOY_ERR_INTERNAL, e.what());
        return LOY_ERR_INTERNAL;
    } catch (...) {
        write_error(err, LOY_ERR_INTERNAL, "unknown internal error");
        return LOY_ERR_INTERNAL;
    }
}

[[noreturn]] inline void null_arg(const char* name) {
    throw Error(Status::InvalidArgument, std::string(name) + " must not be NULL");
}

inline Database& db_of(loy_db* db) {
    if (!db || !db->rep) null_arg("db");
    return *db->rep;
}

inline std::string req(const char* s, const char* name) {
    if (!s) null_arg(name);
    return s;
}

inline std::string opt(const char* s) {
    return s ? std::string(s) : std::string();
}

inline std::optional<std::string> field(const char* s) {
    return s ? std::optional<std::string>(s) : std::nullopt;
}

// snprintf semantics for single strings out.
inline void copy_out(const std::string& s, char* buf, std::size_t capacity, std::size_t* needed) {
    if (needed) *needed = s.size();
    if (!buf || capacity == 0) {
        if (buf == nullptr && capacity != 0) null_arg("buf");
        return;
    }
    std::size_t n = s.size() < capacity - 1 ? s.size() : capacity - 1;
    std::memcpy(buf, s.data(), n);
    buf[n] = '\0';
}

inline void check_size(uint32_t got, std::size_t want, const char* what) {
    if (got < want)
        throw Error(Status::InvalidArgument,
                    std::string(what) + ".size is smaller than the library's struct; call " + what +
                        "_init first");
}

inline MemberFields to_fields(const loy_member_fields* f, bool for_update) {
    check_size(f->size, sizeof(loy_member_fields), "loy_member_fields");
    MemberFields out;
    out.phone = field(f->phone);
    out.card = field(f->card);
    out.name = field(f->name);
    out.email = field(f->email);
    out.gender = field(f->gender);
    out.language = field(f->language);
    out.branch = field(f->branch);
    out.referrer = field(f->referrer);
    if (f->tags) out.tags = text::parse_tags(f->tags);
    auto num = [&](int32_t v, std::optional<int>& o) {
        if (v == LOY_UNCHANGED) return;
        if (!for_update && v == 0) return;
        o = v;
    };
    num(f->birth_year, out.birth_year);
    num(f->birth_month, out.birth_month);
    num(f->birth_day, out.birth_day);
    auto flag = [](int32_t v, std::optional<bool>& o, const char* name) {
        if (v == LOY_UNCHANGED) return;
        if (v != 0 && v != 1)
            throw Error(Status::InvalidArgument,
                        std::string(name) + " must be 0, 1 or LOY_UNCHANGED");
        o = v == 1;
    };
    flag(f->consent_sms, out.consent_sms, "consent_sms");
    flag(f->consent_email, out.consent_email, "consent_email");
    flag(f->consent_push, out.consent_push, "consent_push");
    if (f->tags) text::check_field("tags", f->tags, 4096);
    return out;
}

inline loy_member* wrap(Member m) {
    return new loy_member{std::move(m)};
}

// Allocates a result handle first and fills it second: a write that committed is never followed
// by an allocation that could fail and report the call as failed.
template <typename H, typename F>
H* filled(F&& fill) {
    auto h = std::make_unique<H>();
    fill(*h);
    return h.release();
}

inline const char* cstr(const std::string& s) {
    return s.c_str();
}

// A coupon handle, with the code in its display form (XXXXX-XXXXX).
inline loy_coupon* new_coupon_handle(CouponInfo c) {
    std::string display = coupon::display(c.code);
    return new loy_coupon{std::move(c), std::move(display)};
}

// A result table handle.
inline loy_table* wrap_table(Table t) {
    return new loy_table{std::move(t)};
}

}  // namespace loyalty::capi

#endif
