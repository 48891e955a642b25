#include "service/secret_write_tap.h"

#include <utility>

#include "service/secret_read_cache.h"

namespace csms {

namespace {

using Touched = SecretReadCache::Touched;

// The transaction's SecretRepository, noting every secret a change names (a secret by project and
// name and by id; versions and stages by their secret's id) before passing the call on. Each is
// told to the cache at once as well as after the commit (SecretReadCache::NameWritten).
class TappedSecretRepository final : public SecretRepository {
 public:
  TappedSecretRepository(SecretRepository& inner, SecretReadCache* cache, Touched* touched)
      : inner_(inner), cache_(cache), touched_(touched) {}

  // Changes.
  Status Insert(const Secret& secret) override {
    Note(secret);
    return inner_.Insert(secret);
  }
  Status Update(const Secret& secret) override {
    Note(secret);  // the row named by (project, name): its id may change, the name's entries go
    return inner_.Update(secret);
  }
  Status Delete(const Secret& secret) override {
    Note(secret);
    return inner_.Delete(secret);
  }
  Status InsertVersion(const SecretVersion& version) override {
    NoteId(version.secret_id);
    return inner_.InsertVersion(version);
  }
  Status UpdateVersionExpiry(const std::string& secret_id, int64_t number, const std::optional<int64_t>& expire_time,
                             const ExpirySchedule& expiry) override {
    NoteId(secret_id);
    return inner_.UpdateVersionExpiry(secret_id, number, expire_time, expiry);
  }
  Status DeleteVersion(const std::string& secret_id, int64_t number) override {
    NoteId(secret_id);
    return inner_.DeleteVersion(secret_id, number);
  }
  Status PutStage(const Stage& stage) override {
    NoteId(stage.secret_id);
    return inner_.PutStage(stage);
  }
  Status DeleteStage(const std::string& secret_id, const std::string& name) override {
    NoteId(secret_id);
    return inner_.DeleteStage(secret_id, name);
  }
  // Not in any answer a version read gives.
  Status SetNotificationSequence(const std::string& secret_id, int64_t sequence) override {
    return inner_.SetNotificationSequence(secret_id, sequence);
  }
  Status InsertKeyCheck(const std::string& key_id, const std::string& alias, const std::string& sealed,
                        int64_t now) override {
    return inner_.InsertKeyCheck(key_id, alias, sealed, now);
  }

  // Reads.
  Status Count(const std::string& project_id, int64_t* count) override { return inner_.Count(project_id, count); }
  Status Get(const std::string& project_id, const std::string& name, Secret* out) override {
    return inner_.Get(project_id, name, out);
  }
  Status GetById(const std::string& secret_id, Secret* out) override { return inner_.GetById(secret_id, out); }
  Status List(const std::string& project_id, const std::string& after_name,
              const std::optional<std::string>& event_name, int limit, std::vector<Secret>* out) override {
    return inner_.List(project_id, after_name, event_name, limit, out);
  }
  Status FindSubscriber(const std::string& project_id, const std::string& event_name, std::string* out) override {
    return inner_.FindSubscriber(project_id, event_name, out);
  }
  Status GetVersion(const std::string& secret_id, int64_t number, bool with_value, SecretVersion* out) override {
    return inner_.GetVersion(secret_id, number, with_value, out);
  }
  Status CountVersions(const std::string& secret_id, int64_t* count) override {
    return inner_.CountVersions(secret_id, count);
  }
  Status ListVersions(const std::string& secret_id, int64_t after_number, int limit,
                      std::vector<SecretVersion>* out) override {
    return inner_.ListVersions(secret_id, after_number, limit, out);
  }
  Status OldestUnstagedVersion(const std::string& secret_id, int64_t except_number, int64_t* number) override {
    return inner_.OldestUnstagedVersion(secret_id, except_number, number);
  }
  Status ListStages(const std::string& secret_id, std::vector<Stage>* out) override {
    return inner_.ListStages(secret_id, out);
  }
  Status GetStage(const std::string& secret_id, const std::string& name, Stage* out) override {
    return inner_.GetStage(secret_id, name, out);
  }
  Status DueVersions(int64_t now, int limit, std::vector<SecretVersion>* out) override {
    return inner_.DueVersions(now, limit, out);
  }
  Status DueRotations(int64_t now, int limit, std::vector<Secret>* out) override {
    return inner_.DueRotations(now, limit, out);
  }
  Status DueDeletions(int64_t now, int limit, std::vector<Secret>* out) override {
    return inner_.DueDeletions(now, limit, out);
  }
  Status GetKeyCheck(const std::string& alias, std::string* key_id, std::string* sealed) override {
    return inner_.GetKeyCheck(alias, key_id, sealed);
  }

