// Secret repository on either SQL engine: one text, instantiated by the engines' .cc files with
// their Dialect (store/<engine>/dialect.h). Not thread-safe: bound to one transaction's connection.
#pragma once

#include "store/secret_repository.h"

namespace csms::sql {

template <typename D>
class SecretRepositoryOn final : public SecretRepository {
 public:
  explicit SecretRepositoryOn(typename D::Connection& conn) : conn_(conn) {}
  Status Count(const std::string& project_id, int64_t* count) override;
  Status Insert(const Secret& secret) override;
  Status Get(const std::string& project_id, const std::string& name, Secret* out) override;
  Status GetById(const std::string& secret_id, Secret* out) override;
  Status Update(const Secret& secret) override;
  Status SetNotificationSequence(const std::string& secret_id, int64_t sequence) override;
  Status Delete(const Secret& secret) override;
  Status List(const std::string& project_id, const std::string& after_name,
              const std::optional<std::string>& event_name, int limit, std::vector<Secret>* out) override;
  Status FindSubscriber(const std::string& project_id, const std::string& event_name, std::string* out) override;
  Status InsertVersion(const SecretVersion& version) override;
  Status GetVersion(const std::string& secret_id, int64_t number, bool with_value, SecretVersion* out) override;
  Status UpdateVersionExpiry(const std::string& secret_id, int64_t number, const std::optional<int64_t>& expire_time,
                             const ExpirySchedule& expiry) override;
  Status DeleteVersion(const std::string& secret_id, int64_t number) override;
  Status CountVersions(const std::string& secret_id, int64_t* count) override;
  Status ListVersions(const std::string& secret_id, int64_t after_number, int limit,
                      std::vector<SecretVersion>* out) override;
  Status OldestUnstagedVersion(const std::string& secret_id, int64_t except_number, int64_t* number) override;
  Status ListStages(const std::string& secret_id, std::vector<Stage>* out) override;
  Status GetStage(const std::string& secret_id, const std::string& name, Stage* out) override;
  Status PutStage(const Stage& stage) override;
  Status DeleteStage(const std::string& secret_id, const std::string& name) override;
  Status DueVersions(int64_t now, int limit, std::vector<SecretVersion>* out) override;
  Status DueRotations(int64_t now, int limit, std::vector<Secret>* out) override;
  Status DueDeletions(int64_t now, int limit, std::vector<Secret>* out) override;
  Status GetKeyCheck(const std::string& alias, std::string* key_id, std::string* sealed) override;
  Status InsertKeyCheck(const std::string& key_id, const std::string& alias, const std::string& sealed,
                        int64_t now) override;

 private:
  using Statement = typename D::Statement;
  typename D::Connection& conn_;
};

}  // namespace csms::sql
