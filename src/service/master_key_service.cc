#include "service/master_key_service.h"

#include <algorithm>
#include <map>

#include "common/errors.h"
#include "common/log.h"
#include "service/secret_vault.h"
#include "service/webhook_secrets.h"

namespace csms {
namespace {

constexpr const char* kDefaultAlias = "csms/default";

std::string AadOf(SealedKind kind, const SealedRow& row) {
  switch (kind) {
    case SealedKind::kVersionKeys:
      return ValueAad(row.key2, row.key1, row.key3, row.number);
    case SealedKind::kAccessKeys:
      return row.key1;
    case SealedKind::kWebhookSecrets:
      return WebhookSecrets::Aad(row.key1, row.key2, row.key3);
    case SealedKind::kDone:
      break;
  }
  return std::string();
}

void MoveCursor(SealedKind kind, const SealedRow& row, RewrapState* r) {
  r->cursor1 = row.key1;
  r->cursor2 = kind == SealedKind::kWebhookSecrets ? row.key2 : "";
  r->cursor3 = kind == SealedKind::kWebhookSecrets ? row.key3 : "";
  r->cursor_number = kind == SealedKind::kVersionKeys ? row.number : 0;
}

void ResetCursor(RewrapState* r) {
  r->cursor1.clear();
  r->cursor2.clear();
  r->cursor3.clear();
  r->cursor_number = 0;
}

bool SamePosition(const RewrapState& a, const RewrapState& b) {
  return a.target_version == b.target_version && a.pass == b.pass && a.kind == b.kind && a.cursor1 == b.cursor1 &&
         a.cursor2 == b.cursor2 && a.cursor3 == b.cursor3 && a.cursor_number == b.cursor_number;
}

}  // namespace

MasterKeyService::MasterKeyService(Store* store, const Clock* clock, crypto::Keyring* keyring, MasterKeyOptions options)
    : store_(store), clock_(clock), keyring_(keyring), options_(std::move(options)) {}

Status MasterKeyService::Bootstrap(std::shared_ptr<const crypto::KeyProvider> configured, MasterKeyVersion row) {
  std::vector<MasterKeyVersion> rows;
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    CSMS_RETURN_IF_ERROR(tx.master_keys().ListVersions(&rows));
    if (!rows.empty()) return Status::OK();
    row.version = 1;
    row.fingerprint = configured->Fingerprint();
    row.check_value = configured->Seal(kMasterKeyCheckText, row.fingerprint);
    if (row.check_value.empty()) return errors::Internal("the master key (" + configured->Describe() + ") cannot seal");
    row.state = kMasterKeyActive;
    row.create_time = clock_->NowMillis();
    CSMS_RETURN_IF_ERROR(tx.master_keys().InsertVersion(row));
    rows.push_back(row);
    return Status::OK();
  }));
  if (rows.size() == 1 && rows.front().fingerprint == configured->Fingerprint()) {
    keyring_->SetId(rows.front().fingerprint);
    keyring_->SetVersions({crypto::Keyring::Version{rows.front().version, configured}}, rows.front().version);
    return Status::OK();
  }
  bool changed = false;
  return Load(rows, &changed);
}

Status MasterKeyService::Refresh(bool* changed) {
  std::vector<MasterKeyVersion> rows;
  CSMS_RETURN_IF_ERROR(store_->Read([&](Transaction& tx) { return tx.master_keys().ListVersions(&rows); }));
  return Load(rows, changed);
}

