// Start-up derives no key it does not need: the --dev password is stored from a hash computed
// ahead of time (it must verify, at the full cost), and a restart on an existing database hashes
// no bootstrap password (counted with the PBKDF2 meter, not timed).
#include <gtest/gtest.h>

#include <memory>

#include "app/server_app.h"
#include "crypto/password.h"
#include "service/identity_service.h"
#include "store/store.h"

namespace csms {
namespace {

TEST(StartupCost, TheDevPasswordHashVerifiesAtTheDefaultCost) {
  EXPECT_TRUE(crypto::VerifyPassword(kDevPassword, kDevPasswordHash));
  EXPECT_FALSE(crypto::VerifyPassword("admin2", kDevPasswordHash));
  EXPECT_EQ(crypto::PasswordIterations(kDevPasswordHash), crypto::kDefaultPasswordIterations);
}

TEST(StartupCost, ARestartDerivesNoBootstrapPassword) {
  std::unique_ptr<Store> store;
  ASSERT_TRUE(OpenSqliteStore(SqliteOptions{":memory:"}, &store).ok());
  IdentityService identity(store.get());
  BootstrapResult first;
  ASSERT_TRUE(identity.BootstrapIfEmpty("csms", "default", &first).ok());
  EXPECT_TRUE(first.created);
  uint64_t before = crypto::PasswordIterationsComputed();
  BootstrapResult again;
  ASSERT_TRUE(identity.BootstrapIfEmpty("csms", "default", &again).ok());
  EXPECT_FALSE(again.created);
  EXPECT_EQ(crypto::PasswordIterationsComputed(), before) << "a restart hashed a password it throws away";
}

TEST(StartupCost, TheDevFixtureWithAGivenHashDerivesNothing) {
  std::unique_ptr<Store> store;
  ASSERT_TRUE(OpenSqliteStore(SqliteOptions{":memory:"}, &store).ok());
  IdentityService identity(store.get());
  uint64_t before = crypto::PasswordIterationsComputed();
  ASSERT_TRUE(identity
                  .EnsureFixture(Domain{kDevDomainId, kDevDomainName},
                                 Project{kDevProjectId, kDevProjectName, kDevDomainId}, kDevUserName, kDevPassword,
                                 kDevPasswordHash)
                  .ok());
  EXPECT_EQ(crypto::PasswordIterationsComputed(), before);
}

}  // namespace
}  // namespace csms
