// csmsd: the csms server, and `csmsd admin ...` for offline administration of a data dir.
// main() reads like a table of parts: each flag group below fills its part of AppConfig.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "app/audit_admin.h"
#include "app/config_file.h"
#include "app/server_app.h"
#include "common/startup_timeline.h"

namespace csms {
namespace {

// Flag values that are not AppConfig fields as they are typed on the command line.
struct CliExtras {
  std::string listen = "127.0.0.1:8080";
  bool no_delivery = false;
  bool no_access_log = false;
  bool no_console = false;
  std::string sqlite_sync = "full";
  int header_timeout_s = 0, idle_timeout_s = 0;  // seconds, from the ServerOptions defaults
};

// TLS beyond --tls-cert/--tls-key (http/tls_context.h; SIGHUP reloads the files).
void AddTlsFlags(CLI::App& cli, AppConfig& config) {
  cli.add_option("--client-ca", config.server.tls_client_ca_file,
                 "PEM CA certificates: the operator routes (/metrics, --dev's /csms-dev/*) then require a client "
                 "certificate signed by one of them (403 without); other routes are unaffected. Needs --tls-cert");
}

void AddServerFlags(CLI::App& cli, AppConfig& config, CliExtras& x) {
  cli.add_option("--listen", x.listen, "HOST:PORT to listen on (port 0 picks a free port)")->capture_default_str();
  cli.add_option("--data-dir", config.data_dir, "directory of the database and generated credentials")
      ->capture_default_str();
  cli.add_flag("--dev", config.dev,
               std::string("development mode: a temporary database removed at exit, fixed credentials (") +
                   kDevUserName + "/" + kDevPassword + ", project " + kDevProjectId + "), settable clock");
  cli.add_option("--threads", config.server.threads, "I/O threads (0 = one per core)")->capture_default_str();
  cli.add_option("--tls-cert", config.server.tls_cert_file, "PEM certificate chain: serve HTTPS");
  cli.add_option("--tls-key", config.server.tls_key_file, "PEM private key for --tls-cert");
  AddTlsFlags(cli, config);
  cli.add_option("--port-file", config.port_file, "write the bound port to this file once listening");
  cli.add_option("--max-body-bytes", config.server.body_limit, "largest accepted request body")->capture_default_str();
  cli.add_option("--max-connections", config.server.max_connections,
                 "open HTTP connections at most (0 = the descriptor limit minus a reserve for the database, "
                 "delivery and files); the longest-idle keep-alive connections are closed first at the cap")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000000));
  x.header_timeout_s = static_cast<int>(config.server.header_timeout.count());
  cli.add_option("--header-timeout", x.header_timeout_s,
                 "seconds from the first byte of a request until its whole header must have arrived")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  x.idle_timeout_s = static_cast<int>(config.server.idle_timeout.count());
  cli.add_option("--idle-timeout", x.idle_timeout_s, "seconds a keep-alive connection may wait for its next request")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  cli.add_option("--reader-threads", config.api.reader_threads,
                 "threads running GET/HEAD requests (store reads), off the I/O threads (0 = one per core)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  cli.add_option("--reader-queue", config.api.reader_queue,
                 "reads that may wait for a reader thread; beyond, 503 with Retry-After")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  cli.add_option("--writer-threads", config.api.writer_threads,
                 "threads running requests of other methods (store writes; each mostly waits for its commit)")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  cli.add_option("--writer-queue", config.api.writer_queue,
                 "writes that may wait for a writer thread; beyond, 503 with Retry-After")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  cli.add_option("--worker-threads", config.api.worker_threads,
                 "threads for requests that wait on the network (e.g. test notifications), off the I/O threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cli.add_flag("--no-console", x.no_console, "do not serve the web console at /console/");
  cli.add_option("--worker-queue", config.api.worker_queue,
                 "such requests that may wait for a worker thread; beyond, 503 with Retry-After")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cli.add_option("--shutdown-grace-seconds", config.shutdown_grace_seconds,
                 "how long SIGTERM waits for in-flight requests")
      ->capture_default_str();
  cli.add_flag("--no-access-log", x.no_access_log, "do not write one line per request to stdout");
  cli.add_option("--sqlite-sync", x.sqlite_sync,
                 "full: fsync every commit (survives power loss); normal: survives process crashes only")
      ->check(CLI::IsMember({"full", "normal"}))
      ->capture_default_str();
  cli.add_option("--write-queue", config.write_queue,
                 "writes that may wait for the database writer; beyond, 503 with Retry-After")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cli.add_option("--write-group-max", config.write_group_max,
                 "writes committed together in one transaction at most (1: each write commits alone)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cli.add_option("--writer-nice", config.writer_nice,
                 "nice increment of the SQLite writer and checkpoint threads, of the threads that prepare hot "
                 "writes, of the writer pool and of the I/O threads of connections that write: reads go first "
                 "when the CPUs are busy (0: the same priority, and no write I/O threads)")
      ->capture_default_str()
      ->check(CLI::Range(0, 19));
}

void AddEventFlags(CLI::App& cli, AppConfig& config) {
  cli.add_option("--event-quota", config.event_quota, "events per project")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cli.add_option("--record-retention-days", config.record_retention_days, "days notification records are kept")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
}

void AddSecretFlags(CLI::App& cli, AppConfig& config) {
  cli.add_option("--secret-quota", config.secret_quota, "secrets per project")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cli.add_option("--near-expiry-lead-times", config.near_expiry_lead_times,
                 "when SECRET_VERSION_NEAR_EXPIRY fires before expire_time: comma-separated <int><d|h|m|s>")
      ->capture_default_str();
  cli.add_option("--master-key-file", config.master_key_file,
                 "file of the csms/default master key (64 hex chars; created 0600 when absent). "
                 "Default <data-dir>/master.key; the CSMS_MASTER_KEY environment variable takes precedence");
  cli.add_option("--kms-key", config.kms_keys, "an extra master key usable as kms_key_id: ALIAS=FILE (repeatable)");
  cli.add_option("--rotation-timeout-ms", config.rotation_timeout_ms,
                 "time limit of a call to an http(s) rotation function")
      ->capture_default_str()
      ->check(CLI::Range(100, 600000));
  cli.add_option("--rotation-ca-file", config.rotation_ca_file, "PEM CA bundle trusted for https rotation functions");
}

// Master-key providers and rotation (docs/keys.md). The --pkcs11-* flags name the key of a first
// start; `admin rotate-master-key --to-provider pkcs11` takes the same flags for the new key.
void AddPkcs11Flags(CLI::App& cli, AppConfig& config) {
  cli.add_option("--pkcs11-module", config.pkcs11.module, "PKCS#11 module (.so) holding the master key");
  cli.add_option("--pkcs11-token", config.pkcs11.token, "label of the PKCS#11 token");
  cli.add_option("--pkcs11-key", config.pkcs11.key, "label of the AES-256 key on the token");
  cli.add_option("--pkcs11-pin-file", config.pkcs11.pin_file, "file holding the token's user PIN");
}

void AddMasterKeyFlags(CLI::App& cli, AppConfig& config) {
  AddPkcs11Flags(cli, config);
  cli.add_option("--master-key-check-interval-ms", config.master_key_check_ms,
                 "how often the server re-reads the master-key versions (a rotation takes effect within it)")
      ->capture_default_str()
      ->check(CLI::Range(50, 3600000));
  cli.add_option("--master-key-rewrap-batch", config.master_key_rewrap_batch, "sealed rows per re-wrap batch")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cli.add_option("--master-key-rewrap-pause-ms", config.master_key_rewrap_pause_ms, "pause between re-wrap batches")
      ->capture_default_str()
      ->check(CLI::Range(0, 60000));
}

void AddSchedulerFlags(CLI::App& cli, AppConfig& config) {
  cli.add_option("--scheduler-interval-ms", config.scheduler_interval_ms,
                 "scheduler tick interval (0: no background scheduler; --dev can still tick it by hand)")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600000));
  cli.add_option("--scheduler-batch", config.scheduler_batch, "items of each kind of due work per scheduler tick")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
}

