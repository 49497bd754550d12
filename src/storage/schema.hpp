// The database schema and its migrations.
#ifndef LOYALTY_SRC_STORAGE_SCHEMA_HPP
#define LOYALTY_SRC_STORAGE_SCHEMA_HPP

#include <cstdint>

#include "storage/sqlite.hpp"

namespace loyalty::storage {

// 'LOYA': marks a file as a libloyalty database (PRAGMA application_id).
constexpr std::int32_t kApplicationId = 0x4C4F5941;
constexpr std::int32_t kSchemaVersion = 25;
// "Never expires" is stored as the largest time so that ORDER BY expires_at puts it last.
constexpr std::int64_t kNever = INT64_MAX;

// The SQL of schema version 1, for tests that build an old file and open it.
const char* schema_v1_sql() noexcept;

// Checks the file is ours (or empty), refuses newer schemas, creates or migrates.
// Must run inside no transaction; takes its own.
void prepare_schema(Connection& c, bool read_only, std::int64_t now_ms);

}  // namespace loyalty::storage

#endif
