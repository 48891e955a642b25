// The per-project secret count behind the quota check (migration 14) is kept by trigger: it follows
// inserts and deletes of secrets exactly, per project, including a rolled-back write and a project
// that never had a secret.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "domain/secret.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace csms {
namespace {

const std::string kProjectA = "0123456789abcdef0123456789abcdef";
const std::string kProjectB = "fedcba9876543210fedcba9876543210";

Secret MakeSecret(const std::string& project, int i) {
  Secret s;
  s.project_id = project;
  s.id = project.substr(0, 8) + "-secret-" + std::to_string(i);
  s.name = "s" + std::to_string(i);
  s.kms_key_id = "csms/default";
  return s;
}

int64_t CountOf(Store& store, const std::string& project) {
  int64_t count = -1;
  EXPECT_TRUE(store.Read([&](Transaction& tx) { return tx.secrets().Count(project, &count); }).ok());
  return count;
}

TEST(SecretCount, FollowsInsertsAndDeletesPerProject) {
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  SqliteOptions options;
  options.path = dir.path() + "/csms.db";
  options.synchronous_full = false;
  std::unique_ptr<Store> store;
  ASSERT_TRUE(OpenSqliteStore(options, &store).ok());

  EXPECT_EQ(CountOf(*store, kProjectA), 0);
  ASSERT_TRUE(store
                  ->Write([&](Transaction& tx) -> Status {
                    for (int i = 0; i < 5; ++i) CSMS_RETURN_IF_ERROR(tx.secrets().Insert(MakeSecret(kProjectA, i)));
                    return tx.secrets().Insert(MakeSecret(kProjectB, 0));
                  })
                  .ok());
  EXPECT_EQ(CountOf(*store, kProjectA), 5);
  EXPECT_EQ(CountOf(*store, kProjectB), 1);

  // A write that fails after inserting changes nothing, the count included.
  Status failed = store->Write([&](Transaction& tx) -> Status {
    CSMS_RETURN_IF_ERROR(tx.secrets().Insert(MakeSecret(kProjectA, 99)));
    return Status::Failure(Status::Kind::kInternal, "rolled back on purpose");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(CountOf(*store, kProjectA), 5);

  ASSERT_TRUE(store->Write([&](Transaction& tx) { return tx.secrets().Delete(MakeSecret(kProjectA, 2)); }).ok());
  EXPECT_EQ(CountOf(*store, kProjectA), 4);
  EXPECT_EQ(CountOf(*store, kProjectB), 1);

  // Reopened (the count is stored, not rebuilt at start).
  store.reset();
  ASSERT_TRUE(OpenSqliteStore(options, &store).ok());
  EXPECT_EQ(CountOf(*store, kProjectA), 4);
}

}  // namespace
}  // namespace csms
