// The test PostgreSQL (tests/support/postgres.h): what the engine's tests and the rotation tests
// rely on. Password authentication must be real, or a test that a rotated-away password no
// longer logs in would pass for the wrong reason.
#include <gtest/gtest.h>

#include <optional>

#include "support/postgres.h"

namespace csms::test {
namespace {

TEST(PostgresHarness, FreshDatabaseIsEmptyAndUsable) {
  PostgresTestDatabase db;
  ASSERT_TRUE(db.ok());
  std::string count;
  ASSERT_EQ(db.Exec("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", &count), "");
  EXPECT_EQ(count, "0");
  ASSERT_EQ(db.Exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('x'); SELECT v FROM t", &count), "");
  EXPECT_EQ(count, "x");
}

TEST(PostgresHarness, PasswordAuthenticationIsEnforced) {
  PostgresTestDatabase db;
  ASSERT_TRUE(db.ok());
  const PostgresTestServer& s = db.server();
  EXPECT_EQ(TryPostgresLogin(s.host, s.port, s.user, s.password, db.name()), "");
  EXPECT_NE(TryPostgresLogin(s.host, s.port, s.user, s.password + "x", db.name()), "");
  ASSERT_EQ(db.Exec("CREATE ROLE app LOGIN PASSWORD 'first-pass'"), "");
  EXPECT_EQ(TryPostgresLogin(s.host, s.port, "app", "first-pass", db.name()), "");
  ASSERT_EQ(db.Exec("ALTER ROLE app PASSWORD 'second-pass'"), "");
  EXPECT_NE(TryPostgresLogin(s.host, s.port, "app", "first-pass", db.name()), "");
  EXPECT_EQ(TryPostgresLogin(s.host, s.port, "app", "second-pass", db.name()), "");
  ASSERT_EQ(db.Exec("DROP ROLE app"), "");  // roles are server-wide: leave none behind
}

TEST(PostgresHarness, DatabaseIsDroppedWithTheObject) {
  std::string name;
  {
    PostgresTestDatabase db;
    ASSERT_TRUE(db.ok());
    name = db.name();
  }
  PostgresTestDatabase other;
  ASSERT_TRUE(other.ok());
  std::string count;
  ASSERT_EQ(other.Exec("SELECT count(*) FROM pg_database WHERE datname = '" + name + "'", &count), "");
  EXPECT_EQ(count, "0");
}

}  // namespace
}  // namespace csms::test
