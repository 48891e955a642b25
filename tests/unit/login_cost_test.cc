// Issue 14 item 5: a login must cost the same whatever is wrong with it, or its answer time tells
// which user names exist. The cost is counted (PBKDF2 iterations computed), not timed.
#include <gtest/gtest.h>

#include <memory>

#include "auth/token_service.h"
#include "common/clock.h"
#include "crypto/password.h"
#include "service/identity_service.h"
#include "store/store.h"

namespace csms {
namespace {

constexpr char kDomainId[] = "fedcba9876543210fedcba9876543210";
constexpr char kProject[] = "0123456789abcdef0123456789abcdef";

class LoginCostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions options;
    options.path = ":memory:";
    ASSERT_TRUE(OpenSqliteStore(options, &store_).ok());
    identity_ = std::make_unique<IdentityService>(store_.get());
    ASSERT_TRUE(
        identity_
            ->EnsureFixture(Domain{kDomainId, "csms"}, Project{kProject, "dev", kDomainId}, "admin", "admin-password")
            .ok());
    User other;
    ASSERT_TRUE(identity_->CreateUser("csms", "gone", "Gone-Passw0rd", "admin", &other).ok());
    ASSERT_TRUE(identity_->SetUserEnabled("csms", "gone", false).ok());
    tokens_ = std::make_unique<TokenService>(store_.get(), &clock_);
    ASSERT_TRUE(store_
                    ->Read([&](Transaction& tx) {
                      User u;
                      Status s = tx.identity().GetUserByName(kDomainId, "admin", &u);
                      stored_iterations_ = crypto::PasswordIterations(u.password_hash);
                      return s;
                    })
                    .ok());
  }

  // Iterations one login attempt computes, and its result.
  uint64_t Cost(const std::string& user, const std::string& password, const std::string& domain, Status* result) {
    PasswordAuthRequest r;
    r.user_name = user;
    r.password = password;
    r.user_domain_name = domain;
    r.project_id = kProject;
    IssuedToken t;
    uint64_t before = crypto::PasswordIterationsComputed();
    *result = tokens_->Issue(r, &t);
    return crypto::PasswordIterationsComputed() - before;
  }

  OffsetClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<IdentityService> identity_;
  std::unique_ptr<TokenService> tokens_;
  int stored_iterations_ = 0;
};

TEST_F(LoginCostTest, EveryFailureCostsWhatARealCheckCosts) {
  ASSERT_EQ(stored_iterations_, crypto::kDefaultPasswordIterations);
  const uint64_t real = static_cast<uint64_t>(stored_iterations_);
  Status s;
  EXPECT_EQ(Cost("admin", "admin-password", "csms", &s), real);
  EXPECT_TRUE(s.ok()) << s.ToString();

  struct Case {
    const char* what;
    const char* user;
    const char* password;
    const char* domain;
  } cases[] = {
      {"wrong password", "admin", "wrong", "csms"},
      {"unknown user", "nobody", "admin-password", "csms"},
      {"unknown domain", "admin", "admin-password", "elsewhere"},
      {"disabled user, right password", "gone", "Gone-Passw0rd", "csms"},
      {"disabled user, wrong password", "gone", "wrong", "csms"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Cost(c.user, c.password, c.domain, &s), real) << c.what;
    EXPECT_EQ(s.code(), "CSMS.0305") << c.what << ": " << s.ToString();
    EXPECT_EQ(s.message(), "the user name, password or domain is incorrect") << c.what;
  }
}

TEST(PasswordIterations, ReadsTheCostOfAnEncoding) {
  EXPECT_EQ(crypto::PasswordIterations(crypto::HashPassword("pw", 1234)), 1234);
  EXPECT_EQ(crypto::PasswordIterations("pbkdf2-sha256$0100$c2FsdA==$aGFzaA=="), 0);
  EXPECT_EQ(crypto::PasswordIterations("garbage"), 0);
  uint64_t before = crypto::PasswordIterationsComputed();
  EXPECT_TRUE(crypto::VerifyPassword("pw", crypto::HashPassword("pw", 1234)));
  EXPECT_EQ(crypto::PasswordIterationsComputed() - before, 2u * 1234u);
}

}  // namespace
}  // namespace csms