// Database rotation (issue 12).
void AddDatabaseRotationFlags(CLI::App& cli, AppConfig& config) {
  cli.add_option("--test-rotation-pause-file", config.test_rotation_pause_file,
                 "tests only: a database rotation pauses after changing the password while this file exists")
      ->group("");  // hidden
}

void AddDeliveryFlags(CLI::App& cli, AppConfig& config, CliExtras& x) {
  cli.add_flag("--no-delivery", x.no_delivery,
               "do not deliver notifications: they stay PENDING in the outbox (an API-only replica, tests)");
  cli.add_option(
      "--smn-endpoint", config.smn_endpoint,
      "SMN-compatible endpoint, e.g. https://smn.cn-north-4.myhuaweicloud.com (none: SMN records end INVALID)");
  cli.add_option("--smn-access-key", config.smn_access_key, "AK that signs SMN publish calls");
  cli.add_option("--smn-secret-key", config.smn_secret_key,
                 "SK that signs SMN publish calls (the CSMS_SMN_SECRET_KEY environment variable keeps it out of ps)");
  cli.add_option("--smn-project-id", config.smn_project_id,
                 "project id in SMN publish paths (default: the one in the topic URN, else the record's project)");
  cli.add_option("--delivery-connect-timeout-ms", config.delivery_connect_timeout_ms,
                 "connect (and TLS handshake) time limit of a delivery")
      ->capture_default_str()
      ->check(CLI::Range(10, 600000));
  cli.add_option("--delivery-timeout-ms", config.delivery_timeout_ms, "total time limit of a delivery attempt")
      ->capture_default_str()
      ->check(CLI::Range(10, 600000));
  cli.add_option("--delivery-ca-file", config.delivery_ca_file,
                 "PEM CA bundle trusted for https webhook and SMN targets");
  cli.add_option("--delivery-concurrency", config.delivery_concurrency, "deliveries in flight at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cli.add_option("--max-tests-in-flight", config.max_tests_in_flight,
                 "test notifications in flight at once, all projects together (each holds a socket, no thread); "
                 "beyond, 503 with Retry-After; 0: no limit")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  cli.add_option("--delivery-connections-per-target", config.delivery_connections_per_target,
                 "concurrent connections per (scheme, host, port)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cli.add_option("--delivery-retry-schedule", config.delivery_retry_schedule,
                 "delays between attempts, comma-separated <int><ms|s|m|h|d>; the last one repeats")
      ->capture_default_str();
  cli.add_option("--delivery-retry-horizon", config.delivery_retry_horizon,
                 "give up when the next attempt would come later than this after the first")
      ->capture_default_str();
  cli.add_option("--delivery-poll-ms", config.delivery_poll_ms,
                 "how often the dispatcher looks for due notifications besides being woken")
      ->capture_default_str()
      ->check(CLI::Range(10, 3600000));
  cli.add_option("--delivery-drain-seconds", config.delivery_drain_seconds,
                 "how long SIGTERM waits for in-flight deliveries")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600));
}

