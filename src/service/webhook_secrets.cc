#include "service/webhook_secrets.h"

#include "common/errors.h"
#include "crypto/random.h"
#include "notify_format/webhook_signature.h"

namespace csms {
namespace {

// Long enough that the dispatcher does not read the store per notification; short enough that a
// rotation made through another replica is picked up soon (its old secret still signs meanwhile).
constexpr std::chrono::seconds kCacheTtl{10};

std::string CacheKey(const std::string& project_id, const std::string& event_name) {
  return project_id + "/" + event_name;
}

}  // namespace

std::string WebhookSecrets::Aad(const std::string& project_id, const std::string& event_name,
                                const std::string& secret_id) {
  return "webhook-secret:" + project_id + "/" + event_name + "/" + secret_id;
}

Status WebhookSecrets::Create(Transaction& tx, const std::string& project_id, const std::string& event_name,
                              std::string* secret) {
  *secret = notify_format::NewSigningSecret();
  WebhookSecret row;
  row.secret_id = crypto::NewUuid();
  row.sealed = keyring_->Seal(*secret, Aad(project_id, event_name, row.secret_id));
  if (row.sealed.empty()) return errors::Internal("sealing the webhook secret failed (the master key is unusable)");
  row.create_time = clock_->NowMillis();
  return tx.delivery().InsertWebhookSecret(project_id, event_name, row);
}

Status WebhookSecrets::Rotate(Transaction& tx, const std::string& project_id, const std::string& event_name,
                              int64_t expires_at, std::string* secret) {
  CSMS_RETURN_IF_ERROR(tx.delivery().DeleteWebhookSecrets(project_id, event_name, clock_->NowMillis()));
  CSMS_RETURN_IF_ERROR(tx.delivery().ExpireWebhookSecrets(project_id, event_name, expires_at));
  return Create(tx, project_id, event_name, secret);
}

Status WebhookSecrets::Exists(Transaction& tx, const std::string& project_id, const std::string& event_name,
                              bool* exists) {
  std::vector<WebhookSecret> rows;
  CSMS_RETURN_IF_ERROR(tx.delivery().ListWebhookSecrets(project_id, event_name, &rows));
  *exists = !rows.empty();
  return Status::OK();
}

Status WebhookSecrets::DeleteAll(Transaction& tx, const std::string& project_id, const std::string& event_name) {
  return tx.delivery().DeleteWebhookSecrets(project_id, event_name, std::nullopt);
}

Status WebhookSecrets::LiveKeys(const std::string& project_id, const std::string& event_name,
                                std::vector<std::string>* keys) {
  const std::string cache_key = CacheKey(project_id, event_name);
  const auto steady_now = std::chrono::steady_clock::now();
  const int64_t now = clock_->NowMillis();
  auto live = [&](const Entry& e) {
    keys->clear();
    for (const CachedKey& k : e.keys) {
      if (!k.expires_at || *k.expires_at > now) keys->push_back(k.key);
    }
  };
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(mu_);
    generation = generation_;
    auto it = cache_.find(cache_key);
    if (it != cache_.end() && steady_now - it->second.loaded < kCacheTtl) {
      live(it->second);
      return Status::OK();
    }
  }
  std::vector<WebhookSecret> rows;
  CSMS_RETURN_IF_ERROR(
      store_->Read([&](Transaction& tx) { return tx.delivery().ListWebhookSecrets(project_id, event_name, &rows); }));
  Entry entry;
  entry.loaded = steady_now;
  for (const WebhookSecret& row : rows) {
    std::string text, key;
    CSMS_RETURN_IF_ERROR(keyring_->Open(row.sealed, Aad(project_id, event_name, row.secret_id), &text));
    if (!notify_format::DecodeSigningSecret(text, &key)) {
      return errors::Internal("a stored webhook signing secret is unreadable");
    }
    entry.keys.push_back(CachedKey{std::move(key), row.expires_at});
  }
  live(entry);
  // Nothing is cached for an event without secrets (rare: a deleted event's leftovers), nor
  // what was read while a change was being made here.
  if (rows.empty()) return Status::OK();
  std::lock_guard<std::mutex> lock(mu_);
  if (generation != generation_) return Status::OK();
  if (cache_.size() > 10000) cache_.clear();  // bounded: events are few, but keep it so
  cache_[cache_key] = std::move(entry);
  return Status::OK();
}

void WebhookSecrets::Invalidate(const std::string& project_id, const std::string& event_name) {
  std::lock_guard<std::mutex> lock(mu_);
  ++generation_;
  cache_.erase(CacheKey(project_id, event_name));
}

}  // namespace csms
