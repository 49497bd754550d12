// libloyalty-sync's side of PostgreSQL: a connection to the authority, its functions called with
// their failures mapped to loyalty statuses, and the C boundary's guard (no exception crosses
// it). Used by the till's sync (sync.cpp) and the manager's dashboard (dashboard.cpp).
#ifndef LOYALTY_SRC_SYNC_PG_HPP
#define LOYALTY_SRC_SYNC_PG_HPP

#include <libpq-fe.h>

#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "loyalty/loyalty.h"

namespace loyalty::sync {

// A failure carried to the C boundary as a status and a message.
struct Failure {
    int32_t code;
    std::string message;
};

// One answer of the authority, cleared when it goes.
struct Result {
    PGresult* r = nullptr;
    Result() = default;
    Result(Result&& o) noexcept : r(o.r) { o.r = nullptr; }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    ~Result() { PQclear(r); }
    int rows() const { return PQntuples(r); }
    const char* text(int row, int col) const { return PQgetvalue(r, row, col); }
    std::int64_t i64(int row, int col) const;
};

// Connects to the authority: `conninfo` is libpq's (its settings win), `timeout_s` bounds the
// wait. Throws LOY_ERR_IO when it cannot be reached.
PGconn* connect(const std::string& conninfo, int timeout_s);

// Runs one of the authority's functions; a lost connection is LOY_ERR_IO (transient), a
// serialization failure or deadlock LOY_ERR_BUSY (transient), a refused argument or a function
// the role may not execute LOY_ERR_INVALID_ARGUMENT.
Result call(PGconn* conn, const char* sql, const std::vector<std::string>& params);

void set_error(loy_error* err, int32_t code, const std::string& message);

// Runs `f` at the C boundary: LOY_OK, or the status of what it threw, with `err` filled.
template <typename F>
int32_t guard(loy_error* err, F&& f) {
    try {
        f();
        if (err && err->size >= sizeof(loy_error)) {
            err->code = LOY_OK;
            err->message[0] = '\0';
        }
        return LOY_OK;
    } catch (const Failure& fl) {
        set_error(err, fl.code, fl.message);
        return fl.code;
    } catch (const std::bad_alloc&) {
        set_error(err, LOY_ERR_NO_MEMORY, "out of memory");
        return LOY_ERR_NO_MEMORY;
    } catch (const std::exception& ex) {
        set_error(err, LOY_ERR_INTERNAL, ex.what());
        return LOY_ERR_INTERNAL;
    } catch (...) {
        set_error(err, LOY_ERR_INTERNAL, "unknown failure");
        return LOY_ERR_INTERNAL;
    }
}

}  // namespace loyalty::sync

#endif