// Replicas on PostgreSQL (issue 10, docs/scaling.md).
// The SSRF guard of webhooks and http rotation functions (common/destination_policy.h).
void AddOutboundGuardFlags(CLI::App& cli, AppConfig& config) {
  cli.add_option("--webhook-allow", config.webhook_allow,
                 "destinations webhooks and http(s) rotation functions may reach, checked against every address a "
                 "name resolves to: a comma list of external (public unicast), loopback, private (RFC 1918, "
                 "100.64/10, fc00::/7), link-local (incl. 169.254.169.254), CIDRs, host names (*.example.com) or *; "
                 "default external (--dev: *)");
}

void AddReplicaFlags(CLI::App& cli, AppConfig& config) {
  cli.add_option("--delivery-lease-margin-ms", config.delivery_lease_margin_ms,
                 "a delivery's claim lasts connect + total timeout + this; a replica that dies loses its claims "
                 "to the others when it ends")
      ->capture_default_str()
      ->check(CLI::Range(1000, 3600000));
}

// The token cache (issue 9, asynchronous writes: decision NN).
void AddTokenCacheFlags(CLI::App& cli, AppConfig& config) {
  cli.add_option("--token-revocation-check-ms", config.token_revocation_check_ms,
                 "how often cached tokens look for revocations made elsewhere (csmsd admin, other replicas); "
                 "until then a request with a cached token needs no database read")
      ->capture_default_str()
      ->check(CLI::Range(100, 3600000));
  cli.add_option("--secret-read-cache-ms", config.secret_read_cache_ms,
                 "a secret version read in the last N ms is answered again from memory unless this process has "
                 "written the secret since; writes of other processes are seen within N ms (0 = never; -1 = 250 "
                 "on SQLite, 0 on PostgreSQL, whose replicas each write)")
      ->capture_default_str()
      ->check(CLI::Range(-1, 3600000));
  cli.add_option("--test-initial-password-pause-file", config.test_initial_password_pause_file,
                 "tests only: a first start stores its admin's password once this file is gone")
      ->group("");  // hidden
}

