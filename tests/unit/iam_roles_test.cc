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

TEST(Roles, ReadonlyReadsMetadataButNeverValuesOrWrites) {
  for (const ActionInfo& a : Actions()) {
    bool expected = a.self_service || (a.level != AccessLevel::kWrite && !a.reveals_secret_value);
    EXPECT_EQ(RoleAllows(kRoleReadonly, a.name), expected) << a.name;
  }
  EXPECT_TRUE(RoleAllows(kRoleReadonly, "csms:event:list"));
  EXPECT_TRUE(RoleAllows(kRoleReadonly, "csms:secret:get"));
  EXPECT_TRUE(RoleAllows(kRoleReadonly, "iam:projects:list"));
  EXPECT_FALSE(RoleAllows(kRoleReadonly, "csms:secret:getVersion"));
  EXPECT_FALSE(RoleAllows(kRoleReadonly, "csms:event:create"));
  EXPECT_FALSE(RoleAllows(kRoleReadonly, "csms:secret:delete"));
  EXPECT_TRUE(RoleAllows(kRoleReadonly, "iam:tokens:revoke"));  // its own tokens only (TokenService::Revoke)
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
