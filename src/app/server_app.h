// The application: configuration, wiring of store → services → API → HTTP server, first-start
// bootstrap, signal handling. main.cc only parses the command line.
#pragma once

#include <string>

#include "http/server.h"

namespace csms {

struct AppConfig {
  std::string data_dir = "data";
  bool dev = false;
  http::ServerOptions server;
  std::string port_file;
  int event_quota = 30;
  int record_retention_days = 90;
  int shutdown_grace_seconds = 10;
  bool access_log = true;
  bool sqlite_synchronous_full = true;
};

struct AdminCommand {
  enum Kind { kCreateProject, kCreateUser, kSetPassword, kListProjects } kind = kListProjects;
  std::string domain, name, password, role;
};

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

}  // namespace csms
