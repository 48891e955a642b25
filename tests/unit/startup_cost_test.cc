// Start-up derives no key before it listens: the --dev password is stored from a hash computed
// ahead of time (it must verify, at the full cost), and the bootstrap leaves the first start's admin
// password pending until StoreInitialPassword (counted with the PBKDF2 meter, not timed).
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

// The first start's admin password hash is derived after csmsd listens (app/storage_setup.h): the
// bootstrap itself derives nothing, on a first start or a restart.
TEST(StartupCost, TheBootstrapDerivesNoKey) {
  std::unique_ptr<Store> store;
  ASSERT_TRUE(OpenSqliteStore(SqliteOptions{":memory:"}, &store).ok());
  IdentityService identity(store.get());
  uint64_t before = crypto::PasswordIterationsComputed();
  BootstrapResult first;
  ASSERT_TRUE(identity.BootstrapIfEmpty("csms", "default", &first).ok());
  EXPECT_TRUE(first.created);
  BootstrapResult again;
  ASSERT_TRUE(identity.BootstrapIfEmpty("csms", "default", &again).ok());
  EXPECT_FALSE(again.created);
  EXPECT_EQ(crypto::PasswordIterationsComputed(), before) << "the bootstrap derived a key";
}

namespace startup_cost {
std::string StoredHash(Store& store, const std::string& user_id) {
  User u;
  EXPECT_TRUE(store.Read([&](Transaction& tx) { return tx.identity().GetUserById(user_id, &u); }).ok());
  return u.password_hash;
}
}  // namespace startup_cost
using startup_cost::StoredHash;

TEST(StartupCost, TheAdminPasswordIsPendingUntilStored) {
  std::unique_ptr<Store> store;
  ASSERT_TRUE(OpenSqliteStore(SqliteOptions{":memory:"}, &store).ok());
  IdentityService identity(store.get());
  BootstrapResult r;
  ASSERT_TRUE(identity.BootstrapIfEmpty("csms", "default", &r).ok());
  EXPECT_FALSE(crypto::VerifyPassword(r.password, StoredHash(*store, r.user.id)));
  User pending;
  ASSERT_TRUE(identity.FindPendingUser("csms", "admin", &pending).ok());
  EXPECT_EQ(pending.id, r.user.id);

  ASSERT_TRUE(identity.StoreInitialPassword(r.user.id, r.password).ok());
  std::string stored = StoredHash(*store, r.user.id);
  EXPECT_TRUE(crypto::VerifyPassword(r.password, stored));
  EXPECT_EQ(crypto::PasswordIterations(stored), crypto::kDefaultPasswordIterations);
  EXPECT_TRUE(identity.FindPendingUser("csms", "admin", &pending).IsNotFound());
  // Stored once: another process storing it again changes nothing.
  ASSERT_TRUE(identity.StoreInitialPassword(r.user.id, "another-one").ok());
  EXPECT_EQ(StoredHash(*store, r.user.id), stored);
}

TEST(StartupCost, AnOperatorsPasswordIsNotReplacedByTheInitialOne) {
  std::unique_ptr<Store> store;
  ASSERT_TRUE(OpenSqliteStore(SqliteOptions{":memory:"}, &store).ok());
  IdentityService identity(store.get());
  BootstrapResult r;
  ASSERT_TRUE(identity.BootstrapIfEmpty("csms", "default", &r).ok());
  const std::string chosen = "Quartz-Ladder-Violet-93";
  ASSERT_TRUE(identity.SetPassword("csms", "admin", chosen).ok());
  ASSERT_TRUE(identity.StoreInitialPassword(r.user.id, r.password).ok());
  std::string stored = StoredHash(*store, r.user.id);
  EXPECT_TRUE(crypto::VerifyPassword(chosen, stored));
  EXPECT_FALSE(crypto::VerifyPassword(r.password, stored));
}

TEST(StartupCost, OnlyAPendingHashLooksPending) {
  EXPECT_TRUE(crypto::IsPendingPasswordHash(crypto::PendingPasswordHash()));
  EXPECT_NE(crypto::PendingPasswordHash(), crypto::PendingPasswordHash());
  EXPECT_EQ(crypto::PasswordIterations(crypto::PendingPasswordHash()), crypto::kDefaultPasswordIterations);
  EXPECT_FALSE(crypto::IsPendingPasswordHash(crypto::HashPassword("x", 1)));
  EXPECT_FALSE(crypto::IsPendingPasswordHash(crypto::DecoyPasswordHash()));
  EXPECT_FALSE(crypto::IsPendingPasswordHash(kDevPasswordHash));
  EXPECT_FALSE(crypto::IsPendingPasswordHash("garbage"));
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
