// The SQLite schema image (store/sqlite/schema_image.h): a database written from it is the database
// the migrations make, compared through SQLite itself (the catalogue, the applied versions, the
// settings kept in the file), and a store opens it and uses it.
#include "store/sqlite/schema_image.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/schema.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace csms::test {
namespace {

// Every row of `sql` as one string ("a|b|c"), in order.
std::vector<std::string> Rows(const std::string& path, const std::string& sql) {
  std::vector<std::string> rows;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK) << path;
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  while (st && sqlite3_step(st) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      const unsigned char* text = sqlite3_column_text(st, i);
      row += (i ? "|" : "") + std::string(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
    rows.push_back(row);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rows;
}

// Opens a store on `path` and closes it (what csmsd does at a start).
void OpenAndClose(const std::string& path) {
  SqliteOptions o;
  o.path = path;
  o.synchronous_full = false;
  std::unique_ptr<Store> store;
  ASSERT_TRUE(OpenSqliteStore(o, &store).ok()) << path;
  EXPECT_TRUE(store->CheckSchema().ok());
}

TEST(SchemaImage, IsTheDatabaseTheMigrationsMake) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string from_image = dir.File("image.db"), migrated = dir.File("migrated.db");
  bool created = false;
  ASSERT_TRUE(sqlite::CreateFromSchemaImage(from_image, /*durable=*/true, &created).ok());
  EXPECT_TRUE(created);
  // An empty file is left alone by the image, and SQLite takes it for a new database: the store
  // runs every migration on it, as before the image existed.
  std::ofstream(migrated).close();
  OpenAndClose(migrated);
  ASSERT_NO_FATAL_FAILURE(OpenAndClose(from_image));

  const std::vector<std::string> queries = {
      "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name",
      "SELECT version FROM schema_version ORDER BY version",
      "PRAGMA journal_mode",
      "PRAGMA page_size",
      "PRAGMA encoding",
      "PRAGMA auto_vacuum",
      "PRAGMA user_version",
      "PRAGMA application_id",
  };
  for (const std::string& q : queries) EXPECT_EQ(Rows(from_image, q), Rows(migrated, q)) << q;
  EXPECT_EQ(Rows(from_image, "SELECT count(*) FROM schema_version"),
            std::vector<std::string>{std::to_string(sqlite::Migrations().size())});
  EXPECT_EQ(Rows(from_image, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  EXPECT_EQ(Rows(from_image, "PRAGMA foreign_key_check"), std::vector<std::string>{});
}

TEST(SchemaImage, IsWrittenOnlyWhereNoFileIs) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.File("csms.db");
  bool created = false;
  ASSERT_TRUE(sqlite::CreateFromSchemaImage(path, false, &created).ok());
  ASSERT_TRUE(created);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);  // private, like the data dir
  // A store writes to it; a second call leaves the file as it is.
  ASSERT_NO_FATAL_FAILURE(OpenAndClose(path));
  const auto before = Rows(path, "SELECT count(*) FROM schema_version");
  ASSERT_TRUE(sqlite::CreateFromSchemaImage(path, false, &created).ok());
  EXPECT_FALSE(created);
  EXPECT_EQ(Rows(path, "SELECT count(*) FROM schema_version"), before);
  // Beside a WAL or journal without its database (an older database's, left by a crash), no
  // image: SQLite, opening an empty file, discards them; it would replay them into the image.
  for (const char* suffix : {"-wal", "-journal"}) {
    const std::string orphan = dir.File(std::string("orphan") + suffix + ".db");
    std::ofstream(orphan + suffix) << "an older database's";
    ASSERT_TRUE(sqlite::CreateFromSchemaImage(orphan, true, &created).ok());
    EXPECT_FALSE(created) << suffix;
    EXPECT_NE(::stat(orphan.c_str(), &st), 0) << suffix;
  }
  // Where it cannot create the file, it leaves it to SQLite (which then says why).
  ASSERT_TRUE(sqlite::CreateFromSchemaImage(dir.File("no/such/dir/csms.db"), false, &created).ok());
  EXPECT_FALSE(created);
}

}  // namespace
}  // namespace csms::test
