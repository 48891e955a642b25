// The PostgreSQL repositories, one per area, each bound to the connection of one transaction.
#pragma once

#include "store/access_key_repository.h"
#include "store/delivery_repository.h"
#include "store/event_repository.h"
#include "store/identity_repository.h"
#include "store/postgres/connection.h"
#include "store/postgres/dialect.h"
#include "store/sql/secret_repository.h"
#include "store/sql/record_repository.h"
#include "store/record_repository.h"
#include "store/secret_repository.h"
#include "store/tag_repository.h"
#include "store/task_repository.h"

namespace csms::postgres {

class PgIdentityRepository final : public IdentityRepository {
 public:
  explicit PgIdentityRepository(Connection& conn) : conn_(conn) {}
  Status InsertDomain(const Domain& domain) override;
  Status GetDomainByName(const std::string& name, Domain* out) override;
  Status GetDomainById(const std::string& id, Domain* out) override;
  Status InsertProject(const Project& project) override;
  Status GetProjectById(const std::string& id, Project* out) override;
  Status GetProjectByName(const std::string& domain_id, const std::string& name, Project* out) override;
  Status ListProjects(const std::string& domain_id, std::vector<Project>* out) override;
  Status InsertUser(const User& user) override;
  Status GetUserByName(const std::string& domain_id, const std::string& name, User* out) override;
  Status GetUserById(const std::string& id, User* out) override;
  Status UpdateUserPassword(const std::string& user_id, const std::string& password_hash) override;
  Status SetUserEnabled(const std::string& user_id, bool enabled) override;
  Status CountUsers(const std::string& domain_id, const std::string& name_contains, int64_t* out) override;
  Status ListUsers(const std::string& domain_id, const std::string& name_contains, int64_t offset, int limit,
                   std::vector<UserDetail>* out) override;
  Status GetUserDetail(const std::string& user_id, UserDetail* out) override;
  Status InsertGroup(const Group& group) override;
  Status GetGroupByName(const std::string& domain_id, const std::string& name, Group* out) override;
  Status GetGroupById(const std::string& id, Group* out) override;
  Status ListGroups(const std::string& domain_id, std::vector<Group>* out) override;
  Status AddGroupMember(const std::string& group_id, const std::string& user_id) override;
  Status RemoveGroupMember(const std::string& group_id, const std::string& user_id) override;
  Status ListGroupMembers(const std::string& group_id, std::vector<User>* out) override;
  Status InsertToken(const TokenRecord& token) override;
  Status GetToken(const std::string& token_hash, TokenRecord* out) override;
  Status RevokeToken(const std::string& token_hash) override;
  Status GetTokenRevocationGeneration(int64_t* out) override;
  Status DeleteTokensExpiredBefore(int64_t now_ms, int64_t* deleted) override;

 private:
  Connection& conn_;
};

class PgEventRepository final : public EventRepository {
 public:
  explicit PgEventRepository(Connection& conn) : conn_(conn) {}
  Status Count(const std::string& project_id, int64_t* count) override;
  Status Insert(const Event& event) override;
  Status Get(const std::string& project_id, const std::string& name, Event* out) override;
  Status Update(const Event& event) override;
  Status Delete(const std::string& project_id, const std::string& name) override;
  Status Generation(const std::string& project_id, int64_t* out) override;
  Status ListRepresentations(const std::string& project_id, const std::string& after_name, int limit,
                             const RepresentationFn& row) override;

 private:
  Connection& conn_;
};

using PgRecordRepository = sql::RecordRepositoryOn<Dialect>;

using PgSecretRepository = sql::SecretRepositoryOn<Dialect>;

class PgTaskRepository final : public TaskRepository {
 public:
  explicit PgTaskRepository(Connection& conn) : conn_(conn) {}
  Status Insert(const RotationTask& task) override;
  Status Update(const RotationTask& task) override;
  Status Get(const std::string& project_id, const std::string& task_id, RotationTask* out) override;
  Status List(const TaskQuery& query, std::vector<RotationTask>* out) override;
  Status Count(const TaskQuery& query, int64_t* count) override;
  Status DueRunning(int64_t now, int limit, std::vector<RotationTask>* out) override;
  Status PurgeOlderThan(int64_t horizon, int limit, int64_t* deleted) override;

 private:
  Connection& conn_;
};

class PgAccessKeyRepository final : public AccessKeyRepository {
 public:
  explicit PgAccessKeyRepository(Connection& conn) : conn_(conn) {}
  Status Insert(const AccessKey& key) override;
  Status Get(const std::string& access_key, AccessKey* out) override;
  Status List(const std::string& domain_id, const std::string& user_id, std::vector<AccessKey>* out) override;
  Status Revoke(const std::string& access_key, int64_t now_ms) override;
  Status DeleteExpiredBefore(int64_t before_ms, int64_t* deleted) override;

 private:
  Connection& conn_;
};

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
  Connection& conn_;
};

class PgTagRepository final : public TagRepository {
 public:
  explicit PgTagRepository(Connection& conn) : conn_(conn) {}
  Status List(const std::string& secret_id, std::vector<Tag>* out) override;
  Status Count(const std::string& secret_id, int64_t* count) override;
  Status Put(const std::string& project_id, const std::string& secret_id, const Tag& tag) override;
  Status Delete(const std::string& secret_id, const std::string& key) override;
  Status ListProjectTags(const std::string& project_id, std::vector<Tag>* out) override;
  Status FindSecretIds(const TagResourceQuery& query, std::vector<std::string>* out) override;
  Status CountSecrets(const TagResourceQuery& query, int64_t* count) override;

 private:
  Connection& conn_;
};

}  // namespace csms::postgres

extern template class csms::sql::RecordRepositoryOn<csms::postgres::Dialect>;

extern template class csms::sql::SecretRepositoryOn<csms::postgres::Dialect>;
