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

namespace startup_cost {

std::string StoredHash(Store& store, const std::string& user_id) {
  User u;
  EXPECT_TRUE(store.Read([&](Transaction& tx) { return tx.identity().GetUserById(user_id, &u); }).ok());
  return u.password_hash;
}

// A first start's accounts inserted as app/first_start.cc does; *created says whether they were.
BootstrapResult Bootstrap(IdentityService& identity, bool* created) {
  BootstrapResult r = IdentityService::NewAccounts("csms", "default");
  EXPECT_TRUE(identity.InsertAccountsIfEmpty(r, created).ok());
  return r;
}

}  // namespace startup_cost

// The first start's admin password hash is derived after csmsd listens (app/first_start.h): the
// bootstrap itself derives nothing, on a first start or a restart.
TEST(StartupCost, TheBootstrapDerivesNoKey) {
  std::unique_ptr<Store> store;
  ASSERT_TRUE(OpenSqliteStore(SqliteOptions{":memory:"}, &store).ok());
  IdentityService identity(store.get());
  uint64_t before = crypto::PasswordIterationsComputed();
  bool created = false, exists = false;
  ASSERT_TRUE(identity.HasDomain("csms", &exists).ok());
  EXPECT_FALSE(exists);
  startup_cost::Bootstrap(identity, &created);
  EXPECT_TRUE(created);
  ASSERT_TRUE(identity.HasDomain("csms", &exists).ok());
  EXPECT_TRUE(exists);
  startup_cost::Bootstrap(identity, &created);
  EXPECT_FALSE(created) << "a second set of accounts";
  EXPECT_EQ(crypto::PasswordIterationsComputed(), before) << "the bootstrap derived a key";
}

// A first start's accounts, inserted, with the admin's hash pending.
class StartupCostFirstAccounts : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(OpenSqliteStore(SqliteOptions{":memory:"}, &store_).ok());
    identity_ = std::make_unique<IdentityService>(store_.get());
    bool created = false;
    r_ = startup_cost::Bootstrap(*identity_, &created);
    ASSERT_TRUE(created);
  }
  std::unique_ptr<Store> store_;
  std::unique_ptr<IdentityService> identity_;
  BootstrapResult r_;
};

TEST_F(StartupCostFirstAccounts, TheAdminPasswordIsPendingUntilStored) {
  EXPECT_FALSE(crypto::VerifyPassword(r_.password, startup_cost::StoredHash(*store_, r_.user.id)));
  User pending;
  ASSERT_TRUE(identity_->FindPendingUser("csms", "admin", &pending).ok());
  EXPECT_EQ(pending.id, r_.user.id);

  ASSERT_TRUE(identity_->StoreInitialPassword(r_.user.id, r_.password).ok());
  std::string stored = startup_cost::StoredHash(*store_, r_.user.id);
  EXPECT_TRUE(crypto::VerifyPassword(r_.password, stored));
  EXPECT_EQ(crypto::PasswordIterations(stored), crypto::kDefaultPasswordIterations);
  EXPECT_TRUE(identity_->FindPendingUser("csms", "admin", &pending).IsNotFound());
  // The user's first password, not a change of it (pwd_change_at and updated_at stay null).
  UserDetail detail;
  ASSERT_TRUE(store_->Read([&](Transaction& tx) { return tx.identity().GetUserDetail(r_.user.id, &detail); }).ok());
  EXPECT_FALSE(detail.password_changed_at.has_value());
  EXPECT_FALSE(detail.update_time.has_value());
  // Stored once: another process storing it again changes nothing.
  ASSERT_TRUE(identity_->StoreInitialPassword(r_.user.id, "another-one").ok());
  EXPECT_EQ(startup_cost::StoredHash(*store_, r_.user.id), stored);
}

TEST_F(StartupCostFirstAccounts, AnOperatorsPasswordIsNotReplacedByTheInitialOne) {
  const std::string chosen = "Quartz-Ladder-Violet-93";
  ASSERT_TRUE(identity_->SetPassword("csms", "admin", chosen).ok());
  ASSERT_TRUE(identity_->StoreInitialPassword(r_.user.id, r_.password).ok());
  std::string stored = startup_cost::StoredHash(*store_, r_.user.id);
  EXPECT_TRUE(crypto::VerifyPassword(chosen, stored));
  EXPECT_FALSE(crypto::VerifyPassword(r_.password, stored));
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
