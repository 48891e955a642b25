// The test PostgreSQL (tests/support/postgres.h): what the engine's tests and the rotation tests
// rely on. Password authentication must be real, or a test that a rotated-away password no
// longer logs in would pass for the wrong reason.
#include <gtest/gtest.h>

#include <optional>
#include <string>

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
  // Roles are server-wide and this test also runs as its pg. variant, maybe at the same time:
  // the role is named after this test's own database.
  const std::string role = "app_" + db.name();
  ASSERT_EQ(db.Exec("CREATE ROLE " + role + " LOGIN PASSWORD 'first-pass'"), "");
  EXPECT_EQ(TryPostgresLogin(s.host, s.port, role, "first-pass", db.name()), "");
  ASSERT_EQ(db.Exec("ALTER ROLE " + role + " PASSWORD 'second-pass'"), "");
  EXPECT_NE(TryPostgresLogin(s.host, s.port, role, "first-pass", db.name()), "");
  EXPECT_EQ(TryPostgresLogin(s.host, s.port, role, "second-pass", db.name()), "");
  ASSERT_EQ(db.Exec("DROP ROLE " + role), "");  // leave none behind
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
