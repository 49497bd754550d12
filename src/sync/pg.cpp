#include "pg.hpp"

#include <cstdio>
#include <cstdlib>

namespace loyalty::sync {

namespace {

// libpq's message as one line a till can show: its line breaks and indents become one space.
std::string one_line(const char* text) {
    std::string out;
    bool space = false;
    for (const char* p = text ? text : ""; *p; ++p) {
        const bool ws = *p == '\n' || *p == '\r' || *p == '\t' || *p == ' ';
        if (ws) {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += *p;
    }
    return out;
}

}  // namespace

std::int64_t Result::i64(int row, int col) const {
    return std::strtoll(PQgetvalue(r, row, col), nullptr, 10);
}

PGconn* connect(const std::string& conninfo, int timeout_s) {
    // The caller's settings come last and win; expand_dbname reads `conninfo` whole.
    const std::string timeout = std::to_string(timeout_s);
    const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {timeout.c_str(), "libloyalty-sync", conninfo.c_str(), nullptr};
    PGconn* conn = PQconnectdbParams(keys, values, 1);
    if (!conn) throw Failure{LOY_ERR_NO_MEMORY, "cannot allocate a connection"};
    if (PQstatus(conn) != CONNECTION_OK) {
        const std::string why = one_line(PQerrorMessage(conn));
        PQfinish(conn);
        throw Failure{LOY_ERR_IO, "cannot reach the authority: " + why};
    }
    // The server's notices and warnings (a shutdown's, say) are not the host's to print: libpq
    // writes them to stderr by default. What matters reaches the caller as a status.
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    return conn;
}

Result call(PGconn* conn, const char* sql, const std::vector<std::string>& params) {
    std::vector<const char*> p;
    for (const auto& s : params)
        p.push_back(s.c_str());
    Result r;
    r.r =
        PQexecParams(conn, sql, static_cast<int>(p.size()), nullptr, p.data(), nullptr, nullptr, 0);
    if (r.r && PQresultStatus(r.r) == PGRES_TUPLES_OK) return r;
    const std::string msg = one_line(r.r ? PQresultErrorMessage(r.r) : PQerrorMessage(conn));
    const char* state = r.r ? PQresultErrorField(r.r, PG_DIAG_SQLSTATE) : nullptr;
    const std::string code = state ? state : "";
    if (PQstatus(conn) != CONNECTION_OK || code.rfind("08", 0) == 0 || code.rfind("57P", 0) == 0)
        throw Failure{LOY_ERR_IO, "lost the authority: " + msg};
    if (code == "40001" || code == "40P01") throw Failure{LOY_ERR_BUSY, msg};
    if (code == "22023") throw Failure{LOY_ERR_INVALID_ARGUMENT, msg};
    if (code == "42501")
        throw Failure{LOY_ERR_INVALID_ARGUMENT,
                      "the role may not do this on the authority: " + msg};
    throw Failure{LOY_ERR_INTERNAL, "the authority refused: " + msg};
}

void set_error(loy_error* err, int32_t code, const std::string& message) {
    if (!err || err->size < sizeof(loy_error)) return;
    err->code = code;
    std::snprintf(err->message, sizeof err->message, "%s", message.c_str());
}

}  // namespace loyalty::sync
