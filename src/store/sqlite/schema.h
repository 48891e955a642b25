// Versioned schema migrations for the SQLite store. Migration N (1-based) moves the schema from
// version N-1 to N; they are applied in order at start, each in its own transaction, and never
// edited once released: a change is a new migration.
#pragma once

#include <span>
#include <string_view>

namespace csms::sqlite {

std::span<const std::string_view> Migrations();

}  // namespace csms::sqlite