Status MasterKeyService::Load(const std::vector<MasterKeyVersion>& rows, bool* changed) {
  *changed = false;
  if (rows.empty()) return errors::Internal("no master key version is recorded");
  std::map<int64_t, std::shared_ptr<const crypto::KeyProvider>> loaded;
  for (auto& v : keyring_->versions()) loaded[v.number] = v.provider;
  std::vector<crypto::Keyring::Version> next;
  int64_t active = 0;
  for (const MasterKeyVersion& row : rows) {
    if (row.state == kMasterKeyRetired) continue;
    if (row.state == kMasterKeyActive) active = row.version;
    std::shared_ptr<const crypto::KeyProvider> provider;
    if (auto it = loaded.find(row.version); it != loaded.end() && it->second->Fingerprint() == row.fingerprint) {
      provider = it->second;
    } else {
      if (!options_.open)
        return errors::Internal("master key version " + std::to_string(row.version) + " cannot be opened");
      Status s = options_.open(row, &provider);
      if (!s.ok()) {
        return errors::Internal("cannot load master key version " + std::to_string(row.version) + " (" + row.provider +
                                "): " + s.message());
      }
      std::string text;
      if (provider->Fingerprint() != row.fingerprint || !provider->Open(row.check_value, row.fingerprint, &text) ||
          text != kMasterKeyCheckText) {
        return errors::Internal("master key version " + std::to_string(row.version) + " is " + provider->Describe() +
                                " with id " + provider->Fingerprint() + ", but the database recorded " +
                                row.fingerprint + " (a lost or swapped key?)");
      }
      *changed = true;
    }
    next.push_back(crypto::Keyring::Version{row.version, std::move(provider)});
  }
  if (active == 0) return errors::Internal("no master key version is ACTIVE");
  if (next.size() != loaded.size() || active != keyring_->active_version()) *changed = true;
  keyring_->SetId(rows.front().fingerprint);  // the first version's id is the key's kms_key_id for good
  if (*changed) keyring_->SetVersions(std::move(next), active);
  return Status::OK();
}

Status MasterKeyService::Rotate(std::shared_ptr<const crypto::KeyProvider> next, MasterKeyVersion row,
                                MasterKeyVersion* out) {
  int64_t now = clock_->NowMillis();
  return store_->Write([&](Transaction& tx) -> Status {
    std::vector<MasterKeyVersion> rows;
    CSMS_RETURN_IF_ERROR(tx.master_keys().ListVersions(&rows));
    if (rows.empty()) return errors::Internal("no master key version is recorded yet: start csmsd once first");
    for (const MasterKeyVersion& v : rows) {
      if (v.state != kMasterKeyRetired && v.fingerprint == next->Fingerprint()) {
        return errors::InvalidParameter("that key is already master key version " + std::to_string(v.version));
      }
    }
    for (const MasterKeyVersion& v : rows) {
      if (v.state == kMasterKeyActive) {
        CSMS_RETURN_IF_ERROR(tx.master_keys().SetVersionState(v.version, kMasterKeyDraining, std::nullopt));
      }
    }
    row.version = rows.back().version + 1;
    row.fingerprint = next->Fingerprint();
    row.check_value = next->Seal(kMasterKeyCheckText, row.fingerprint);
    if (row.check_value.empty()) return errors::Internal("the new master key (" + next->Describe() + ") cannot seal");
    row.state = kMasterKeyActive;
    row.create_time = now;
    CSMS_RETURN_IF_ERROR(tx.master_keys().InsertVersion(row));
    RewrapState r;
    r.target_version = row.version;
    r.start_time = now;
    r.update_time = now;
    CSMS_RETURN_IF_ERROR(tx.master_keys().PutRewrap(r));
    *out = row;
    return Status::OK();
  });
}

