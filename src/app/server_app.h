// The application: configuration, wiring of store → services → API → HTTP server, first-start
// bootstrap, signal handling. main.cc only parses the command line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "auth/attempt_limiter.h"
#include "common/status.h"
#include "crypto/keyring.h"
#include "crypto/pkcs11_provider.h"
#include "domain/db_instance.h"
#include "http/api.h"
#include "http/server.h"

namespace csms {

struct AppConfig {
  std::string data_dir = "data";
  bool dev = false;
  http::ServerOptions server;
  http::ApiOptions api;
  std::string port_file;
  int event_quota = 30;
  int record_retention_days = 90;
  int shutdown_grace_seconds = 10;
  bool access_log = true;
  bool sqlite_synchronous_full = true;
  int write_queue = 512;     // writes waiting for the store's writer; more get 503 + Retry-After
  int write_group_max = 64;  // writes committed together in one group (1: every write commits alone)
  int writer_nice = 5;       // the SQLite writer's and checkpointer's nice increment (decisions 128, 131)

  // Secrets.
  int secret_quota = 200;
  std::string near_expiry_lead_times = "30d,7d,1d";  // comma-separated <int><d|h|m|s>; "" = none
  std::string master_key_file;                       // default: <data-dir>/master.key (env CSMS_MASTER_KEY wins)
  std::vector<std::string> kms_keys;                 // extra master keys, "ALIAS=FILE"
  int rotation_timeout_ms = 10000;                   // a call to an http(s) rotation function
  std::string rotation_ca_file;                      // PEM bundle trusted for https rotation functions
  int scheduler_interval_ms = 1000;                  // 0: no background scheduler (only --dev's tick endpoint)
  int scheduler_batch = 500;

  // Notification delivery (notify/dispatcher.h).
  bool delivery = true;      // false (--no-delivery): notifications stay PENDING
  std::string smn_endpoint;  // "" = SMN notifications end INVALID
  std::string smn_access_key, smn_secret_key, smn_project_id;
  int delivery_connect_timeout_ms = 2000;
  int delivery_timeout_ms = 5000;
  std::string delivery_ca_file;    // PEM bundle trusted for https targets (default: the system's)
  int delivery_concurrency = 512;  // deliveries in flight, all targets together
  int delivery_connections_per_target = 16;
  int max_tests_in_flight = 256;  // test notifications in flight, all projects together (0: no limit)
  std::string delivery_retry_schedule = "1s,5s,30s,2m,10m,30m,1h";  // the last delay repeats
  std::string delivery_retry_horizon = "24h";                       // no attempt later than this after the first
  int delivery_poll_ms = 1000;
  int delivery_drain_seconds = 5;  // SIGTERM waits this long for in-flight deliveries

  // Replicas (issue 10): a claim outlives its attempt's time limits by this much.
  int delivery_lease_margin_ms = 30'000;

  // The token cache (issue 9): revocations made elsewhere are seen within this many milliseconds.
  int token_revocation_check_ms = 1000;
  // Versions just read are answered from memory for this long (service/secret_read_cache.h);
  // 0 = never, -1 = the engine's default (250 on SQLite, 0 on PostgreSQL).
  int secret_read_cache_ms = -1;

