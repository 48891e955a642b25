// SecretService: the use cases of secrets, versions, stages and scheduled deletion (spec §1.1–1.5,
// §7). Every change runs in one transaction together with the notifications it triggers
// (service/outbox.h). Values are sealed with a per-version data key wrapped by a master key before
// they reach the store (service/secret_vault.h). Rotation is RotationService's
// (service/rotation_service.h); the due work of time is the scheduler's (scheduler/lifecycle_jobs.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "domain/secret.h"
#include "service/page.h"
#include "service/secret_vault.h"
#include "store/store.h"

namespace csms {

class SecretCheckerService;
class SecretReadCache;

struct CreateSecretCommand {
  std::string name;
  std::optional<std::string> kms_key_id, description, secret_string, secret_binary, secret_type, rotation_period,
      rotation_config, enterprise_project_id, rotation_func_urn;
  std::optional<bool> auto_rotation;
  std::vector<std::string> event_subscriptions;
};

// Only the fields that are set change. `event_subscriptions` set to an empty list removes the
// subscription (the handler maps JSON null and [] to that).
struct UpdateSecretCommand {
  std::optional<std::string> kms_key_id, description, rotation_period, rotation_func_urn;
  std::optional<bool> auto_rotation;
  std::optional<std::vector<std::string>> event_subscriptions;
};

struct CreateVersionCommand {
  std::optional<std::string> secret_string, secret_binary;
  std::optional<std::vector<std::string>> version_stages;
  std::optional<int64_t> expire_time;
};

// A version as clients see it: metadata, the stages on it and, for ShowSecretVersion, the value.
struct VersionView {
  SecretVersion version;  // never carries the sealed bytes out of the service
  std::string secret_name;
  std::vector<std::string> stages;
  std::optional<std::string> value;  // plaintext: secret_string text or secret_binary Base64
};

struct StageView {
  Stage stage;
  std::string secret_name;
};

struct SecretServiceOptions {
  int secret_quota = 200;
  // Called after a commit that wrote notifications (wakes the dispatcher). May be empty.
  std::function<void()> on_notifications;
  // The strength policy of new secret_string values (CreateSecret, CreateSecretVersion and so
  // BatchImportSecrets); null = values are never checked.
  const SecretCheckerService* strength = nullptr;
  // Versions read here are remembered for GetVersionCached (service/secret_read_cache.h); null = none.
  SecretReadCache* read_cache = nullptr;
};

class SecretService {
 public:
  SecretService(Store* store, const Clock* clock, const SecretVault* vault, SecretServiceOptions options);

  // Refuses to run with a master key that does not open the check value stored when the key was
  // first used (a lost or swapped key file), and records check values for new keys.
  Status VerifyMasterKeys();

  Status Create(const std::string& project_id, const CreateSecretCommand& cmd, Secret* out);
  Status Get(const std::string& project_id, const std::string& name, Secret* out);
  Status List(const std::string& project_id, const std::string& marker, const std::optional<std::string>& event_name,
              int limit, Page<Secret>* out);
  Status Update(const std::string& project_id, const std::string& name, const UpdateSecretCommand& cmd, Secret* out);
  Status Delete(const std::string& project_id, const std::string& name);

  Status CreateVersion(const std::string& project_id, const std::string& name, const CreateVersionCommand& cmd,
                       VersionView* out);
  Status ListVersions(const std::string& project_id, const std::string& name, const std::string& marker, int limit,
                      Page<VersionView>* out);
  // `version_id` is "v<n>" or "latest"; the view carries the plaintext value.
  Status GetVersion(const std::string& project_id, const std::string& name, const std::string& version_id,
                    VersionView* out);
  // GetVersion's answer from memory, never touching the store: the version as this process last
  // read it, under the rules of service/secret_read_cache.h. False = not known here (call
  // GetVersion). Cheap enough for an I/O thread.
  bool GetVersionCached(std::string_view project_id, std::string_view name, std::string_view version_id,
                        std::shared_ptr<const VersionView>* out);
  // expire_time 0 removes the expiry; any other value (re-)arms the expiry notifications once.
  Status UpdateVersion(const std::string& project_id, const std::string& name, const std::string& version_id,
                       int64_t expire_time, VersionView* out);

  // Create and CreateVersion without a thread waiting for the commit (Store::WriteAsync), for
  // callers on an event loop: the checks that need no stored state run on the calling thread; the
  // ones that read the store (the strength flag, the name, the quota, the subscribed event, the
  // secret's state) run inside the transaction, in the order Create and CreateVersion check them,
  // so every answer is theirs. `done` runs exactly once: at once on this thread with the error of
  // a check (or a refused write), or on the store's thread once the commit is durable (or failed).
  // The strength estimate (only for projects that check strength) then runs inside the write.
  // Never blocks when writes_async() (otherwise the store's WriteAsync waits for the commit).
  using CreateDone = std::function<void(Status, Secret)>;
  using VersionDone = std::function<void(Status, VersionView)>;
  void CreateAsync(const std::string& project_id, CreateSecretCommand cmd, CreateDone done);
  void CreateVersionAsync(const std::string& project_id, const std::string& name, CreateVersionCommand cmd,
                          VersionDone done);
  bool writes_async() const { return store_->WritesAsync(); }

  Status GetStage(const std::string& project_id, const std::string& name, const std::string& stage, StageView* out);
  Status UpdateStage(const std::string& project_id, const std::string& name, const std::string& stage,
                     const std::string& version_id, StageView* out);
  Status DeleteStage(const std::string& project_id, const std::string& name, const std::string& stage);

  Status ScheduleDeletion(const std::string& project_id, const std::string& name, int64_t recovery_window_days,
                          Secret* out);
  Status Restore(const std::string& project_id, const std::string& name, Secret* out);
  const SecretServiceOptions& options() const { return options_; }

 private:
  Status CheckSubscriptions(Transaction& tx, const std::string& project_id, const std::vector<std::string>& names,
                            std::optional<std::string>* out);
  Status CheckCreate(const CreateSecretCommand& cmd, ValueKind* kind, const crypto::MasterKey** key) const;
  // The new secret of a checked command (no stored state).
  Secret NewSecret(const std::string& project_id, const CreateSecretCommand& cmd, const crypto::MasterKey& key,
                   int64_t now) const;
  // The transactions of Create and CreateVersion (secret_service_async.cc): `secret` starts as
  // NewSecret's and ends as stored.
  Status InsertSecret(Transaction& tx, const CreateSecretCommand& cmd, ValueKind kind, int64_t now, Secret* secret);
  Status InsertVersion(Transaction& tx, const std::string& project_id, const std::string& name,
                       const CreateVersionCommand& cmd, ValueKind kind, int64_t now, VersionView* out);
  void Notify() const;

  Store* store_;
  const Clock* clock_;
  const SecretVault* vault_;
  SecretServiceOptions options_;
};

}  // namespace csms
