// What the report, segment, message and import code uses of an open database, under the
// handle's lock and inside one transaction.
#ifndef LOYALTY_SRC_STORAGE_ACCESS_HPP
#define LOYALTY_SRC_STORAGE_ACCESS_HPP

#include <cstdint>
#include <functional>
#include <string>

#include "loyalty/database.hpp"
#include "storage/sqlite.hpp"

namespace loyalty::storage {

struct Session {
    Connection& c;
    const Program& program;
    std::int64_t now;
    // Enrols a member inside the session's transaction (fields are checked and normalised).
    std::function<std::int64_t(MemberFields&)> enrol;
};

struct Access {
    // Runs fn under the handle's lock inside a read transaction, or a write transaction
    // (BEGIN IMMEDIATE) when `write`; a write commits when fn returns true, else rolls back.
    static void run(Database& db, bool write, const std::function<bool(Session&)>& fn);
    // In chain mode, refuses a job that runs once for the whole chain (Impl::not_on_a_till).
    static void not_on_a_till(Database& db, const char* what);
};

}  // namespace loyalty::storage

#endif
