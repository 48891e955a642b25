// The PostgreSQL repositories, one per area, each bound to the connection of one transaction.
#pragma once

#include "store/access_key_repository.h"
#include "store/delivery_repository.h"
#include "store/event_repository.h"
#include "store/identity_repository.h"
#include "store/postgres/connection.h"
#include "store/postgres/dialect.h"
#include "store/record_repository.h"
#include "store/secret_repository.h"
#include "store/sql/access_key_repository.h"
#include "store/sql/event_repository.h"
#include "store/sql/identity_repository.h"
#include "store/sql/record_repository.h"
#include "store/sql/secret_repository.h"
#include "store/sql/tag_repository.h"
#include "store/sql/task_repository.h"
#include "store/tag_repository.h"
#include "store/task_repository.h"

namespace csms::postgres {

using PgIdentityRepository = sql::IdentityRepositoryOn<Dialect>;

using PgEventRepository = sql::EventRepositoryOn<Dialect>;

using PgRecordRepository = sql::RecordRepositoryOn<Dialect>;

using PgSecretRepository = sql::SecretRepositoryOn<Dialect>;

using PgTaskRepository = sql::TaskRepositoryOn<Dialect>;

using PgAccessKeyRepository = sql::AccessKeyRepositoryOn<Dialect>;

class PgDeliveryRepository final : public DeliveryRepository {
 public:
  explicit PgDeliveryRepository(Connection& conn) : conn_(conn) {}
  Status ClaimDue(int64_t now, int64_t lease_until, const std::string& owner, int limit,
                  std::vector<ClaimedNotification>* out) override;
  Status SaveOutcome(const std::string& owner, const DeliveryOutcome& outcome, bool* applied) override;
  Status SaveOutcomes(const std::string& owner, const std::vector<DeliveryOutcome>& outcomes,
                      std::vector<bool>* applied) override;
  Status ReleaseAllLeases(int64_t now, int64_t* released) override;
  Status ReleaseLeasesOf(const std::string& owner, int64_t now, int64_t* released) override;
  Status CountPending(int64_t* count) override;
  Status NextDueTime(std::optional<int64_t>* out) override;
  Status GetRecord(const std::string& project_id, const std::string& record_id, RecordDetail* out) override;
  Status Redeliver(const std::string& project_id, const std::string& record_id, int64_t now) override;
  Status Redrive(const RecordQuery& query, int64_t now, int64_t* count) override;
  Status InsertWebhookSecret(const std::string& project_id, const std::string& event_name,
                             const WebhookSecret& secret) override;
  Status ListWebhookSecrets(const std::string& project_id, const std::string& event_name,
                            std::vector<WebhookSecret>* out) override;
  Status ExpireWebhookSecrets(const std::string& project_id, const std::string& event_name,
                              int64_t expires_at) override;
  Status DeleteWebhookSecrets(const std::string& project_id, const std::string& event_name,
                              std::optional<int64_t> expired_before) override;

 private:
  // The outcomes (no record twice) in one statement, deferred (Connection::Defer) or run now.
  Status SaveBatch(const std::string& owner, const std::vector<DeliveryOutcome>& outcomes, bool defer,
                   std::vector<bool>* applied);

  Connection& conn_;
};

using PgTagRepository = sql::TagRepositoryOn<Dialect>;

}  // namespace csms::postgres

extern template class csms::sql::RecordRepositoryOn<csms::postgres::Dialect>;

extern template class csms::sql::SecretRepositoryOn<csms::postgres::Dialect>;

extern template class csms::sql::TaskRepositoryOn<csms::postgres::Dialect>;

extern template class csms::sql::AccessKeyRepositoryOn<csms::postgres::Dialect>;

extern template class csms::sql::TagRepositoryOn<csms::postgres::Dialect>;

extern template class csms::sql::EventRepositoryOn<csms::postgres::Dialect>;

extern template class csms::sql::IdentityRepositoryOn<csms::postgres::Dialect>;
