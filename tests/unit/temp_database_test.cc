// The --dev database's directories: a killed owner's directory is removed by the next csmsd that
// makes one (its flock is free), a live owner's never is, and nothing but csms-db-* directories
// with a lock file is touched.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "store/sqlite/temp_database.h"
#include "support/temp_dir.h"

namespace csms::sqlite {
namespace {

namespace fs = std::filesystem;

void MakeDir(const std::string& dir, bool with_lock) {
  fs::create_directory(dir);
  std::ofstream(dir + "/csms.db") << "x";
  if (with_lock) std::ofstream(dir + "/owner.lock");
}

TEST(TempDatabase, RemovesOnlyTheDirectoriesOfDeadOwners) {
  test::TempDir base;
  ASSERT_TRUE(base.ok());
  const std::string b = base.path();
  MakeDir(b + "/csms-db-dead01", true);    // its owner was killed: the lock is free
  MakeDir(b + "/csms-db-live01", true);    // its owner holds the lock (below)
  MakeDir(b + "/csms-db-nolock", false);   // being created, or from before lock files
  MakeDir(b + "/not-csms-db-dead", true);  // someone else's
  int live = ::open((b + "/csms-db-live01/owner.lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(live, 0);
  ASSERT_EQ(::flock(live, LOCK_EX | LOCK_NB), 0);

  EXPECT_EQ(TempDatabase::RemoveStale(b), 1);
  EXPECT_FALSE(fs::exists(b + "/csms-db-dead01"));
  EXPECT_TRUE(fs::exists(b + "/csms-db-live01/csms.db"));
  EXPECT_TRUE(fs::exists(b + "/csms-db-nolock/csms.db"));
  EXPECT_TRUE(fs::exists(b + "/not-csms-db-dead/csms.db"));

  ::close(live);  // the owner dies
  EXPECT_EQ(TempDatabase::RemoveStale(b), 1);
  EXPECT_FALSE(fs::exists(b + "/csms-db-live01"));
}

TEST(TempDatabase, ALiveDatabaseIsKeptAndItsOwnDirectoryGoesWithIt) {
  test::TempDir base;
  ASSERT_TRUE(base.ok());
  const char* old = std::getenv("TMPDIR");
  std::string saved = old ? old : "";
  ::setenv("TMPDIR", base.path().c_str(), 1);
  std::string dir;
  {
    TempDatabase db;
    Status s = db.Create();
    ASSERT_TRUE(s.ok()) << s.ToString();
    dir = db.dir();
    EXPECT_EQ(dir.rfind(base.path() + "/csms-db-", 0), 0u) << dir;
    EXPECT_TRUE(fs::exists(dir + "/owner.lock"));
    EXPECT_EQ(TempDatabase::RemoveStale(base.path()), 0);  // its lock is held
    EXPECT_TRUE(fs::exists(dir));
  }
  EXPECT_FALSE(fs::exists(dir));
  if (old) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
}

}  // namespace
}  // namespace csms::sqlite
