// Issue 11: the pure rules behind grants and the users API — validity-time text, the password
// policy of UpdateUserPassword — and the cost of a password change (counted like a login's).
#include <gtest/gtest.h>

#include <memory>

#include "auth/token_service.h"
#include "common/clock.h"
#include "crypto/password.h"
#include "domain/grant.h"
#include "domain/password_policy.h"
#include "service/grant_service.h"
#include "service/identity_service.h"
#include "service/user_service.h"
#include "store/store.h"

namespace csms {
namespace {

TEST(GrantRules, ValidityTimeText) {
  int64_t ms = 0;
  ASSERT_TRUE(grants::ParseValidityText("validity_time", "2022-11-09 16:37:24", &ms).ok());
  EXPECT_EQ(ms, 1668011844000);
  ASSERT_TRUE(grants::ParseValidityText("validity_time", "1668011844000", &ms).ok());
  EXPECT_EQ(ms, 1668011844000);
  for (const char* bad :
       {"", "2022-11-09T16:37:24", "2022-11-09 16:37", "2022-13-01 00:00:00", "2022-02-29 00:00:00",
        "2022-11-09 24:00:00", "2022-11-09 16:60:00", "20221109163724000000", "-5", "12a", "2022-1x-09 16:37:24"}) {
    Status s = grants::ParseValidityText("validity_time", bad, &ms);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.code(), "CSMS.0002") << bad;
  }
  GranteeType t;
  EXPECT_TRUE(ParseGranteeType("0", &t) && t == GranteeType::kUser);
  EXPECT_TRUE(ParseGranteeType("2", &t) && t == GranteeType::kGroup);
  EXPECT_FALSE(ParseGranteeType("1", &t));
  EXPECT_FALSE(ParseGranteeType("00", &t));
}

TEST(PasswordPolicy, Rules) {
  EXPECT_TRUE(password_policy::Check("alice", "old", "Good-Passw0rd").ok());
  EXPECT_TRUE(password_policy::Check("alice", "old", "lower-and-1234").ok()) << "three classes suffice";
  EXPECT_TRUE(password_policy::Check("alice", "old", "Ünïcode-Pässwort1").ok());
  struct Case {
    const char* user;
    const char* old_password;
    const char* password;
  } bad[] = {
      {"alice", "old", "Sh0rt-pw"},                 // 8 < 10 characters
      {"alice", "old", "ÄÄÄÄÄÄÄÄÄ1"},               // 10 characters but only two classes
      {"alice", "old", "onlylowercase"},            // one class
      {"alice", "old", "lowercase1234"},            // two classes
      {"alice", "old", "With\nNewline1"},           // a control character
      {"Admin-Name-9x", "old", "admin-name-9X"},    // the user name, ignoring case
      {"Admin-Name-9x", "old", "x9-EMAN-NIMDA"},    // reversed
      {"alice", "Same-Passw0rd", "Same-Passw0rd"},  // the old password
      {"alice", "old", "\xff\xfe-Passw0rd-1"},      // not UTF-8
  };
  for (const Case& c : bad) {
    Status s = password_policy::Check(c.user, c.old_password, c.password);
    EXPECT_FALSE(s.ok()) << c.password;
    EXPECT_EQ(s.code(), "CSMS.0314") << c.password;
  }
  EXPECT_FALSE(password_policy::Check("alice", "old", std::string(127, 'a') + "A1").ok()) << "129 characters";
  EXPECT_TRUE(password_policy::Check("alice", "old", std::string(126, 'a') + "A1").ok()) << "128 characters";
}

// A password change checks the old password exactly once at the stored cost, right or wrong, and
// a wrong one changes nothing.
TEST(ChangePasswordCost, OneCheckWhateverIsWrong) {
  SqliteOptions options;
  options.path = ":memory:";
  std::unique_ptr<Store> store;
  ASSERT_TRUE(OpenSqliteStore(options, &store).ok());
  IdentityService identity(store.get());
  const char kDomainId[] = "fedcba9876543210fedcba9876543210";
  ASSERT_TRUE(identity
                  .EnsureFixture(Domain{kDomainId, "csms"},
                                 Project{"0123456789abcdef0123456789abcdef", "dev", kDomainId}, "admin",
                                 "admin-password")
                  .ok());
  OffsetClock clock;
  TokenService tokens(store.get(), &clock);
  User admin;
  ASSERT_TRUE(
      store->Read([&](Transaction& tx) { return tx.identity().GetUserByName(kDomainId, "admin", &admin); }).ok());
  Principal caller{admin.id, "admin", kDomainId, "0123456789abcdef0123456789abcdef", "admin", ""};

  const uint64_t check = crypto::kDefaultPasswordIterations;
  uint64_t before = crypto::PasswordIterationsComputed();
  Status s = tokens.ChangePassword(caller, "wrong-password", "New-Passw0rd-1");
  EXPECT_EQ(s.code(), "CSMS.0313");
  EXPECT_EQ(crypto::PasswordIterationsComputed() - before, check);

  before = crypto::PasswordIterationsComputed();
  s = tokens.ChangePassword(caller, "admin-password", "weak");
  EXPECT_EQ(s.code(), "CSMS.0314");
  EXPECT_EQ(crypto::PasswordIterationsComputed() - before, check) << "the policy is applied after the check";

  Principal ghost = caller;
  ghost.user_id = "00000000000000000000000000000000";
  before = crypto::PasswordIterationsComputed();
  s = tokens.ChangePassword(ghost, "admin-password", "New-Passw0rd-1");
  EXPECT_EQ(s.code(), "CSMS.0313");
  EXPECT_EQ(crypto::PasswordIterationsComputed() - before, check) << "an unknown user costs a check of the decoy";

  before = crypto::PasswordIterationsComputed();
  s = tokens.ChangePassword(caller, "admin-password", "New-Passw0rd-1");
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(crypto::PasswordIterationsComputed() - before, 2 * check) << "the check and the new hash";
  User changed;
  ASSERT_TRUE(store->Read([&](Transaction& tx) { return tx.identity().GetUserById(admin.id, &changed); }).ok());
  EXPECT_TRUE(crypto::VerifyPassword("New-Passw0rd-1", changed.password_hash));
}

// At most kMaxGrantsPerSecret grants per secret; the one beyond is refused and changes nothing.
TEST(GrantQuota, OneHundredGrantsPerSecret) {
  SqliteOptions options;
  options.path = ":memory:";
  std::unique_ptr<Store> store;
  ASSERT_TRUE(OpenSqliteStore(options, &store).ok());
  IdentityService identity(store.get());
  const std::string domain_id = "fedcba9876543210fedcba9876543210";
  const std::string project_id = "0123456789abcdef0123456789abcdef";
  ASSERT_TRUE(
      identity.EnsureFixture(Domain{domain_id, "csms"}, Project{project_id, "dev", domain_id}, "admin", "pw").ok());
  Secret secret;
  secret.project_id = project_id;
  secret.id = "5a1b2c3d-0000-4000-8000-000000000001";
  secret.name = "quota";
  secret.kms_key_id = "k";
  ASSERT_TRUE(store->Write([&](Transaction& tx) { return tx.secrets().Insert(secret); }).ok());
  OffsetClock clock;
  GrantService grants(store.get(), &clock);
  GrantScope scope{project_id, domain_id};
  for (int i = 0; i <= grants::kMaxGrantsPerSecret; ++i) {
    Group g;
    ASSERT_TRUE(identity.CreateGroup("csms", "g" + std::to_string(i), &g).ok());
    Grant out;
    Status s = grants.Create(scope, GrantCommand{secret.id, "SECRET", "2", g.id, std::nullopt}, &out);
    if (i < grants::kMaxGrantsPerSecret) {
      ASSERT_TRUE(s.ok()) << i << ": " << s.ToString();
    } else {
      EXPECT_EQ(s.code(), "CSMS.0904") << s.ToString();
    }
  }
  GrantList list;
  ASSERT_TRUE(grants.List(scope, secret.id, &list).ok());
  EXPECT_EQ(list.grants.size(), static_cast<size_t>(grants::kMaxGrantsPerSecret));
}

// Another domain's users and groups do not exist for the users API or as grantees.
TEST(DomainScope, OtherDomainsUsersAreInvisible) {
  SqliteOptions options;
  options.path = ":memory:";
  std::unique_ptr<Store> store;
  ASSERT_TRUE(OpenSqliteStore(options, &store).ok());
  IdentityService identity(store.get());
  const std::string domain_a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", domain_b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  const std::string project_a = "0123456789abcdef0123456789abcdef";
  ASSERT_TRUE(identity.EnsureFixture(Domain{domain_a, "a"}, Project{project_a, "pa", domain_a}, "alice", "pw").ok());
  ASSERT_TRUE(identity
                  .EnsureFixture(Domain{domain_b, "b"}, Project{"fedcba9876543210fedcba9876543210", "pb", domain_b},
                                 "bob", "pw")
                  .ok());
  Group team_b;
  ASSERT_TRUE(identity.CreateGroup("b", "team", &team_b).ok());

  UserService users(store.get());
  UserPage page;
  ASSERT_TRUE(users.List(UserQuery{domain_a, 0, 10, ""}, &page).ok());
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.users[0].user.name, "alice");
  std::string bob_id;
  ASSERT_TRUE(store
                  ->Read([&](Transaction& tx) {
                    User u;
                    Status s = tx.identity().GetUserByName(domain_b, "bob", &u);
                    bob_id = u.id;
                    return s;
                  })
                  .ok());
  UserDetail d;
  EXPECT_EQ(users.Get(domain_a, bob_id, &d).code(), "CSMS.0005");
  EXPECT_TRUE(users.Get(domain_b, bob_id, &d).ok());

  Secret secret;
  secret.project_id = project_a;
  secret.id = "5a1b2c3d-0000-4000-8000-000000000002";
  secret.name = "s";
  secret.kms_key_id = "k";
  ASSERT_TRUE(store->Write([&](Transaction& tx) { return tx.secrets().Insert(secret); }).ok());
  OffsetClock clock;
  GrantService grants(store.get(), &clock);
  Grant out;
  Status s = grants.Create(GrantScope{project_a, domain_a}, GrantCommand{secret.id, "SECRET", "0", bob_id, {}}, &out);
  EXPECT_EQ(s.code(), "CSMS.0002") << s.ToString();
  s = grants.Create(GrantScope{project_a, domain_a}, GrantCommand{secret.id, "SECRET", "2", team_b.id, {}}, &out);
  EXPECT_EQ(s.code(), "CSMS.0002") << s.ToString();
}

}  // namespace
}  // namespace csms
