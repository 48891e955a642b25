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
               "development mode: in-memory database, fixed credentials (admin/admin, project "
               "0123456789abcdef0123456789abcdef), settable clock");
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
  admin->require_subcommand(1);

  CLI11_PARSE(cli, argc, argv);
  config.sqlite_synchronous_full = sync == "full";
  config.access_log = !no_access_log;

  if (admin->parsed()) {
    AdminCommand cmd;
    cmd.domain = domain;
    cmd.name = name;
    cmd.password = password;
    cmd.role = role;
    if (create_project->parsed()) cmd.kind = AdminCommand::kCreateProject;
    if (create_user->parsed()) cmd.kind = AdminCommand::kCreateUser;
    if (set_password->parsed()) cmd.kind = AdminCommand::kSetPassword;
    if (list_projects->parsed()) cmd.kind = AdminCommand::kListProjects;
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