  // Database rotation (issue 12). Test hook only: see DbRotationHooks in server_app.cc.
  std::string test_rotation_pause_file;
  // Test hook only: a first start stores its admin's password once this file is gone, after
  // creating FILE.reached (StoreInitialPassword in server_app.cc).
  std::string test_initial_password_pause_file;
  // Master-key providers and rotation (docs/keys.md, app/master_keys.cc).
  crypto::Pkcs11Config pkcs11;         // module "" = no PKCS#11 key (the first start's version 1)
  int master_key_check_ms = 10000;     // how often a server re-reads the master-key versions
  int master_key_rewrap_batch = 100;   // rows per re-wrap batch (one Store::Write)
  int master_key_rewrap_pause_ms = 0;  // between re-wrap batches
  // Trust (issue 15): the audit log (docs/audit.md) and the brute-force limits (docs/auth.md).
  std::string audit_file;               // "" = no file sink
  int64_t audit_max_bytes = 100 << 20;  // rotate the file past this size (0 = never)
  bool audit_syslog = false;            // also to syslog (LOG_AUTHPRIV)
  std::string audit_key_file;           // HMAC key; default <data-dir>/audit.key (--dev: random)
  AttemptLimits auth_limits;            // per user / access key and per source address
  // Observability (docs/observability.md): logs, /metrics, /readyz.
  std::string log_format = "text";     // text | json
  std::string log_level = "info";      // debug | info | warn | error
  std::string metrics_listen;          // "" = /metrics only on the main listener
  http::ServerOptions metrics_server;  // parsed from metrics_listen (plain HTTP)
  // The database (store/postgres): "" = SQLite in data_dir; postgresql://user@host:port/db = a
  // PostgreSQL database shared by any number of csmsd replicas.
  std::string database;                // --database, env CSMS_DATABASE_URL; never with a password in it
  std::string database_password_file;  // --database-password-file; else env CSMS_DATABASE_PASSWORD / PGPASSWORD
  // The SSRF guard (common/destination_policy.h): where webhooks and http rotation functions may
  // connect. "" = the default: external (--dev: *).
  std::string webhook_allow;
};

struct AdminCommand {
  enum Kind {
    kCreateProject,
    kCreateUser,
    kSetPassword,
    kListProjects,
    kCreateAccessKey,
    kListAccessKeys,
    kRevokeAccessKey,
    kCreateTemporaryCredentials,
    kDisableUser,
    kEnableUser,
    kCreateGroup,  // groups: app/group_admin.cc
    kAddGroupMember,
    kRemoveGroupMember,
    kListGroups,
    kBackup,  // backup and restore: app/backup_admin.cc
    kRestore,
    kCreateDbInstance,  // database instances: app/db_instance_admin.cc
    kListDbInstances,
    kDeleteDbInstance,
    kRotateMasterKey,  // master keys: app/master_keys.cc
    kMasterKeyStatus,
    kGeneratePkcs11Key,
    kMigrate,  // SQLite → PostgreSQL: app/migrate_admin.cc (--from is data_dir, --to is database)
  } kind = kListProjects;
  std::string domain, name, password, role;
  std::string group;                    // add-group-member / remove-group-member (`name` is the user name)
  std::string access_key, description;  // access-key subcommands (`name` is the user name)
  int64_t duration_seconds = 900;       // create-temporary-credentials
  std::string backup_file;              // backup --to / restore --from
  bool force = false;                   // restore --force: replace the data dir's database
  DbInstance db_instance;               // db-instance subcommands
  std::string to_provider = "file";     // rotate-master-key: file or pkcs11
  std::string new_key_file;             // rotate-master-key --to-provider file (default <data-dir>/master-vN.key)
  bool pkcs11_generate = false;         // rotate-master-key: generate the PKCS#11 key on the token first
};

// The SQLite connections a server needs: one per thread that may read at the same time (the I/O
// threads, the worker pool, the dispatcher, the scheduler's tick and rotation worker) + the writer's.
int SqliteConnectionsFor(const AppConfig& config);

// Runs until SIGTERM/SIGINT; returns the process exit code.
int RunServer(const AppConfig& config);
int RunAdmin(const AppConfig& config, const AdminCommand& cmd);

// --dev fixtures, documented in README and docs/.
inline constexpr const char* kDevDomainId = "fedcba9876543210fedcba9876543210";
inline constexpr const char* kDevDomainName = "csms";
inline constexpr const char* kDevProjectId = "0123456789abcdef0123456789abcdef";
inline constexpr const char* kDevProjectName = "dev";
inline constexpr const char* kDevUserName = "admin";
inline constexpr const char* kDevPassword = "admin";
// A second --dev user with the read-only role (grants, the users API, 403s in SDK tests).
inline constexpr const char* kDevReaderName = "reader";
inline constexpr const char* kDevReaderPassword = "reader";
// kDevPassword as stored (PBKDF2 at the default cost with a fixed salt: the password is public
// anyway), so a --dev start derives no key (about 30 ms of CPU); tests check it verifies.
inline constexpr const char* kDevPasswordHash =
    "pbkdf2-sha256$100000$Y3Ntcy1kZXYtZml4dHVyZQ==$J0cexECLfPDz12Zo6d8ySdYpz9M5RqFb+u0Jd+iiY0g=";
// --dev fixed AK/SK of the admin user, for SDK users (auth.md).
inline constexpr const char* kDevAccessKey = "DEVACCESSKEY0000CSMS";
inline constexpr const char* kDevSecretKey = "devSecretKey0000000000000000000000000CSMS";

}  // namespace csms
