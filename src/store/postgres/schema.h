// Versioned schema migrations for the PostgreSQL store. Migration 1 is the SQLite schema 1-14 as
// one baseline; later ones follow as the SQLite list grows. Migration N (1-based) moves the schema
// from version N-1 to N; they are applied at start in one transaction holding an advisory lock
// (two replicas starting together: the second waits, then finds nothing to do), and never edited
// once released: a change is a new migration.
#pragma once

#include <span>
#include <string_view>

namespace csms::postgres {

std::span<const std::string_view> Migrations();

// The key of the transaction-level advisory lock migrations hold (pg_advisory_xact_lock).
inline constexpr int64_t kMigrationLockKey = 0x63736d73'6d696772;  // "csmsmigr"

}  // namespace csms::postgres
