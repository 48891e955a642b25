// One transaction's view of the PostgreSQL store: the repositories, all bound to one connection.
#pragma once

#include "store/postgres/agency_repository.h"
#include "store/postgres/connection.h"
#include "store/postgres/db_instance_repository.h"
#include "store/postgres/grant_repository.h"
#include "store/postgres/master_key_repository.h"
#include "store/postgres/project_settings_repository.h"
#include "store/postgres/repositories.h"
#include "store/store.h"

namespace csms::postgres {

class PgTransaction final : public Transaction {
 public:
  explicit PgTransaction(Connection& conn)
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
  PgIdentityRepository identity_;
  PgEventRepository events_;
  PgRecordRepository records_;
  PgSecretRepository secrets_;
  PgTaskRepository tasks_;
  PgAccessKeyRepository access_keys_;
  PgDeliveryRepository delivery_;
  PgProjectSettingsRepository project_settings_;
  PgAgencyRepository agencies_;
  PgTagRepository tags_;
  PgGrantRepository grants_;
  PgDbInstanceRepository db_instances_;
  PgMasterKeyRepository master_keys_;
};

}  // namespace csms::postgres
