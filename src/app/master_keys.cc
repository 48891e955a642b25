#include "app/master_keys.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "common/errors.h"
#include "crypto/pkcs11_provider.h"

namespace csms {
namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// Relative paths of a version's record are relative to --data-dir (a moved or restored data dir
// keeps its key files); others are recorded absolute.
std::string RecordedPath(const AppConfig& config, const std::string& path, bool in_data_dir) {
  if (in_data_dir) return path;
  return std::filesystem::absolute(path).string();
}

std::string ResolvedPath(const AppConfig& config, const std::string& recorded) {
  if (!recorded.empty() && recorded.front() == '/') return recorded;
  return config.data_dir + "/" + recorded;
}

Status KeyFileProvider(const std::string& path, bool create, std::shared_ptr<const crypto::KeyProvider>* out) {
  if (!create && !Exists(path)) return errors::Internal("the master key file " + path + " is missing");
  crypto::Keyring k;
  CSMS_RETURN_IF_ERROR(crypto::Keyring::LoadOrCreate(path, &k));
  *out = k.versions().front().provider;
  return Status::OK();
}

crypto::Pkcs11Config Pkcs11Of(const MasterKeyVersion& v) {
  return crypto::Pkcs11Config{v.pkcs11_module, v.pkcs11_token, v.pkcs11_key, v.pkcs11_pin_file};
}

Status OpenRecorded(const AppConfig& config, const MasterKeyVersion& v,
                    std::shared_ptr<const crypto::KeyProvider>* out) {
  if (v.provider == kMasterKeyFile) return KeyFileProvider(ResolvedPath(config, v.file), false, out);
  if (v.provider == kMasterKeyPkcs11) return crypto::OpenPkcs11Provider(Pkcs11Of(v), out);
  if (v.provider == kMasterKeyEnv) {
    const char* env = std::getenv("CSMS_MASTER_KEY");
    if (!env || !*env)
      return errors::Internal("this version is the CSMS_MASTER_KEY environment variable, which is not set");
    crypto::Keyring k;
    CSMS_RETURN_IF_ERROR(crypto::Keyring::FromHex(env, &k));
    *out = k.versions().front().provider;
    return Status::OK();
  }
  return errors::Internal("unknown master key provider " + v.provider);
}

void SetPkcs11(const crypto::Pkcs11Config& c, MasterKeyVersion* row) {
  row->provider = kMasterKeyPkcs11;
  row->pkcs11_module = c.module;
  row->pkcs11_token = c.token;
  row->pkcs11_key = c.key;
  row->pkcs11_pin_file = std::filesystem::absolute(c.pin_file).string();
}

// The key the flags name, for version 1 of a database that has none recorded yet.
Status ConfiguredKey(const AppConfig& config, std::shared_ptr<const crypto::KeyProvider>* out, MasterKeyVersion* row) {
  if (!config.pkcs11.module.empty()) {
    SetPkcs11(config.pkcs11, row);
    return crypto::OpenPkcs11Provider(config.pkcs11, out);
  }
  if (const char* env = std::getenv("CSMS_MASTER_KEY"); env && *env) {
    row->provider = kMasterKeyEnv;
    return OpenRecorded(config, *row, out);
  }
  row->provider = kMasterKeyFile;
  if (config.master_key_file.empty()) {
    row->file = "master.key";
  } else {
    row->file = RecordedPath(config, config.master_key_file, false);
  }
  return KeyFileProvider(ResolvedPath(config, row->file), true, out);
}

std::string StateLine(const MasterKeyVersion& v) {
  std::string where = v.provider == kMasterKeyFile     ? v.file
                      : v.provider == kMasterKeyPkcs11 ? v.pkcs11_token + "/" + v.pkcs11_key
                                                       : "CSMS_MASTER_KEY";
  std::string line = "version=" + std::to_string(v.version) + " provider=" + v.provider + " where=" + where +
                     " id=" + v.fingerprint + " state=" + v.state + " created=" + std::to_string(v.create_time);
  if (v.retire_time) line += " retired=" + std::to_string(*v.retire_time);
  return line;
}

const char* KindName(SealedKind k) {
  switch (k) {
    case SealedKind::kVersionKeys:
      return "version-keys";
    case SealedKind::kAccessKeys:
      return "access-keys";
    case SealedKind::kWebhookSecrets:
      return "webhook-secrets";
    case SealedKind::kDone:
      return "done";
  }
  return "?";
}

Status Rotate(const AppConfig& config, const AdminCommand& cmd, MasterKeyService& keys, std::ostream& out) {
  MasterKeyStatus status;
  CSMS_RETURN_IF_ERROR(keys.GetStatus(&status));
  int64_t next_version = status.versions.empty() ? 2 : status.versions.back().version + 1;
  std::shared_ptr<const crypto::KeyProvider> provider;
  MasterKeyVersion row;
  std::string created_file;
  if (cmd.to_provider == kMasterKeyPkcs11) {
    if (cmd.pkcs11_generate) CSMS_RETURN_IF_ERROR(crypto::GeneratePkcs11Key(config.pkcs11));
    SetPkcs11(config.pkcs11, &row);
    CSMS_RETURN_IF_ERROR(crypto::OpenPkcs11Provider(config.pkcs11, &provider));
  } else {
    row.provider = kMasterKeyFile;
    row.file = cmd.new_key_file.empty() ? "master-v" + std::to_string(next_version) + ".key"
                                        : RecordedPath(config, cmd.new_key_file, false);
    created_file = ResolvedPath(config, row.file);
    if (Exists(created_file)) {
      return errors::InvalidParameter(created_file + " exists: a new master key gets a new file");
    }
    CSMS_RETURN_IF_ERROR(KeyFileProvider(created_file, true, &provider));
  }
  MasterKeyVersion added;
  Status s = keys.Rotate(provider, row, &added);
  if (!s.ok()) {
    if (!created_file.empty()) std::remove(created_file.c_str());  // never used: nothing was sealed with it
    return s;
  }
  out << StateLine(added) << "\n"
      << "note=new values are sealed with version " << added.version
      << " once each server re-reads the versions (--master-key-check-interval-ms); the servers re-wrap "
         "existing values in the background (csmsd admin master-key-status)\n";
  return Status::OK();
}

}  // namespace

