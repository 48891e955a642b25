// Agencies belong to a domain: one domain's agency neither shows nor grants rotation in another,
// and it covers every project of its own domain.
#include <gtest/gtest.h>

#include <memory>

#include "common/clock.h"
#include "common/errors.h"
#include "service/agency_service.h"
#include "store/store.h"

namespace csms::test {
namespace {

constexpr const char* kDomainA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr const char* kDomainB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
constexpr const char* kProjectA1 = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
constexpr const char* kProjectA2 = "a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2";
constexpr const char* kProjectB = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0";

class AgencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions options;
    options.path = ":memory:";
    ASSERT_TRUE(OpenSqliteStore(options, &store_).ok());
    ASSERT_TRUE(store_
                    ->Write([&](Transaction& tx) -> Status {
                      CSMS_RETURN_IF_ERROR(tx.identity().InsertDomain(Domain{kDomainA, "a"}));
                      CSMS_RETURN_IF_ERROR(tx.identity().InsertDomain(Domain{kDomainB, "b"}));
                      CSMS_RETURN_IF_ERROR(tx.identity().InsertProject(Project{kProjectA1, "a1", kDomainA}));
                      CSMS_RETURN_IF_ERROR(tx.identity().InsertProject(Project{kProjectA2, "a2", kDomainA}));
                      return tx.identity().InsertProject(Project{kProjectB, "b", kDomainB});
                    })
                    .ok());
    agencies_ = std::make_unique<AgencyService>(store_.get(), &clock_);
  }

  // The agency check rotation makes for an RDS-FG secret of `project`.
  Status CheckRotation(const char* project, const char* type = "RDS-FG") {
    Secret s;
    s.project_id = project;
    s.name = "db";
    s.secret_type = type;
    return store_->Read([&](Transaction& tx) { return CheckAgencyGranted(tx, s); });
  }

  OffsetClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AgencyService> agencies_;
};

TEST_F(AgencyTest, AnAgencyGrantsItsDomainAndTypeOnly) {
  EXPECT_EQ(CheckRotation(kProjectA1).code(), "CSMS.0901");
  EXPECT_TRUE(CheckRotation(kProjectA1, "COMMON").ok());  // COMMON needs none

  Agency created;
  ASSERT_TRUE(agencies_->Create(kDomainA, "RDS-FG", &created).ok());
  bool granted = false;
  ASSERT_TRUE(agencies_->IsGranted(kDomainA, "RDS-FG", &granted).ok());
  EXPECT_TRUE(granted);
  ASSERT_TRUE(agencies_->IsGranted(kDomainB, "RDS-FG", &granted).ok());
  EXPECT_FALSE(granted);
  ASSERT_TRUE(agencies_->IsGranted(kDomainA, "GaussDB-FG", &granted).ok());
  EXPECT_FALSE(granted);

  EXPECT_TRUE(CheckRotation(kProjectA1).ok());
  EXPECT_TRUE(CheckRotation(kProjectA2).ok());  // every project of the domain
  EXPECT_EQ(CheckRotation(kProjectB).code(), "CSMS.0901");
  EXPECT_EQ(CheckRotation(kProjectA1, "GaussDB-FG").code(), "CSMS.0901");

  // Idempotent: the same agency again.
  Agency again;
  ASSERT_TRUE(agencies_->Create(kDomainA, "RDS-FG", &again).ok());
  EXPECT_EQ(again.agency_id, created.agency_id);
  EXPECT_EQ(again.agency_name, "csms_rds_fg_agency");
  EXPECT_EQ(agencies_->Create(kDomainA, "COMMON", &again).code(), "CSMS.0002");
}

}  // namespace
}  // namespace csms::test
