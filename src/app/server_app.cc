#include "app/server_app.h"

#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "auth/token_service.h"
#include "common/clock.h"
#include "common/log.h"
#include "http/api.h"
#include "service/event_service.h"
#include "service/identity_service.h"
#include "service/record_service.h"
#include "store/store.h"

namespace csms {
namespace {

Status OpenStore(const AppConfig& config, std::unique_ptr<Store>* out) {
  SqliteOptions options;
  options.synchronous_full = config.sqlite_synchronous_full;
  if (config.dev) {
    options.path = ":memory:";
  } else {
    std::error_code ec;
    std::filesystem::create_directories(config.data_dir, ec);
    if (ec) return Status(Status::Kind::kInternal, "CSMS.0001", "cannot create " + config.data_dir + ": " + ec.message());
    ::chmod(config.data_dir.c_str(), 0700);
    options.path = config.data_dir + "/csms.db";
  }
  return OpenSqliteStore(options, out);
}

// Writes the generated admin credentials where only the owner can read them.
bool WriteCredentialsFile(const std::string& path, const BootstrapResult& r) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return false;
  ::chmod(path.c_str(), 0600);
  out << "domain_name=" << r.domain.name << "\ndomain_id=" << r.domain.id << "\nproject_name=" << r.project.name
      << "\nproject_id=" << r.project.id << "\nuser_name=" << r.user.name << "\npassword=" << r.password << "\n";
  return static_cast<bool>(out);
}

Status Bootstrap(const AppConfig& config, IdentityService& identity) {
  if (config.dev) {
    return identity.EnsureFixture(Domain{kDevDomainId, kDevDomainName}, Project{kDevProjectId, kDevProjectName, kDevDomainId},
                                  kDevUserName, kDevPassword);
  }
  BootstrapResult r;
  CSMS_RETURN_IF_ERROR(identity.BootstrapIfEmpty("csms", "default", &r));
  if (r.created) {
    std::string path = config.data_dir + "/initial-credentials";
    bool saved = WriteCredentialsFile(path, r);
    // Printed once, on the first start only: the password is not stored anywhere in clear but
    // in that 0600 file, which the operator should delete after reading.
    std::cout << "csmsd: first start, created domain '" << r.domain.name << "', project '" << r.project.name
              << "' (id " << r.project.id << ") and user '" << r.user.name << "' with password " << r.password
              << "\ncsmsd: " << (saved ? "saved to " + path + " (mode 0600)" : "could not write " + path) << std::endl;
  }
  return Status::OK();
}

}  // namespace

int RunServer(const AppConfig& config) {
  // Block the shutdown signals before any thread starts, so only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  OffsetClock clock;
  std::unique_ptr<Store> store;
  Status s = OpenStore(config, &store);
  if (!s.ok()) {
    log::Error("cannot open the database: " + s.ToString());
    return 1;
  }
  IdentityService identity(store.get());
  s = Bootstrap(config, identity);
  if (!s.ok()) {
    log::Error("bootstrap failed: " + s.ToString());
    return 1;
  }
  TokenService tokens(store.get(), &clock);
  EventService events(store.get(), &clock, EventServiceOptions{config.event_quota});
  RecordService records(store.get(), &clock, RecordServiceOptions{config.record_retention_days});

  http::Services services;
  services.tokens = &tokens;
  services.events = &events;
  services.records = &records;
  services.identity = &identity;
  services.clock = &clock;
  services.dev_clock = config.dev ? &clock : nullptr;
  http::Api api(services);

  log::EnableAccessLog(config.access_log);
  std::unique_ptr<http::HttpServer> server;
  s = http::HttpServer::Start(config.server, [&api](const http::HttpRequest& req, http::HttpResponse& res) { api.Handle(req, res); },
                              &server);
  if (!s.ok()) {
    log::Error(s.message());
    return 1;
  }
  log::Info("csmsd listening on " + config.server.host + ":" + std::to_string(server->port()) +
            (config.server.tls_cert_file.empty() ? " (http)" : " (https)") + (config.dev ? " in --dev mode" : ""));
  if (!config.port_file.empty()) {
    std::string tmp = config.port_file + ".tmp";
    std::ofstream(tmp) << server->port() << "\n";
    std::rename(tmp.c_str(), config.port_file.c_str());  // atomic: readers never see a partial file
  }

  int sig = 0;
  sigwait(&signals, &sig);
  log::Info(std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ", draining");
  server->Shutdown(std::chrono::seconds(config.shutdown_grace_seconds));
  log::FlushAccessLog();
  log::Info("csmsd stopped");
  return 0;
}

int RunAdmin(const AppConfig& config, const AdminCommand& cmd) {
  std::unique_ptr<Store> store;
  AppConfig c = config;
  c.dev = false;
  Status s = OpenStore(c, &store);
  if (!s.ok()) {
    std::cerr << "cannot open the database: " << s.ToString() << "\n";
    return 1;
  }
  IdentityService identity(store.get());
  BootstrapResult boot;
  s = Bootstrap(c, identity);
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
        if (s.ok()) std::cout << "password changed\n";
        break;
      case AdminCommand::kListProjects: {
        std::vector<Project> projects;
        s = identity.ListProjects(cmd.domain, &projects);
        for (const auto& p : projects) std::cout << p.id << " " << p.name << "\n";
        break;
      }
    }
  }
  if (!s.ok()) {
    std::cerr << "error: " << s.ToString() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace csms
