// Opening a file: is it ours, is its version one this library reads, and its upgrade, in one
// write transaction (each version's SQL: schema_versions.cpp).
#include "storage/schema.hpp"

#include <string>

#include "storage/schema_versions.hpp"

namespace loyalty::storage {

namespace {

std::int64_t pragma_int(Connection& c, const char* sql) {
    auto q = c.query(sql);
    return q.next() ? q.i64(0) : 0;
}

}  // namespace

void prepare_schema(Connection& c, bool read_only, std::int64_t now_ms) {
    std::int64_t app_id = 0, version = 0, objects = 0;
    try {
        app_id = pragma_int(c, "PRAGMA application_id");
        version = pragma_int(c, "PRAGMA user_version");
        objects = pragma_int(c, "SELECT count(*) FROM sqlite_master");
    } catch (const Error& e) {
        if (e.status() == Status::NotADatabase)
            throw Error(Status::NotADatabase, "the file is not a libloyalty database (not SQLite)");
        throw;
    }
    if (app_id != kApplicationId) {
        if (app_id != 0 || objects != 0)
            throw Error(Status::NotADatabase,
                        "the file is an SQLite database but not a libloyalty database");
        if (read_only)
            throw Error(Status::NotADatabase, "the file is empty, not a libloyalty database");
    }
    if (version > kSchemaVersion)
        throw Error(Status::SchemaTooNew,
                    "the database has schema version " + std::to_string(version) +
                        ", written by a newer libloyalty; this library reads up to version " +
                        std::to_string(kSchemaVersion));
    if (version == kSchemaVersion) return;
    if (read_only) throw Error(Status::ReadOnly, "the database needs an upgrade but is read-only");
    Transaction t(c, true);
    // Re-read under the write lock: another process may have created it meanwhile.
    if (pragma_int(c, "PRAGMA user_version") == kSchemaVersion) return;
    const std::int64_t from = pragma_int(c, "PRAGMA user_version");
    try {
        migrate_schema(c, from, now_ms);
    } catch (const Error& e) {
        // A migration's SQL fails only on a schema that is not what its version says (a damaged
        // or forged file): found by fuzzing database files.
        if (e.status() != Status::Internal) throw;
        throw Error(Status::NotADatabase, "the database's schema does not match its version " +
                                              std::to_string(from) + ": " + e.what());
    }
    c.exec(("PRAGMA application_id = " + std::to_string(kApplicationId)).c_str());
    c.exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
    t.commit();
}

}  // namespace loyalty::storage
