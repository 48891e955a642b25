// `csmsd admin`: one command against the data dir (or --database) and exit. A server may be
// running on the same data dir: both hold its lock shared (a restore takes it exclusively).
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

#include "app/backup_admin.h"
#include "app/db_instance_admin.h"
#include "app/group_admin.h"
#include "app/master_keys.h"
#include "app/migrate_admin.h"
#include "app/server_app.h"
#include "app/storage_setup.h"
#include "common/clock.h"
#include "common/errors.h"
#include "common/time_format.h"
#include "service/access_key_service.h"
#include "service/db_instance_service.h"
#include "service/identity_service.h"

namespace csms {
namespace {

// `csmsd admin` subcommands for access keys. Secrets are printed once, on stdout only.
Status RunAccessKeyAdmin(AccessKeyService& keys, const AdminCommand& cmd) {
  switch (cmd.kind) {
    case AdminCommand::kCreateAccessKey: {
      CreatedAccessKey k;
      CSMS_RETURN_IF_ERROR(keys.Create(cmd.domain, cmd.name, cmd.description, &k));
      std::cout << "access_key=" << k.key.access_key << "\nsecret_key=" << k.secret_key << "\nuser=" << k.user_name
                << "\n";
      std::cerr << "csmsd: the secret key is shown only this once; it cannot be recovered\n";
      return Status::OK();
    }
    case AdminCommand::kCreateTemporaryCredentials: {
      CreatedAccessKey k;
      CSMS_RETURN_IF_ERROR(keys.CreateTemporary(cmd.domain, cmd.name, cmd.duration_seconds, &k));
      std::cout << "access_key=" << k.key.access_key << "\nsecret_key=" << k.secret_key
                << "\nsecurity_token=" << k.security_token << "\nexpires_at=" << FormatIso8601Millis(*k.key.expires_at)
                << "\nuser=" << k.user_name << "\n";
      std::cerr << "csmsd: send the security token as X-Security-Token; these credentials are shown only this once\n";
      return Status::OK();
    }
    case AdminCommand::kListAccessKeys: {
      std::vector<AccessKeyListing> listing;
      std::optional<std::string> user;
      if (!cmd.name.empty()) user = cmd.name;
      CSMS_RETURN_IF_ERROR(keys.List(cmd.domain, user, &listing));
      for (const auto& [k, user_name] : listing) {
        std::cout << k.access_key << " user=" << user_name << " type=" << (k.temporary() ? "temporary" : "permanent")
                  << " status=" << AccessKeyStatusName(k.status) << " created=" << FormatIso8601Seconds(k.create_time)
                  << " expires=" << (k.expires_at ? FormatIso8601Seconds(*k.expires_at) : "-");
        if (!k.description.empty() && !k.temporary()) std::cout << " description=" << k.description;
        std::cout << "\n";
      }
      return Status::OK();
    }
    case AdminCommand::kRevokeAccessKey:
      CSMS_RETURN_IF_ERROR(keys.Revoke(cmd.access_key));
      std::cout << "access key " << cmd.access_key << " revoked\n";
      return Status::OK();
    default:
      return errors::Internal("not an access-key command");
  }
}

}  // namespace

int RunAdmin(const AppConfig& config, const AdminCommand& cmd) {
  if (cmd.kind == AdminCommand::kBackup || cmd.kind == AdminCommand::kRestore) {
    Status b = RunBackupAdmin(config, cmd, std::cout);
    if (!b.ok()) std::cerr << "error: " << b.ToString() << "\n";
    return b.ok() ? 0 : 1;
  }
  if (cmd.kind == AdminCommand::kMigrate) {
    Status m = RunMigrateAdmin(config, std::cout);
    if (!m.ok()) std::cerr << "error: " << m.ToString() << "\n";
    return m.ok() ? 0 : 1;
  }
  std::unique_ptr<Store> store;
  AppConfig c = config;
  c.dev = false;
  DataDirLock lock;  // shared, like a server's: no admin command runs during a restore
  Status s = LockDataDir(c.data_dir, &lock);
  if (s.ok()) s = OpenStore(c, &store);
  if (!s.ok()) {
    std::cerr << "cannot open the database: " << s.ToString() << "\n";
    return 1;
  }
  IdentityService identity(store.get());
  PendingPassword pending;
  s = Bootstrap(c, identity, /*wait_for_others=*/false, &pending);
  if (s.ok() && !pending.user_id.empty()) s = identity.StoreInitialPassword(pending.user_id, pending.password);
  if (s.ok()) {
    switch (cmd.kind) {
      case AdminCommand::kCreateProject: {
        Project p;
        s = identity.CreateProject(cmd.domain, cmd.name, &p);
        if (s.ok()) std::cout << "project " << p.name << " id=" << p.id << "\n";
        break;
      }
      case AdminCommand::kCreateUser: {
        User u;
        s = identity.CreateUser(cmd.domain, cmd.name, cmd.password, cmd.role, &u);
        if (s.ok()) std::cout << "user " << u.name << " id=" << u.id << " role=" << u.role << "\n";
        break;
      }
      case AdminCommand::kSetPassword:
        s = identity.SetPassword(cmd.domain, cmd.name, cmd.password);
        if (s.ok()) std::cout << "password changed, the user's tokens revoked\n";
        break;
      case AdminCommand::kDisableUser:
      case AdminCommand::kEnableUser: {
        bool enable = cmd.kind == AdminCommand::kEnableUser;
        s = identity.SetUserEnabled(cmd.domain, cmd.name, enable);
        if (s.ok()) std::cout << "user " << cmd.name << (enable ? " enabled" : " disabled, its tokens revoked") << "\n";
        break;
      }
      case AdminCommand::kListProjects: {
        std::vector<Project> projects;
        s = identity.ListProjects(cmd.domain, &projects);
        for (const auto& p : projects) std::cout << p.id << " " << p.name << "\n";
        break;
      }
      case AdminCommand::kCreateDbInstance:
      case AdminCommand::kListDbInstances:
      case AdminCommand::kDeleteDbInstance: {
        SystemClock clock;
        DbInstanceService instances(store.get(), &clock);
        s = RunDbInstanceAdmin(instances, cmd, std::cout);
        break;
      }
      case AdminCommand::kCreateGroup:
      case AdminCommand::kAddGroupMember:
      case AdminCommand::kRemoveGroupMember:
      case AdminCommand::kListGroups:
        s = RunGroupAdmin(identity, cmd, std::cout);
        break;
      case AdminCommand::kBackup:  // handled above, before the store is opened
      case AdminCommand::kRestore:
      case AdminCommand::kMigrate:
        break;
      case AdminCommand::kCreateAccessKey:
      case AdminCommand::kListAccessKeys:
      case AdminCommand::kRevokeAccessKey:
      case AdminCommand::kCreateTemporaryCredentials: {
        crypto::Keyring keyring;
        std::unique_ptr<MasterKeyService> master_keys;
        SystemClock clock;
        s = OpenMasterKeys(c, store.get(), &clock, &keyring, &master_keys);
        if (!s.ok()) break;
        AccessKeyService keys(store.get(), &keyring, &clock);
        s = RunAccessKeyAdmin(keys, cmd);
        break;
      }
      case AdminCommand::kRotateMasterKey:
      case AdminCommand::kMasterKeyStatus:
      case AdminCommand::kGeneratePkcs11Key:
        s = RunMasterKeyAdmin(c, cmd, store.get(), std::cout);
        break;
    }
  }
  if (!s.ok()) {
    std::cerr << "error: " << s.ToString() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace csms
