// Build-time generator of the SQLite schema image (src/store/sqlite/schema_image.h): makes a new
// database the way SqliteStore::Init does (the connection's journal mode, the schema_version
// table, then every migration in one script, store/sqlite/schema.h), closes it (the WAL is
// checkpointed into the file), and writes its bytes as a C++ header: the file's size and its
// runs of non-zero bytes (an empty table's page is mostly zeros).
//
// Usage: csms_sqlite_schema_image SCRATCH_DB OUTPUT_HEADER
#include <sqlite3.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "store/sqlite/schema.h"

namespace {

bool Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK) return true;
  std::fprintf(stderr, "csms_sqlite_schema_image: %s\n", error ? error : "error");
  sqlite3_free(error);
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: csms_sqlite_schema_image SCRATCH_DB OUTPUT_HEADER\n");
    return 2;
  }
  const std::string scratch = argv[1];
  std::remove(scratch.c_str());
  std::remove((scratch + "-wal").c_str());
  std::remove((scratch + "-shm").c_str());
  sqlite3* db = nullptr;
  if (sqlite3_open(scratch.c_str(), &db) != SQLITE_OK) return 1;
  // As store/sqlite/connection.cc: only journal_mode is kept in the file; the rest is per connection.
  bool ok = Exec(db, "PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL;") &&
            Exec(db, csms::sqlite::kSchemaVersionTableSql) && Exec(db, csms::sqlite::MigrationScript(0));
  if (sqlite3_close(db) != SQLITE_OK || !ok) return 1;

  std::ifstream in(scratch, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(scratch.c_str());
  if (bytes.size() < 100 || bytes.compare(0, 15, "SQLite format 3") != 0) return 1;

  std::ostringstream out;
  out << "// Generated at build time by cmake/sqlite_schema_image.cc; do not edit.\n#pragma once\n\n"
      << "#include <cstdint>\n#include <string_view>\n\nnamespace csms::generated {\n\n"
      << "inline constexpr uint64_t kSqliteSchemaImageSize = " << bytes.size() << ";\n\n"
      << "struct SqliteSchemaImageRun {\n  uint64_t offset;\n  std::string_view bytes;\n};\n\n"
      << "inline constexpr SqliteSchemaImageRun kSqliteSchemaImageRuns[] = {\n";
  // A run ends at 32 zero bytes in a row; the zeros between runs are the file's holes.
  constexpr size_t kGap = 32;
  size_t i = 0;
  while (i < bytes.size()) {
    while (i < bytes.size() && bytes[i] == 0) ++i;
    if (i == bytes.size()) break;
    size_t end = i, zeros = 0;
    while (end < bytes.size() && zeros < kGap) {
      zeros = bytes[end] == 0 ? zeros + 1 : 0;
      ++end;
    }
    end -= zeros;
    out << "    {" << i << ", std::string_view(\"";
    for (size_t k = i; k < end; ++k) {
      static const char* hex = "0123456789abcdef";
      const auto b = static_cast<unsigned char>(bytes[k]);
      out << "\\x" << hex[b >> 4] << hex[b & 15];
      if ((k - i) % 64 == 63) out << "\"\n\"";
    }
    out << "\", " << end - i << ")},\n";
    i = end;
  }
  out << "};\n\n}  // namespace csms::generated\n";

  const std::string header = argv[2];
  std::ofstream f(header + ".tmp", std::ios::binary | std::ios::trunc);
  f << out.str();
  f.close();
  if (!f || std::rename((header + ".tmp").c_str(), header.c_str()) != 0) return 1;
  return 0;
}
