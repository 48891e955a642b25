// Which database engine the csmsd processes of a test use. CTest runs the integration suite twice:
// as is (SQLite), and with the prefix "pg." and CSMS_TEST_ENGINE=postgresql, where every csmsd a
// test starts gets --database with a fresh PostgreSQL database (support/postgres.h): one per
// --dev start (a --dev SQLite database is new at every start too), one per data dir otherwise (a
// restart on the same data dir finds its data again, and `csmsd admin --data-dir X` reaches the
// database of the server on X).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace csms::test {

bool TestEngineIsPostgres();

// `args` of a csmsd server start with the engine's flags added (none on SQLite). `data_dir` is the
// data dir the process uses (ignored with --dev).
std::vector<std::string> WithEngineArgs(const std::vector<std::string>& args, const std::string& data_dir);
// The same for `csmsd admin ...` (the flags go after "admin").
std::vector<std::string> WithEngineAdminArgs(const std::vector<std::string>& args);

// The store a csmsd on `data_dir` uses, opened beside it (a test seeding or inspecting rows):
// <data_dir>/csms.db on SQLite, the data dir's database on PostgreSQL.
Status OpenEngineStore(const std::string& data_dir, std::unique_ptr<Store>* out);

// Runs SQL on the database a csmsd on `data_dir` uses (<data_dir>/csms.db, or the data dir's
// PostgreSQL database): "" on success, else the error (a test playing another csmsd version).
std::string ExecEngineSql(const std::string& data_dir, const std::string& sql);

// A fresh PostgreSQL database: its URL and the file holding its password. Only on PostgreSQL.
struct EngineDatabase {
  std::string url;
  std::string password_file;
};
EngineDatabase NewPostgresDatabase();

}  // namespace csms::test

// For a test that is about SQLite itself (its files, the --dev temporary database, the group
// writer's hooks): skipped on PostgreSQL with the reason.
#define CSMS_SKIP_ON_POSTGRES(reason)                                                    \
  do {                                                                                   \
    if (::csms::test::TestEngineIsPostgres()) GTEST_SKIP() << "SQLite only: " << reason; \
  } while (0)
