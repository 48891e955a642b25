// One transaction's view of the SQLite store: the repositories, all bound to one connection.
#pragma once

#include "store/sqlite/agency_repository.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/db_instance_repository.h"
#include "store/sqlite/grant_repository.h"
#include "store/sqlite/master_key_repository.h"
#include "store/sqlite/project_settings_repository.h"
#include "store/sqlite/repositories.h"
#include "store/store.h"

namespace csms::sqlite {

class SqliteTransaction final : public Transaction {
 public:
  explicit SqliteTransaction(Connection& conn)
      : identity_(conn),
        events_(conn),
        records_(conn),
        secrets_(conn),
        tasks_(conn),
        access_keys_(conn),
        delivery_(conn),
        project_settings_(conn),
        agencies_(conn),
        tags_(conn),
        grants_(conn),
        db_instances_(conn),
        master_keys_(conn) {}
  IdentityRepository& identity() override { return identity_; }
  EventRepository& events() override { return events_; }
  RecordRepository& records() override { return records_; }
  SecretRepository& secrets() override { return secrets_; }
  TaskRepository& tasks() override { return tasks_; }
  AccessKeyRepository& access_keys() override { return access_keys_; }
  DeliveryRepository& delivery() override { return delivery_; }
  ProjectSettingsRepository& project_settings() override { return project_settings_; }
  AgencyRepository& agencies() override { return agencies_; }
  TagRepository& tags() override { return tags_; }
  GrantRepository& grants() override { return grants_; }
  DbInstanceRepository& db_instances() override { return db_instances_; }
  MasterKeyRepository& master_keys() override { return master_keys_; }

 private:
  SqliteIdentityRepository identity_;
  SqliteEventRepository events_;
  SqliteRecordRepository records_;
  SqliteSecretRepository secrets_;
  SqliteTaskRepository tasks_;
  SqliteAccessKeyRepository access_keys_;
  SqliteDeliveryRepository delivery_;
  SqliteProjectSettingsRepository project_settings_;
  SqliteAgencyRepository agencies_;
  SqliteTagRepository tags_;
  SqliteGrantRepository grants_;
  SqliteDbInstanceRepository db_instances_;
  SqliteMasterKeyRepository master_keys_;
};

// BEGIN / COMMIT / SAVEPOINT ... (string literals) from the connection's statement cache: they run
// for every request, and sqlite3_exec would parse them anew each time (~14% of the instructions of
// a GET of one event). A failure reads as an internal error with SQLite's message.
Status RunControl(Connection& conn, const char* sql);

// True while the connection is inside a transaction.
inline bool InTransaction(Connection& conn) { return sqlite3_get_autocommit(conn.db()) == 0; }

}  // namespace csms::sqlite