// Trust (issue 15 items 1, 5): the audit log (docs/audit.md) and the brute-force limits (docs/auth.md).
void AddTrustFlags(CLI::App& cli, AppConfig& config) {
  cli.add_option("--audit-file", config.audit_file,
                 "append a hash-chained JSON line per authenticated request and authentication failure to this file");
  cli.add_option("--audit-max-bytes", config.audit_max_bytes,
                 "rotate the audit file (to FILE.000001, ...) before it grows past this size (0 = never)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  cli.add_flag("--audit-syslog", config.audit_syslog, "also send each audit line to syslog (LOG_AUTHPRIV)");
  cli.add_option("--audit-key-file", config.audit_key_file,
                 "the key that HMACs tokens in audit lines (created 0600 when absent; default <data-dir>/audit.key)");
  AttemptLimits& l = config.auth_limits;
  cli.add_option("--auth-limit-rate", l.subject.per_minute,
                 "failed password checks / signatures per user or access key: refill per minute (0 = no limit)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  cli.add_option("--auth-limit-burst", l.subject.burst, "... and how many may fail in a row (0 = no limit)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  cli.add_option("--auth-limit-address-rate", l.address.per_minute,
                 "failed password checks / signatures per source address: refill per minute (0 = no limit)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  cli.add_option("--auth-limit-address-burst", l.address.burst, "... and how many may fail in a row (0 = no limit)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
}

void AddObservabilityFlags(CLI::App& cli, AppConfig& config) {
  cli.add_option("--log-format", config.log_format,
                 "text: one human-readable line per entry; json: one JSON object per line")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  cli.add_option("--log-level", config.log_level, "least severe level written: debug, info, warn or error")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  cli.add_option("--metrics-listen", config.metrics_listen,
                 "HOST:PORT of a second listener serving only /metrics, /healthz and /readyz (plain HTTP); "
                 "the main listener serves them too");
}

// The database: SQLite in --data-dir unless --database names a PostgreSQL one.
void AddDatabaseFlags(CLI::App& cli, AppConfig& config) {
  cli.add_option("--database", config.database,
                 "postgresql://USER@HOST:PORT/DB: a PostgreSQL database shared by csmsd replicas (no password in "
                 "the URL); default SQLite in --data-dir")
      ->envname("CSMS_DATABASE_URL");
  cli.add_option("--database-password-file", config.database_password_file,
                 "file holding the PostgreSQL password (else CSMS_DATABASE_PASSWORD or PGPASSWORD)");
}

// `csmsd admin ...`: works directly on the data dir's database. Each subcommand sets the kind it
// stands for; the options fill the shared AdminCommand.
class AdminCli {
 public:
  AdminCli(CLI::App& cli, AppConfig& config) {
    admin_ = cli.add_subcommand("admin", "administer accounts in --data-dir (the server may be running)");
    admin_->add_option("--data-dir", config.data_dir, "directory of the database")->capture_default_str();
    AddDatabaseFlags(*admin_, config);
    cmd_.domain = "csms";
    cmd_.role = "admin";
    CLI::App* c = Add(AdminCommand::kCreateProject, "create-project", "create a project in a domain");
    c->add_option("--name", cmd_.name, "project name")->required();
    c = Add(AdminCommand::kCreateUser, "create-user", "create a user in a domain");
    c->add_option("--name", cmd_.name, "user name")->required();
    c->add_option("--password", cmd_.password,
                  "password: 10 to 128 characters, 3 of lower/upper/digit/other, not the user name")
        ->required();
    c->add_option("--role", cmd_.role, "built-in role: admin or readonly")
        ->capture_default_str()
        ->check(CLI::IsMember({"admin", "readonly"}));
    c = Add(AdminCommand::kSetPassword, "set-password", "change a user's password (revokes its tokens)");
    c->add_option("--name", cmd_.name, "user name")->required();
    c->add_option("--password", cmd_.password, "new password (the same policy as create-user)")->required();
    c = Add(AdminCommand::kDisableUser, "disable-user", "refuse a user's logins, tokens and access keys");
    c->add_option("--name", cmd_.name, "user name")->required();
    c = Add(AdminCommand::kEnableUser, "enable-user", "let a disabled user log in again");
    c->add_option("--name", cmd_.name, "user name")->required();
    Add(AdminCommand::kListProjects, "list-projects", "list a domain's projects");
    c = Add(AdminCommand::kCreateAccessKey, "create-access-key",
            "create a permanent AK/SK for a user (the SK is shown once)");
    c->add_option("--user", cmd_.name, "user name")->required();
    c->add_option("--description", cmd_.description, "free text, at most 255 bytes");
    c = Add(AdminCommand::kListAccessKeys, "list-access-keys", "list the access keys of a domain or user");
    c->add_option("--user", cmd_.name, "only this user's keys");
    c = Add(AdminCommand::kRevokeAccessKey, "revoke-access-key", "revoke an access key at once", false);
    c->add_option("--access-key", cmd_.access_key, "the AK")->required();
    c = Add(AdminCommand::kCreateTemporaryCredentials, "create-temporary-credentials",
            "create a temporary AK/SK and security token for a user (shown once)");
    c->add_option("--user", cmd_.name, "user name")->required();
    c->add_option("--duration-seconds", cmd_.duration_seconds, "lifetime (900 s to 24 h, as Huawei's)")
        ->capture_default_str()
        ->check(CLI::Range(900, 86400));
    c = Add(AdminCommand::kCreateGroup, "create-group", "create a group of users (secrets can be granted to it)");
    c->add_option("--name", cmd_.name, "group name")->required();
    c = Add(AdminCommand::kAddGroupMember, "add-group-member", "add a user to a group");
    c->add_option("--group", cmd_.group, "group name")->required();
    c->add_option("--user", cmd_.name, "user name")->required();
    c = Add(AdminCommand::kRemoveGroupMember, "remove-group-member", "remove a user from a group");
    c->add_option("--group", cmd_.group, "group name")->required();
    c->add_option("--user", cmd_.name, "user name")->required();
    Add(AdminCommand::kListGroups, "list-groups", "list a domain's groups with their members");
    AddBackupCommands(config);
    AddMigrateCommand(config);
    AddDbInstanceCommands();
    c = Add(AdminCommand::kRotateMasterKey, "rotate-master-key",
            "add a master-key version: new values are sealed with it, existing ones re-wrapped in the background",
            false);
    c->add_option("--to-provider", cmd_.to_provider, "where the new key lives: file or pkcs11")
        ->capture_default_str()
        ->check(CLI::IsMember({"file", "pkcs11"}));
    c->add_option("--new-key-file", cmd_.new_key_file,
                  "the new key file (created 0600; default <data-dir>/master-vN.key)");
    c->add_flag("--pkcs11-generate", cmd_.pkcs11_generate, "generate the AES-256 key on the token first");
    AddPkcs11Flags(*c, config);
    Add(AdminCommand::kMasterKeyStatus, "master-key-status", "master-key versions and the re-wrap's progress", false);
    c = Add(AdminCommand::kGeneratePkcs11Key, "generate-pkcs11-key",
            "generate a sensitive, non-extractable AES-256 key on a PKCS#11 token (first-time setup)", false);
    AddPkcs11Flags(*c, config);
    admin_->require_subcommand(1);
  }

  bool parsed() const { return admin_->parsed(); }

  AdminCommand Command() const {
    AdminCommand cmd = cmd_;
    for (const auto& [kind, sub] : subcommands_) {
      if (sub->parsed()) cmd.kind = kind;
    }
    return cmd;
  }

 private:
  CLI::App* Add(AdminCommand::Kind kind, const char* name, const char* help, bool with_domain = true) {
    CLI::App* sub = admin_->add_subcommand(name, help);
    if (with_domain) sub->add_option("--domain", cmd_.domain, "domain name")->capture_default_str();
    subcommands_.emplace_back(kind, sub);
    return sub;
  }

  // backup / restore (app/backup_admin.cc): --data-dir may also follow the subcommand.
  void AddBackupCommands(AppConfig& config) {
    CLI::App* c = Add(AdminCommand::kBackup, "backup",
                      "copy the database of --data-dir (a server may be serving it) into a new file, with a "
                      "manifest of the master keys it needs (never the keys themselves)",
                      false);
    c->add_option("--data-dir", config.data_dir, "directory of the database");
    c->add_option("--to", cmd_.backup_file, "the backup file to create (must not exist)")->required();
    c = Add(AdminCommand::kRestore, "restore",
            "put a backup in place as the database of --data-dir (refused while a csmsd holds it; "
            "the master key is not restored)",
            false);
    c->add_option("--data-dir", config.data_dir, "directory to restore into (created 0700 when absent)");
    c->add_option("--from", cmd_.backup_file, "the backup file")->required();
    c->add_flag("--force", cmd_.force, "replace a database the directory holds already");
  }

  // migrate (app/migrate_admin.cc): an SQLite data dir into an empty PostgreSQL database.
  void AddMigrateCommand(AppConfig& config) {
    CLI::App* c = Add(AdminCommand::kMigrate, "migrate",
                      "copy the SQLite database of a data dir (no csmsd may be running on it) into an empty "
                      "PostgreSQL database, values still sealed, and check the row counts",
                      false);
    c->add_option("--from", config.data_dir, "the data dir holding csms.db")->required();
    c->add_option("--to", config.database, "postgresql://USER@HOST:PORT/DB (no password in the URL)")->required();
    c->add_option("--database-password-file", config.database_password_file,
                  "file holding the PostgreSQL password (else CSMS_DATABASE_PASSWORD or PGPASSWORD)");
  }

  // Database instances that RDS-FG / GaussDB-FG secrets rotate in (app/db_instance_admin.cc).
  void AddDbInstanceCommands() {
    DbInstance& i = cmd_.db_instance;
    CLI::App* c = Add(AdminCommand::kCreateDbInstance, "create-db-instance",
                      "register a database instance that database secrets of a project rotate in", false);
    c->add_option("--project-id", i.project_id, "the project")->required();
    c->add_option("--instance-id", i.instance_id, "the InstanceId secrets name in rotation_config")->required();
    c->add_option("--engine", i.engine, "postgresql or mysql (MySQL, MariaDB)")
        ->required()
        ->check(CLI::IsMember({"postgresql", "mysql"}));
    c->add_option("--host", i.host, "host name or address")->required();
    c->add_option("--port", i.port, "TCP port")->required()->check(CLI::Range(1, 65535));
    c->add_option("--tls-mode", i.tls_mode, "disable, require or verify-full")
        ->capture_default_str()
        ->check(CLI::IsMember({"disable", "require", "verify-full"}));
    c->add_option("--ca-file", i.ca_file, "PEM bundle trusted with verify-full (default: the system's)");
    c->add_option("--admin-secret", i.admin_secret,
                  "MultiUser: name of the project's secret holding the admin account (same JSON format)");
    c = Add(AdminCommand::kListDbInstances, "list-db-instances", "list a project's database instances", false);
    c->add_option("--project-id", i.project_id, "the project")->required();
    c = Add(AdminCommand::kDeleteDbInstance, "delete-db-instance", "remove a database instance", false);
    c->add_option("--project-id", i.project_id, "the project")->required();
    c->add_option("--instance-id", i.instance_id, "the InstanceId")->required();
  }

  CLI::App* admin_;
  AdminCommand cmd_;
  std::vector<std::pair<AdminCommand::Kind, CLI::App*>> subcommands_;
};

// HOST:PORT (IPv6 hosts in brackets) into the server options; false with a message on stderr.
bool ParseListen(const std::string& listen, http::ServerOptions* server, const char* flag = "--listen") {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << flag << " must be HOST:PORT\n";
    return false;
  }
  server->host = listen.substr(0, colon);
  if (server->host.size() > 2 && server->host.front() == '[') {
    server->host = server->host.substr(1, server->host.size() - 2);
  }
  try {
    int port = std::stoi(listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    server->port = static_cast<uint16_t>(port);
  } catch (const std::exception&) {
    std::cerr << flag << ": invalid port\n";
    return false;
  }
  return true;
}

}  // namespace
}  // namespace csms

int main(int argc, char** argv) {
  using namespace csms;
  startup::Phase("static-init");  // exec → main: the loader, then the static initialisers
  CLI::App cli{"csmsd: self-hosted secret manager compatible with Huawei Cloud CSMS v1"};
  cli.set_version_flag("--version", "csmsd 0.1.0");
  AppConfig config;
  CliExtras extras;
  AddServerFlags(cli, config, extras);
  AddEventFlags(cli, config);
  AddSecretFlags(cli, config);
  AddSchedulerFlags(cli, config);
  AddMasterKeyFlags(cli, config);
  AddDeliveryFlags(cli, config, extras);
  AddDatabaseRotationFlags(cli, config);
  AddObservabilityFlags(cli, config);
  AddTrustFlags(cli, config);
  AddDatabaseFlags(cli, config);
  AddReplicaFlags(cli, config);
  AddTokenCacheFlags(cli, config);
  AddOutboundGuardFlags(cli, config);
  AdminCli admin(cli, config);
  AuditAdminCli audit_admin(*cli.get_subcommand("admin"));
  // After every flag: a TOML key and a CSMS_* variable for each (app/config_file.h).
  bool print_config_reference = false;
  AddConfigSources(cli, &print_config_reference);

  CLI11_PARSE(cli, argc, argv);
  if (print_config_reference) {
    PrintConfigReference(cli, std::cout);
    return 0;
  }
  config.sqlite_synchronous_full = extras.sqlite_sync == "full";
  config.server.header_timeout = std::chrono::seconds(extras.header_timeout_s);
  config.server.idle_timeout = std::chrono::seconds(extras.idle_timeout_s);
  config.access_log = !extras.no_access_log;
  config.delivery = !extras.no_delivery;
  config.api.console = !extras.no_console;
  startup::Phase("flags");

  if (audit_admin.parsed()) return audit_admin.Run(std::cout, std::cerr);
  if (admin.parsed()) return RunAdmin(config, admin.Command());
  if (!ParseListen(extras.listen, &config.server)) return 2;
  if (!config.metrics_listen.empty()) {
    config.metrics_server = config.server;
    config.metrics_server.tls_cert_file.clear();
    config.metrics_server.tls_key_file.clear();
    config.metrics_server.threads = 1;  // scrapes are rare; their work runs on the API's reader pool
    if (!ParseListen(config.metrics_listen, &config.metrics_server, "--metrics-listen")) return 2;
  }
  return RunServer(config);
}
