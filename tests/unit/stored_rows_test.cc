// Decoding stored rows never invents a value: a row whose state, type or status this build does
// not know (corrupted here through a second SQLite connection) reads as an internal error naming
// the table, the row and the column, never as a default (ENABLED, SMN, VERSION_CREATED, PENDING).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "domain/event.h"
#include "domain/notification_record.h"
#include "domain/secret.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace csms {
namespace {

const std::string kProject = "0123456789abcdef0123456789abcdef";

class StoredRowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    path_ = dir_.path() + "/csms.db";
    SqliteOptions options;
    options.path = path_;
    options.synchronous_full = false;
    ASSERT_TRUE(OpenSqliteStore(options, &store_).ok());

    secret_.project_id = kProject;
    secret_.id = "secret-id-1";
    secret_.name = "db-password";
    secret_.kms_key_id = "csms/default";
    SecretVersion v;
    v.secret_id = secret_.id;
    v.number = 1;
    v.kms_key_id = "csms/default";
    event_.project_id = kProject;
    event_.name = "ev1";
    event_.event_id = "event-id-1";
    event_.event_types = {EventType::kVersionCreated, EventType::kDeleted};
    task_.task_id = "task-id-1";
    task_.project_id = kProject;
    task_.secret_id = secret_.id;
    task_.secret_name = secret_.name;
    task_.status = TaskStatus::kSuccess;
    record_.record_id = "record-id-1";
    record_.project_id = kProject;
    record_.event_name = event_.name;
    record_.target_type = "SMN";
    record_.notification_status = NotificationStatus::kFail;
    record_.create_time = 1000;
    ASSERT_TRUE(store_
                    ->Write([&](Transaction& tx) -> Status {
                      CSMS_RETURN_IF_ERROR(tx.secrets().Insert(secret_));
                      CSMS_RETURN_IF_ERROR(tx.secrets().InsertVersion(v));
                      CSMS_RETURN_IF_ERROR(tx.events().Insert(event_));
                      CSMS_RETURN_IF_ERROR(tx.tasks().Insert(task_));
                      return tx.records().Insert(record_);
                    })
                    .ok());
  }

  // Runs `sql` on the database file through a connection of its own, as a broken disk or a newer
  // csmsd would leave it.
  void Corrupt(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << msg;
  }

  static void ExpectCorrupt(const Status& s, const std::string& row, const std::string& column) {
    EXPECT_EQ(s.kind(), Status::Kind::kInternal) << s.ToString();
    EXPECT_EQ(s.code(), "CSMS.0001") << s.ToString();
    EXPECT_NE(s.message().find(row), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find(column), std::string::npos) << s.ToString();
  }

  Status GetSecret(Secret* out) {
    return store_->Read([&](Transaction& tx) { return tx.secrets().Get(kProject, secret_.name, out); });
  }
  Status GetVersion(SecretVersion* out) {
    return store_->Read([&](Transaction& tx) { return tx.secrets().GetVersion(secret_.id, 1, false, out); });
  }
  Status GetEvent(Event* out) {
    return store_->Read([&](Transaction& tx) { return tx.events().Get(kProject, event_.name, out); });
  }
  Status GetTask(RotationTask* out) {
    return store_->Read([&](Transaction& tx) { return tx.tasks().Get(kProject, task_.task_id, out); });
  }
  Status ListRecords(std::vector<NotificationRecord>* out) {
    RecordQuery q;
    q.project_id = kProject;
    return store_->Read([&](Transaction& tx) { return tx.records().List(q, out); });
  }

  test::TempDir dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
  Secret secret_;
  Event event_;
  RotationTask task_;
  NotificationRecord record_;
};

TEST_F(StoredRowsTest, IntactRowsRead) {
  Secret s;
  ASSERT_TRUE(GetSecret(&s).ok());
  EXPECT_EQ(s.state, SecretState::kEnabled);
  SecretVersion v;
  ASSERT_TRUE(GetVersion(&v).ok());
  EXPECT_EQ(v.kind, ValueKind::kString);
  Event e;
  ASSERT_TRUE(GetEvent(&e).ok());
  EXPECT_EQ(e.event_types, event_.event_types);
  EXPECT_EQ(e.notification.type, TargetType::kSmn);
  RotationTask t;
  ASSERT_TRUE(GetTask(&t).ok());
  EXPECT_EQ(t.status, TaskStatus::kSuccess);
  std::vector<NotificationRecord> records;
  ASSERT_TRUE(ListRecords(&records).ok());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].notification_status, NotificationStatus::kFail);
}

TEST_F(StoredRowsTest, UnknownSecretStateIsAnInternalError) {
  Corrupt("UPDATE secrets SET state = 'MELTED' WHERE id = 'secret-id-1'");
  Secret s;
  ExpectCorrupt(GetSecret(&s), "secret-id-1", "state");
  std::vector<Secret> all;
  ExpectCorrupt(store_->Read([&](Transaction& tx) { return tx.secrets().List(kProject, "", std::nullopt, 10, &all); }),
                "secret-id-1", "state");
}

TEST_F(StoredRowsTest, UnknownVersionKindIsAnInternalError) {
  Corrupt("UPDATE versions SET kind = 'hex' WHERE secret_id = 'secret-id-1'");
  SecretVersion v;
  ExpectCorrupt(GetVersion(&v), "secret-id-1", "kind");
}

TEST_F(StoredRowsTest, UnknownEventStateTargetTypeOrEventTypeIsAnInternalError) {
  Event e;
  Corrupt("UPDATE events SET target_type = 'PIGEON' WHERE name = 'ev1'");
  ExpectCorrupt(GetEvent(&e), "ev1", "target_type");
  Corrupt("UPDATE events SET target_type = 'SMN', state = 'SLEEPING' WHERE name = 'ev1'");
  ExpectCorrupt(GetEvent(&e), "ev1", "state");
  Corrupt(
      "UPDATE events SET state = 'ENABLED', event_types = 'SECRET_VERSION_CREATED,SECRET_EXPLODED' "
      "WHERE name = 'ev1'");
  ExpectCorrupt(GetEvent(&e), "ev1", "event_types");
}

TEST_F(StoredRowsTest, UnknownTaskStatusIsAnInternalError) {
  Corrupt("UPDATE tasks SET status = 'MAYBE' WHERE task_id = 'task-id-1'");
  RotationTask t;
  ExpectCorrupt(GetTask(&t), "task-id-1", "status");
}

TEST_F(StoredRowsTest, UnknownRecordTriggerTargetOrStatusIsAnInternalError) {
  std::vector<NotificationRecord> records;
  Corrupt("UPDATE notifications SET trigger_event_type = 'SECRET_EXPLODED' WHERE id = 'record-id-1'");
  ExpectCorrupt(ListRecords(&records), "record-id-1", "trigger_event_type");
  Corrupt(
      "UPDATE notifications SET trigger_event_type = 'SECRET_DELETED', target_type = 'PIGEON' "
      "WHERE id = 'record-id-1'");
  ExpectCorrupt(ListRecords(&records), "record-id-1", "target_type");
  Corrupt("UPDATE notifications SET target_type = 'SMN', status = 'LOST' WHERE id = 'record-id-1'");
  RecordDetail detail;
  ExpectCorrupt(
      store_->Read([&](Transaction& tx) { return tx.delivery().GetRecord(kProject, "record-id-1", &detail); }),
      "record-id-1", "status");
}

}  // namespace
}  // namespace csms