 private:
  void Note(const Secret& secret) {
    cache_->NameWritten(secret.project_id, secret.name);
    touched_->Name(secret.project_id, secret.name);
    NoteId(secret.id);
  }
  void NoteId(const std::string& secret_id) {
    cache_->IdWritten(secret_id);
    touched_->Id(secret_id);
  }

  SecretRepository& inner_;
  SecretReadCache* cache_;
  Touched* touched_;
};

class TappedTransaction final : public Transaction {
 public:
  TappedTransaction(Transaction& inner, SecretReadCache* cache, Touched* touched)
      : inner_(inner), secrets_(inner.secrets(), cache, touched) {}

  SecretRepository& secrets() override { return secrets_; }
  IdentityRepository& identity() override { return inner_.identity(); }
  EventRepository& events() override { return inner_.events(); }
  RecordRepository& records() override { return inner_.records(); }
  TaskRepository& tasks() override { return inner_.tasks(); }
  AccessKeyRepository& access_keys() override { return inner_.access_keys(); }
  DeliveryRepository& delivery() override { return inner_.delivery(); }
  ProjectSettingsRepository& project_settings() override { return inner_.project_settings(); }
  AgencyRepository& agencies() override { return inner_.agencies(); }
  TagRepository& tags() override { return inner_.tags(); }
  GrantRepository& grants() override { return inner_.grants(); }
  DbInstanceRepository& db_instances() override { return inner_.db_instances(); }
  MasterKeyRepository& master_keys() override { return inner_.master_keys(); }

 private:
  Transaction& inner_;
  TappedSecretRepository secrets_;
};

class TappedStore final : public Store {
 public:
  TappedStore(std::unique_ptr<Store> inner, SecretReadCache* cache) : inner_(std::move(inner)), cache_(cache) {}
  // The wrapped store first: closing, it may still finish queued writes, whose callbacks use cache_.
  ~TappedStore() override { inner_.reset(); }

  Status Read(const TxFn& fn) override { return inner_->Read(fn); }
  Status Write(const TxFn& fn) override {
    return Tapped(fn, [this](const TxFn& tapped) { return inner_->Write(tapped); });
  }
  Status WriteRelaxed(const TxFn& fn) override {
    return Tapped(fn, [this](const TxFn& tapped) { return inner_->WriteRelaxed(tapped); });
  }
  void WriteAsync(TxFn fn, WriteDone done) override {
    // Shared by the transaction (the store's thread) and `done` (after the commit).
    auto touched = std::make_shared<Touched>();
    inner_->WriteAsync(
        [this, fn = std::move(fn), touched](Transaction& tx) {
          TappedTransaction tapped(tx, cache_, touched.get());
          return fn(tapped);
        },
        [this, done = std::move(done), touched](Status s) {
          cache_->Written(*touched);
          done(std::move(s));
        });
  }
  bool WritesAsync() const override { return inner_->WritesAsync(); }
  Status CheckSchema() override { return inner_->CheckSchema(); }
  StoreStats stats() const override { return inner_->stats(); }
  std::unique_ptr<StoreWatch> WatchOutbox(std::function<void()> on_wake,
                                          std::chrono::milliseconds check_interval) override {
    return inner_->WatchOutbox(std::move(on_wake), check_interval);
  }
  void HoldWrites(bool held) override { inner_->HoldWrites(held); }

 private:
  // Runs `write` with fn tapped; the cache hears of the touched secrets however it ends (a
  // rolled-back write may have touched them too: telling the cache costs a read, nothing more).
  template <typename WriteFn>
  Status Tapped(const TxFn& fn, WriteFn write) {
    Touched touched;
    struct Tell {
      SecretReadCache* cache;
      const Touched& touched;
      ~Tell() { cache->Written(touched); }
    } tell{cache_, touched};
    return write([this, &fn, &touched](Transaction& tx) {
      TappedTransaction tapped(tx, cache_, &touched);
      return fn(tapped);
    });
  }

  std::unique_ptr<Store> inner_;
  SecretReadCache* cache_;
};

}  // namespace

std::unique_ptr<Store> TapSecretWrites(std::unique_ptr<Store> store, SecretReadCache* cache) {
  if (!cache || !cache->enabled()) return store;
  return std::make_unique<TappedStore>(std::move(store), cache);
}

}  // namespace csms