Status OpenMasterKeys(const AppConfig& config, Store* store, const Clock* clock, crypto::Keyring* keyring,
                      std::unique_ptr<MasterKeyService>* service) {
  service->reset();
  if (config.dev) {
    // One key and no versions (the database dies with the process): a configured one, as the
    // server would take for version 1, else an ephemeral key.
    const char* env = std::getenv("CSMS_MASTER_KEY");
    if (config.pkcs11.module.empty() && config.master_key_file.empty() && !(env && *env)) {
      *keyring = crypto::Keyring::Ephemeral();
      return Status::OK();
    }
    std::shared_ptr<const crypto::KeyProvider> configured;
    MasterKeyVersion row;
    CSMS_RETURN_IF_ERROR(ConfiguredKey(config, &configured, &row));
    *keyring = crypto::Keyring::FromProvider(std::move(configured));
    return Status::OK();
  }
  MasterKeyOptions options;
  options.open = [config](const MasterKeyVersion& v, std::shared_ptr<const crypto::KeyProvider>* out) {
    return OpenRecorded(config, v, out);
  };
  options.settle_ms = 2LL * config.master_key_check_ms;
  auto keys = std::make_unique<MasterKeyService>(store, clock, keyring, std::move(options));
  std::vector<MasterKeyVersion> rows;
  CSMS_RETURN_IF_ERROR(store->Read([&](Transaction& tx) { return tx.master_keys().ListVersions(&rows); }));
  if (rows.empty()) {
    std::shared_ptr<const crypto::KeyProvider> configured;
    MasterKeyVersion row;
    CSMS_RETURN_IF_ERROR(ConfiguredKey(config, &configured, &row));
    CSMS_RETURN_IF_ERROR(keys->Bootstrap(std::move(configured), std::move(row)));
  } else {
    bool changed = false;
    CSMS_RETURN_IF_ERROR(keys->Refresh(&changed));
  }
  *service = std::move(keys);
  return Status::OK();
}

Status RunMasterKeyAdmin(const AppConfig& config, const AdminCommand& cmd, Store* store, std::ostream& out) {
  if (cmd.kind == AdminCommand::kGeneratePkcs11Key) {
    CSMS_RETURN_IF_ERROR(crypto::GeneratePkcs11Key(config.pkcs11));
    out << "generated=" << config.pkcs11.token << "/" << config.pkcs11.key << "\n";
    return Status::OK();
  }
  SystemClock clock;
  crypto::Keyring keyring;
  std::unique_ptr<MasterKeyService> keys;
  AppConfig c = config;
  // rotate-master-key's --pkcs11-* flags name the new key, not version 1.
  if (cmd.kind == AdminCommand::kRotateMasterKey) c.pkcs11 = crypto::Pkcs11Config{};
  CSMS_RETURN_IF_ERROR(OpenMasterKeys(c, store, &clock, &keyring, &keys));
  if (cmd.kind == AdminCommand::kRotateMasterKey) return Rotate(config, cmd, *keys, out);
  MasterKeyStatus status;
  CSMS_RETURN_IF_ERROR(keys->GetStatus(&status));
  for (const auto& v : status.versions) out << StateLine(v) << "\n";
  out << "sealed_rows=" << status.sealed_rows << "\n";
  if (!status.rewrap_known) {
    out << "rewrap=none\n";
    return Status::OK();
  }
  const RewrapState& r = status.rewrap;
  out << "rewrap_target=" << r.target_version << "\nrewrap_pass=" << r.pass << "\nrewrap_phase=" << KindName(r.kind)
      << "\nrewrap_scanned=" << r.scanned << "\nrewrap_rewrapped=" << r.rewrapped
      << "\nrewrap_unreadable=" << r.unreadable << "\nrewrap_finished=" << (r.finish_time ? "true" : "false") << "\n";
  return Status::OK();
}

}  // namespace csms
