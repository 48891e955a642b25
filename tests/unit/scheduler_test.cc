// The scheduler over a real (in-memory) SQLite store: bounded ticks, and retention that removes
// only final records and finished tasks past the horizon.
#include <gtest/gtest.h>

#include "common/clock.h"
#include "crypto/key_store.h"
#include "crypto/random.h"
#include "scheduler/lifecycle_jobs.h"
#include "scheduler/scheduler.h"
#include "service/event_service.h"
#include "service/rotation_service.h"
#include "service/secret_service.h"
#include "store/store.h"
#include "support/dev_fixture.h"

namespace csms {
namespace {

constexpr int64_t kDay = 86'400'000;
const std::string kProject = test::kDevProject;

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(OpenSqliteStore(SqliteOptions{":memory:", false, 1}, &store_).ok());
    keys_.Add("csms/default", crypto::Keyring::Ephemeral());
    vault_ = std::make_unique<SecretVault>(&keys_, std::vector<int64_t>{});  // only expiries themselves come due
    secrets_ = std::make_unique<SecretService>(store_.get(), &clock_, vault_.get(), SecretServiceOptions{});
    rotations_ =
        std::make_unique<RotationService>(store_.get(), &clock_, vault_.get(), nullptr, RotationServiceOptions{});
    jobs_ = std::make_unique<LifecycleJobs>(store_.get(), vault_.get(), rotations_.get(), nullptr);
    ASSERT_TRUE(secrets_->VerifyMasterKeys().ok());
    events_ = std::make_unique<EventService>(store_.get(), &clock_, EventServiceOptions{});
    SchedulerOptions o;
    o.batch = 10;
    scheduler_ = std::make_unique<Scheduler>(store_.get(), &clock_, jobs_.get(), rotations_.get(), &rotation_bell_, o);
  }
  int64_t CountPending() {
    RecordQuery q;
    q.project_id = kProject;
    q.status = NotificationStatus::kPending;
    std::vector<NotificationRecord> out;
    EXPECT_TRUE(store_->Read([&](Transaction& tx) { return tx.records().List(q, &out); }).ok());
    return static_cast<int64_t>(out.size());
  }

  OffsetClock clock_;
  std::unique_ptr<Store> store_;
  crypto::KeyStore keys_;
  std::unique_ptr<SecretVault> vault_;
  std::unique_ptr<SecretService> secrets_;
  std::unique_ptr<RotationService> rotations_;
  std::unique_ptr<LifecycleJobs> jobs_;
  Doorbell rotation_bell_;
  std::unique_ptr<EventService> events_;
  std::unique_ptr<Scheduler> scheduler_;
};

TEST_F(SchedulerTest, EachTickDoesBoundedWork) {
  CreateEventCommand ev;
  ev.name = "ev";
  ev.event_types = {EventType::kVersionExpired};
  ev.notification = NotificationTarget{TargetType::kSmn, "urn:smn:x:y:z", "z"};
  Event event;
  ASSERT_TRUE(events_->Create(kProject, ev, &event).ok());
  int64_t expire = clock_.NowMillis() + 1000;
  for (int s = 0; s < 3; ++s) {
    CreateSecretCommand c;
    c.name = "s" + std::to_string(s);
    c.secret_string = "v";
    c.event_subscriptions = {"ev"};
    Secret secret;
    ASSERT_TRUE(secrets_->Create(kProject, c, &secret).ok());
    for (int v = 0; v < 9; ++v) {
      CreateVersionCommand cv;
      cv.secret_string = "x";
      cv.expire_time = expire;
      VersionView view;
      ASSERT_TRUE(secrets_->CreateVersion(kProject, c.name, cv, &view).ok());
    }
  }
  TickStats stats;
  ASSERT_TRUE(scheduler_->Tick(false, &stats).ok());
  EXPECT_EQ(stats.expiries, 0);  // nothing due yet
  clock_.Advance(kDay);
  std::vector<int> per_tick;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(scheduler_->Tick(false, &stats).ok());
    per_tick.push_back(stats.expiries);
    if (stats.expiries == 10) {
      EXPECT_TRUE(stats.full);
    }
  }
  EXPECT_EQ(per_tick, (std::vector<int>{10, 10, 7, 0, 0}));
  EXPECT_EQ(CountPending(), 27);
}

TEST_F(SchedulerTest, RetentionRemovesOnlyFinalRecordsAndTasksPastTheHorizon) {
  int64_t now = clock_.NowMillis();
  auto record = [&](int64_t age, NotificationStatus status) {
    NotificationRecord r;
    r.record_id = crypto::NewUuid();
    r.project_id = kProject;
    r.event_name = "ev";
    r.create_time = now - age;
    r.secret_name = "s";
    r.secret_type = "COMMON";
    r.target_type = "SMN";
    r.notification_status = status;
    return r;
  };
  auto task = [&](int64_t age, TaskStatus status) {
    RotationTask t;
    t.task_id = crypto::NewUuid();
    t.project_id = kProject;
    t.secret_name = "s";
    t.status = status;
    t.task_time = now - age;
    if (status == TaskStatus::kRunning) t.due_time = now + kDay;
    return t;
  };
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> Status {
                    for (int i = 0; i < 12; ++i)
                      CSMS_RETURN_IF_ERROR(tx.records().Insert(record(91 * kDay, NotificationStatus::kSuccess)));
                    CSMS_RETURN_IF_ERROR(tx.records().Insert(record(91 * kDay, NotificationStatus::kPending)));
                    CSMS_RETURN_IF_ERROR(tx.records().Insert(record(89 * kDay, NotificationStatus::kFail)));
                    CSMS_RETURN_IF_ERROR(tx.tasks().Insert(task(91 * kDay, TaskStatus::kSuccess)));
                    CSMS_RETURN_IF_ERROR(tx.tasks().Insert(task(91 * kDay, TaskStatus::kRunning)));
                    return tx.tasks().Insert(task(10 * kDay, TaskStatus::kFailed));
                  })
                  .ok());
  TickStats stats;
  ASSERT_TRUE(scheduler_->Tick(false, &stats).ok());
  EXPECT_EQ(stats.records_purged, 10);  // bounded by the batch
  EXPECT_EQ(stats.tasks_purged, 1);
  ASSERT_TRUE(scheduler_->Tick(false, &stats).ok());
  EXPECT_EQ(stats.records_purged, 2);
  ASSERT_TRUE(scheduler_->Tick(false, &stats).ok());
  EXPECT_EQ(stats.records_purged, 0);
  int64_t tasks_left = 0;
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    TaskQuery q;
                    q.project_id = kProject;
                    return tx.tasks().Count(q, &tasks_left);
                  })
                  .ok());
  EXPECT_EQ(tasks_left, 2);
  EXPECT_EQ(CountPending(), 1);  // an undelivered notification is never dropped by retention
}

}  // namespace
}  // namespace csms
