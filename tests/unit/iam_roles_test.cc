// The IAM action catalogue and the two built-in roles.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "auth/actions.h"
#include "auth/roles.h"

namespace csms::auth {
namespace {

TEST(ActionCatalogue, SortedUniqueAndFindable) {
  auto actions = Actions();
  ASSERT_FALSE(actions.empty());
  for (size_t i = 1; i < actions.size(); ++i) {
    EXPECT_LT(actions[i - 1].name, actions[i].name) << "kActions must stay sorted: " << actions[i].name;
  }
  for (const ActionInfo& a : actions) {
    const ActionInfo* found = FindAction(a.name);
    ASSERT_NE(found, nullptr) << a.name;
    EXPECT_EQ(found->name, a.name);
  }
  EXPECT_EQ(FindAction(""), nullptr);
  EXPECT_EQ(FindAction("csms:event:Create"), nullptr);
  EXPECT_EQ(FindAction("csms:event:createX"), nullptr);
}

TEST(ActionCatalogue, HasTheDocumentedNames) {
  for (const char* name : {"csms:event:create", "csms:event:list", "csms:event:listNotificationRecords",
                           "csms:event:update", "csms:event:delete", "csms:secret:create", "csms:secret:getVersion",
                           "csms:secret:createVersion", "csms:secret:list", "iam:projects:list"}) {
    EXPECT_NE(FindAction(name), nullptr) << name;
  }
}

TEST(Roles, AdminMayDoEverythingInTheCatalogue) {
  for (const ActionInfo& a : Actions()) EXPECT_TRUE(RoleAllows(kRoleAdmin, a.name)) << a.name;
}

// The expected permissions are written out by hand, one line per action (not derived from the
// catalogue's levels the way roles.cc derives them): a changed level, a new action or a changed
// rule makes this table disagree.
TEST(Roles, ReadonlyReadsMetadataButNeverValuesOrWrites) {
  struct Row {
    const char* action;
    bool readonly;
  };
  const Row kExpected[] = {
      {"csms:event:create", false},
      {"csms:event:delete", false},
      {"csms:event:get", true},
      {"csms:event:list", true},
      {"csms:event:listNotificationRecords", true},
      {"csms:event:update", false},
      {"csms:password:generate", true},  // reads and changes nothing
      {"csms:secret:batchImport", false},
      {"csms:secret:check", true},  // estimates a value the caller sends; reveals no stored one
      {"csms:agency:create", false},
      {"csms:agency:get", true},
      {"csms:functionTemplate:get", true},
      {"csms:grant:create", false},
      {"csms:grant:delete", false},
      {"csms:grant:list", true},
      {"csms:grant:update", false},
      {"csms:secret:create", false},
      {"csms:secret:createStage", false},
      {"csms:secret:createVersion", false},
      {"csms:secret:delete", false},
      {"csms:secret:deleteStage", false},
      {"csms:secret:get", true},
      {"csms:secret:getStage", true},
      {"csms:secret:getVersion", false},  // reveals the secret value (a grant may open one: http/grant_check.h)
      {"csms:secret:list", true},
      {"csms:secret:listVersion", true},
      {"csms:secret:restoreSecret", false},
      {"csms:secret:rotate", false},
      {"csms:secret:scheduleDeletion", false},
      {"csms:secret:update", false},
      {"csms:secret:updateStage", false},
      {"csms:secret:updateVersion", false},
      {"csms:secretsConfig:get", true},
      {"csms:secretsConfig:update", false},
      {"csms:tag:batch", false},
      {"csms:tag:create", false},
      {"csms:tag:delete", false},
      {"csms:tag:list", true},
      {"csms:tag:listResources", true},
      {"csms:task:list", true},
      {"iam:projects:list", true},
      {"iam:tokens:create", true},         // a login (public: audited under this name)
      {"iam:tokens:revoke", true},         // its own tokens only (TokenService::Revoke)
      {"iam:users:changePassword", true},  // its own password only (TokenService::ChangePassword)
      {"iam:users:get", true},
      {"iam:users:list", true},
  };
  std::set<std::string> in_table;
  for (const Row& row : kExpected) {
    in_table.insert(row.action);
    EXPECT_TRUE(RoleAllows(kRoleAdmin, row.action)) << row.action;
    EXPECT_EQ(RoleAllows(kRoleReadonly, row.action), row.readonly) << row.action;
  }
  // Every action of the catalogue is in the table above, and nothing else.
  std::set<std::string> catalogue;
  for (const ActionInfo& a : Actions()) catalogue.insert(std::string(a.name));
  EXPECT_EQ(catalogue, in_table);
}

TEST(Roles, UnknownRolesAndActionsFailClosed) {
  EXPECT_FALSE(RoleAllows("", "csms:event:list"));
  EXPECT_FALSE(RoleAllows("Admin", "csms:event:list"));
  EXPECT_FALSE(RoleAllows("root", "csms:event:list"));
  EXPECT_FALSE(RoleAllows(kRoleAdmin, ""));
  EXPECT_FALSE(RoleAllows(kRoleAdmin, "csms:*"));
  EXPECT_FALSE(RoleAllows(kRoleAdmin, "csms:event:frobnicate"));
  EXPECT_TRUE(IsBuiltinRole("admin"));
  EXPECT_TRUE(IsBuiltinRole("readonly"));
  EXPECT_FALSE(IsBuiltinRole("reader"));
}

}  // namespace
}  // namespace csms::auth
