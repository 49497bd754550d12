// Each schema version's SQL (schema_versions.cpp): what a version adds, and why, beside the
// statements that add it.
#ifndef LOYALTY_SRC_STORAGE_SCHEMA_VERSIONS_HPP
#define LOYALTY_SRC_STORAGE_SCHEMA_VERSIONS_HPP

#include <cstdint>

#include "storage/sqlite.hpp"

namespace loyalty::storage {

// Takes a file of schema version `from` (0: an empty file) to kSchemaVersion, step by step; a
// new file's creation time is `now_ms`. Runs inside the caller's write transaction; a step's
// SQL that fails throws Error(Status::Internal).
void migrate_schema(Connection& c, std::int64_t from, std::int64_t now_ms);

// Its steps from version 9 on (schema_versions_lean.cpp), for a file of version `from`.
void migrate_lean(Connection& c, std::int64_t from);

}  // namespace loyalty::storage

#endif
