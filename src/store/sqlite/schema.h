// Versioned schema migrations for the SQLite store. Migration N (1-based) moves the schema from
// version N-1 to N; the pending ones are applied in order at start, in one transaction, and never
// edited once released: a change is a new migration. A new database starts from the schema image
// instead (schema_image.h), which is these migrations run at build time.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace csms::sqlite {

std::span<const std::string_view> Migrations();

// The table of applied versions; made (if missing) before the version is read.
inline constexpr const char* kSchemaVersionTableSql =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";

// Migrations from_version+1 .. last as one script of one transaction, each followed by its row in
// schema_version: one commit (one fsync with synchronous=FULL) however many run, and an upgrade
// that fails part-way leaves the database as it was. Also what builds the schema image
// (schema_image.h) at build time, so a new database made either way is the same.
std::string MigrationScript(size_t from_version);

}  // namespace csms::sqlite
