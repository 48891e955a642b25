// csmsd: the csms server, and `csmsd admin ...` for offline administration of a data dir.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "app/server_app.h"
#include "common/log.h"

int main(int argc, char** argv) {
  using namespace csms;
  CLI::App cli{"csmsd: self-hosted secret manager compatible with Huawei Cloud CSMS v1"};
  cli.set_version_flag("--version", "csmsd 0.1.0");
  AppConfig config;
  std::string listen = "127.0.0.1:8080";
  cli.add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free port)")->capture_default_str();
  cli.add_option("--data-dir", config.data_dir, "directory of the database and generated credentials")->capture_default_str();
  cli.add_flag("--dev", config.dev,
               std::string("development mode: in-memory database, fixed credentials (") + kDevUserName + "/" +
                   kDevPassword + ", project " + kDevProjectId + "), settable clock");
  cli.add_option("--threads", config.server.threads, "I/O threads (0 = one per core)")->capture_default_str();
  cli.add_option("--tls-cert", config.server.tls_cert_file, "PEM certificate chain: serve HTTPS");
  cli.add_option("--tls-key", config.server.tls_key_file, "PEM private key for --tls-cert");
  cli.add_option("--port-file", config.port_file, "write the bound port to this file once listening");
  cli.add_option("--event-quota", config.event_quota, "events per project")->capture_default_str()->check(CLI::Range(1, 100000));
  cli.add_option("--record-retention-days", config.record_retention_days, "days notification records are kept")
      ->capture_default_str()->check(CLI::Range(1, 3650));
  cli.add_option("--max-body-bytes", config.server.body_limit, "largest accepted request body")->capture_default_str();
  cli.add_option("--shutdown-grace-seconds", config.shutdown_grace_seconds,
                 "how long SIGTERM waits for in-flight requests")->capture_default_str();
  cli.add_option("--secret-quota", config.secret_quota, "secrets per project")->capture_default_str()->check(CLI::Range(1, 1000000));
  cli.add_option("--near-expiry-lead-times", config.near_expiry_lead_times,
                 "when SECRET_VERSION_NEAR_EXPIRY fires before expire_time: comma-separated <int><d|h|m|s>")
      ->capture_default_str();
  cli.add_option("--master-key-file", config.master_key_file,
                 "file of the csms/default master key (64 hex chars; created 0600 when absent). "
                 "Default <data-dir>/master.key; the CSMS_MASTER_KEY environment variable takes precedence");
  cli.add_option("--kms-key", config.kms_keys, "an extra master key usable as kms_key_id: ALIAS=FILE (repeatable)");
  cli.add_option("--rotation-timeout-ms", config.rotation_timeout_ms, "time limit of a call to an http(s) rotation function")
      ->capture_default_str()->check(CLI::Range(100, 600000));
  cli.add_option("--rotation-ca-file", config.rotation_ca_file, "PEM CA bundle trusted for https rotation functions");
  cli.add_option("--scheduler-interval-ms", config.scheduler_interval_ms,
                 "scheduler tick interval (0: no background scheduler; --dev can still tick it by hand)")
      ->capture_default_str()->check(CLI::Range(0, 3600000));
  cli.add_option("--scheduler-batch", config.scheduler_batch, "items of each kind of due work per scheduler tick")
      ->capture_default_str()->check(CLI::Range(1, 100000));
  // Notification delivery.
  bool no_delivery = false;
  cli.add_flag("--no-delivery", no_delivery,
               "do not deliver notifications: they stay PENDING in the outbox (an API-only replica, tests)");
  cli.add_option("--smn-endpoint", config.smn_endpoint,
                 "SMN-compatible endpoint, e.g. https://smn.cn-north-4.myhuaweicloud.com (none: SMN records end INVALID)");
  cli.add_option("--smn-access-key", config.smn_access_key, "AK that signs SMN publish calls");
  cli.add_option("--smn-secret-key", config.smn_secret_key,
                 "SK that signs SMN publish calls (the CSMS_SMN_SECRET_KEY environment variable keeps it out of ps)");
  cli.add_option("--smn-project-id", config.smn_project_id,
                 "project id in SMN publish paths (default: the one in the topic URN, else the record's project)");
  cli.add_option("--delivery-connect-timeout-ms", config.delivery_connect_timeout_ms,
                 "connect (and TLS handshake) time limit of a delivery")->capture_default_str()->check(CLI::Range(10, 600000));
  cli.add_option("--delivery-timeout-ms", config.delivery_timeout_ms, "total time limit of a delivery attempt")
      ->capture_default_str()->check(CLI::Range(10, 600000));
  cli.add_option("--delivery-ca-file", config.delivery_ca_file, "PEM CA bundle trusted for https webhook and SMN targets");
  cli.add_option("--delivery-concurrency", config.delivery_concurrency, "deliveries in flight at once")
      ->capture_default_str()->check(CLI::Range(1, 100000));
  cli.add_option("--delivery-connections-per-target", config.delivery_connections_per_target,
                 "concurrent connections per (scheme, host, port)")->capture_default_str()->check(CLI::Range(1, 10000));
  cli.add_option("--delivery-retry-schedule", config.delivery_retry_schedule,
                 "delays between attempts, comma-separated <int><ms|s|m|h|d>; the last one repeats")->capture_default_str();
  cli.add_option("--delivery-retry-horizon", config.delivery_retry_horizon,
                 "give up when the next attempt would come later than this after the first")->capture_default_str();
  cli.add_option("--delivery-poll-ms", config.delivery_poll_ms,
                 "how often the dispatcher looks for due notifications besides being woken")
      ->capture_default_str()->check(CLI::Range(10, 3600000));
  cli.add_option("--delivery-drain-seconds", config.delivery_drain_seconds,
                 "how long SIGTERM waits for in-flight deliveries")->capture_default_str()->check(CLI::Range(0, 3600));
  bool no_access_log = false;
  cli.add_flag("--no-access-log", no_access_log, "do not write one line per request to stdout");
  std::string sync = "full";
  cli.add_option("--sqlite-sync", sync, "full: fsync every commit (survives power loss); normal: survives process crashes only")
      ->check(CLI::IsMember({"full", "normal"}))->capture_default_str();

  // csmsd admin ...: works directly on the data dir's database.
  CLI::App* admin = cli.add_subcommand("admin", "administer accounts in --data-dir (the server may be running)");
  admin->add_option("--data-dir", config.data_dir, "directory of the database")->capture_default_str();
  std::string domain = "csms", name, password, role = "admin";
  CLI::App* create_project = admin->add_subcommand("create-project", "create a project in a domain");
  create_project->add_option("--domain", domain, "domain name")->capture_default_str();
  create_project->add_option("--name", name, "project name")->required();
  CLI::App* create_user = admin->add_subcommand("create-user", "create a user in a domain");
  create_user->add_option("--domain", domain, "domain name")->capture_default_str();
  create_user->add_option("--name", name, "user name")->required();
  create_user->add_option("--password", password, "password (at least 8 characters)")->required();
  create_user->add_option("--role", role, "built-in role: admin or readonly")->capture_default_str()
      ->check(CLI::IsMember({"admin", "readonly"}));
  CLI::App* set_password = admin->add_subcommand("set-password", "change a user's password");
  set_password->add_option("--domain", domain, "domain name")->capture_default_str();
  set_password->add_option("--name", name, "user name")->required();
  set_password->add_option("--password", password, "new password")->required();
  CLI::App* list_projects = admin->add_subcommand("list-projects", "list a domain's projects");
  list_projects->add_option("--domain", domain, "domain name")->capture_default_str();
  std::string access_key, description;
  int64_t duration_seconds = 900;
  CLI::App* create_access_key =
      admin->add_subcommand("create-access-key", "create a permanent AK/SK for a user (the SK is shown once)");
  create_access_key->add_option("--domain", domain, "domain name")->capture_default_str();
  create_access_key->add_option("--user", name, "user name")->required();
  create_access_key->add_option("--description", description, "free text, at most 255 bytes");
  CLI::App* list_access_keys = admin->add_subcommand("list-access-keys", "list the access keys of a domain or user");
  list_access_keys->add_option("--domain", domain, "domain name")->capture_default_str();
  list_access_keys->add_option("--user", name, "only this user's keys");
  CLI::App* revoke_access_key = admin->add_subcommand("revoke-access-key", "revoke an access key at once");
  revoke_access_key->add_option("--access-key", access_key, "the AK")->required();
  CLI::App* create_temporary = admin->add_subcommand(
      "create-temporary-credentials", "create a temporary AK/SK and security token for a user (shown once)");
  create_temporary->add_option("--domain", domain, "domain name")->capture_default_str();
  create_temporary->add_option("--user", name, "user name")->required();
  create_temporary->add_option("--duration-seconds", duration_seconds, "lifetime (1 s to 24 h)")
      ->capture_default_str()->check(CLI::Range(1, 86400));
  admin->require_subcommand(1);

  CLI11_PARSE(cli, argc, argv);
  config.sqlite_synchronous_full = sync == "full";
  config.access_log = !no_access_log;
  config.delivery = !no_delivery;

  if (admin->parsed()) {
    AdminCommand cmd;
    cmd.domain = domain;
    cmd.name = name;
    cmd.password = password;
    cmd.role = role;
    cmd.access_key = access_key;
    cmd.description = description;
    cmd.duration_seconds = duration_seconds;
    if (create_project->parsed()) cmd.kind = AdminCommand::kCreateProject;
    if (create_user->parsed()) cmd.kind = AdminCommand::kCreateUser;
    if (set_password->parsed()) cmd.kind = AdminCommand::kSetPassword;
    if (list_projects->parsed()) cmd.kind = AdminCommand::kListProjects;
    if (create_access_key->parsed()) cmd.kind = AdminCommand::kCreateAccessKey;
    if (list_access_keys->parsed()) cmd.kind = AdminCommand::kListAccessKeys;
    if (revoke_access_key->parsed()) cmd.kind = AdminCommand::kRevokeAccessKey;
    if (create_temporary->parsed()) cmd.kind = AdminCommand::kCreateTemporaryCredentials;
    return RunAdmin(config, cmd);
  }

  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "--listen must be HOST:PORT\n";
    return 2;
  }
  config.server.host = listen.substr(0, colon);
  if (config.server.host.size() > 2 && config.server.host.front() == '[') {
    config.server.host = config.server.host.substr(1, config.server.host.size() - 2);
  }
  try {
    int port = std::stoi(listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    config.server.port = static_cast<uint16_t>(port);
  } catch (const std::exception&) {
    std::cerr << "--listen: invalid port\n";
    return 2;
  }
  return RunServer(config);
}
