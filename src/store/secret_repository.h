// Storage of secrets, their versions (sealed values) and stages, and the check values of the
// master keys. Versions and stages belong to a secret by its id, so a secret deleted and created
// again under the same name never sees the old rows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/secret.h"

namespace csms {

class SecretRepository {
 public:
  virtual ~SecretRepository() = default;

  // Secrets, ordered by name (byte order) for keyset pagination.
  virtual Status Count(const std::string& project_id, int64_t* count) = 0;
  virtual Status Insert(const Secret& secret) = 0;
  virtual Status Get(const std::string& project_id, const std::string& name, Secret* out) = 0;
  virtual Status GetById(const std::string& secret_id, Secret* out) = 0;
  // Writes every mutable field of the secret named by (project_id, name).
  virtual Status Update(const Secret& secret) = 0;
  virtual Status SetNotificationSequence(const std::string& secret_id, int64_t sequence) = 0;
  // Removes the secret with all its versions and stages.
  virtual Status Delete(const Secret& secret) = 0;
  // Up to `limit` secrets with name > after_name; only subscribers of `event_name` when set.
  virtual Status List(const std::string& project_id, const std::string& after_name,
                      const std::optional<std::string>& event_name, int limit, std::vector<Secret>* out) = 0;
  // The name of one secret subscribed to the event; kNotFound when there is none.
  virtual Status FindSubscriber(const std::string& project_id, const std::string& event_name, std::string* out) = 0;

  // Versions. Reads without `with_value` leave wrapped_key and ciphertext empty.
  virtual Status InsertVersion(const SecretVersion& version) = 0;
  virtual Status GetVersion(const std::string& secret_id, int64_t number, bool with_value, SecretVersion* out) = 0;
  virtual Status UpdateVersionExpiry(const std::string& secret_id, int64_t number,
                                     const std::optional<int64_t>& expire_time, const ExpirySchedule& expiry) = 0;
  virtual Status DeleteVersion(const std::string& secret_id, int64_t number) = 0;
  virtual Status CountVersions(const std::string& secret_id, int64_t* count) = 0;
  // Up to `limit` versions with number > after_number, oldest first.
  virtual Status ListVersions(const std::string& secret_id, int64_t after_number, int limit,
                              std::vector<SecretVersion>* out) = 0;
  // The oldest version that carries no stage, other than `except_number`; kNotFound if none.
  virtual Status OldestUnstagedVersion(const std::string& secret_id, int64_t except_number, int64_t* number) = 0;

  // Stages.
  virtual Status ListStages(const std::string& secret_id, std::vector<Stage>* out) = 0;
  virtual Status GetStage(const std::string& secret_id, const std::string& name, Stage* out) = 0;
  virtual Status PutStage(const Stage& stage) = 0;  // insert or move
  virtual Status DeleteStage(const std::string& secret_id, const std::string& name) = 0;

  // Due work for the scheduler, through time indexes, oldest due first.
  virtual Status DueVersions(int64_t now, int limit, std::vector<SecretVersion>* out) = 0;
  virtual Status DueRotations(int64_t now, int limit, std::vector<Secret>* out) = 0;
  virtual Status DueDeletions(int64_t now, int limit, std::vector<Secret>* out) = 0;

  // Master-key check values: a known text sealed under each key, so a wrong key is refused at start.
  // Looked up by alias: the key an alias named when it was first used.
  virtual Status GetKeyCheck(const std::string& alias, std::string* key_id, std::string* sealed) = 0;
  virtual Status InsertKeyCheck(const std::string& key_id, const std::string& alias, const std::string& sealed,
                                int64_t now) = 0;
};

}  // namespace csms