Status MasterKeyService::RewrapBatch(int limit, bool* more) {
  *more = false;
  RewrapState r;
  std::vector<SealedRow> rows;
  int64_t target_created = 0;
  std::string kms_key_id = keyring_->Id();
  CSMS_RETURN_IF_ERROR(store_->Read([&](Transaction& tx) -> Status {
    Status s = tx.master_keys().GetRewrap(&r);
    if (s.IsNotFound()) return Status::OK();
    CSMS_RETURN_IF_ERROR(s);
    if (r.kind == SealedKind::kDone) return Status::OK();
    std::vector<MasterKeyVersion> versions;
    CSMS_RETURN_IF_ERROR(tx.master_keys().ListVersions(&versions));
    for (const auto& v : versions) {
      if (v.version == r.target_version) target_created = v.create_time;
    }
    return tx.master_keys().ListSealed(r.kind, r, kms_key_id, limit, &rows);
  }));
  if (r.target_version == 0 || r.kind == SealedKind::kDone) return Status::OK();
  // Not yet: this process has not loaded the target version, or other servers may not have.
  if (keyring_->active_version() != r.target_version) return Status::OK();
  int64_t now = clock_->NowMillis();
  if (now - target_created < options_.settle_ms) return Status::OK();

  // The crypto happens here, outside the transaction: the writer thread only stores the results.
  struct Move {
    const SealedRow* row;
    std::string sealed;
  };
  std::vector<Move> moves;
  int64_t unreadable = 0;
  for (const SealedRow& row : rows) {
    std::string aad = AadOf(r.kind, row), plain;
    int64_t version = 0;
    if (!keyring_->Open(row.sealed, aad, &plain, &version).ok()) {
      ++unreadable;
      continue;
    }
    if (version == r.target_version) continue;
    std::string sealed = keyring_->Seal(plain, aad);
    if (sealed.empty()) return errors::Internal("re-wrap: the active master key cannot seal");
    moves.push_back(Move{&row, std::move(sealed)});
  }
  if (unreadable > 0)
    log::Warn("master key re-wrap: " + std::to_string(unreadable) + " sealed rows open with no loaded version");

  const RewrapState read = r;
  bool retired = false;
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    RewrapState cur;
    CSMS_RETURN_IF_ERROR(tx.master_keys().GetRewrap(&cur));
    if (!SamePosition(cur, read)) return Status::OK();  // another process moved on: its batch counts
    r = cur;
    int64_t moved = 0;
    for (const Move& m : moves) {
      bool updated = false;
      CSMS_RETURN_IF_ERROR(tx.master_keys().ReplaceSealed(r.kind, *m.row, m.sealed, &updated));
      if (updated) ++moved;
    }
    r.scanned += static_cast<int64_t>(rows.size());
    r.rewrapped += moved;
    r.pass_moved += static_cast<int64_t>(moves.size());
    r.unreadable += unreadable;
    r.update_time = now;
    if (!rows.empty()) MoveCursor(r.kind, rows.back(), &r);
    if (static_cast<int>(rows.size()) < limit) {
      r.kind = static_cast<SealedKind>(static_cast<int>(r.kind) + 1);
      ResetCursor(&r);
      if (r.kind == SealedKind::kDone) {
        if (r.pass_moved == 0 && r.unreadable == 0) {
          // A whole pass found every row under the target version: nothing uses the others.
          std::string key_id, check, text;
          Status s = tx.secrets().GetKeyCheck(kDefaultAlias, &key_id, &check);
          if (s.ok()) {
            CSMS_RETURN_IF_ERROR(keyring_->Open(check, key_id, &text));
            std::string resealed = keyring_->Seal(text, key_id);
            if (resealed.empty()) return errors::Internal("re-wrap: the active master key cannot seal");
            CSMS_RETURN_IF_ERROR(tx.master_keys().ReplaceKeyCheck(kDefaultAlias, resealed));
          } else if (!s.IsNotFound()) {
            return s;
          }
          std::vector<MasterKeyVersion> versions;
          CSMS_RETURN_IF_ERROR(tx.master_keys().ListVersions(&versions));
          for (const auto& v : versions) {
            if (v.state == kMasterKeyDraining) {
              CSMS_RETURN_IF_ERROR(tx.master_keys().SetVersionState(v.version, kMasterKeyRetired, now));
            }
          }
          r.finish_time = now;
          retired = true;
        } else {
          r.kind = SealedKind::kVersionKeys;
          r.pass += 1;
          r.pass_moved = 0;
          r.unreadable = 0;
        }
      }
    }
    return tx.master_keys().PutRewrap(r);
  }));
  if (retired) {
    log::Info("master key re-wrap to version " + std::to_string(r.target_version) +
              " finished: older versions retired");
    bool changed = false;
    CSMS_RETURN_IF_ERROR(Refresh(&changed));
  }
  *more = r.kind != SealedKind::kDone;
  return Status::OK();
}

Status MasterKeyService::GetStatus(MasterKeyStatus* out) {
  std::string kms_key_id = keyring_->Id();
  return store_->Read([&](Transaction& tx) -> Status {
    CSMS_RETURN_IF_ERROR(tx.master_keys().ListVersions(&out->versions));
    if (!out->versions.empty()) kms_key_id = out->versions.front().fingerprint;
    Status s = tx.master_keys().GetRewrap(&out->rewrap);
    out->rewrap_known = s.ok();
    if (!s.ok() && !s.IsNotFound()) return s;
    out->sealed_rows = 0;
    for (SealedKind k : {SealedKind::kVersionKeys, SealedKind::kAccessKeys, SealedKind::kWebhookSecrets}) {
      int64_t n = 0;
      CSMS_RETURN_IF_ERROR(tx.master_keys().CountSealed(k, kms_key_id, &n));
      out->sealed_rows += n;
    }
    return Status::OK();
  });
}

}  // namespace csms
