#include "app/server_app.h"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "auth/signature_authenticator.h"
#include "auth/token_service.h"
#include "common/clock.h"
#include "common/duration.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/time_format.h"
#include "crypto/key_store.h"
#include "http/api.h"
#include "net/http_call.h"
#include "scheduler/scheduler.h"
#include "service/access_key_service.h"
#include "service/event_service.h"
#include "service/identity_service.h"
#include "service/record_service.h"
#include "notify/dispatcher.h"
#include "service/delivery_service.h"
#include "service/secret_service.h"
#include "service/webhook_secrets.h"
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
                  << " status=" << AccessKeyStatusName(k.status)
                  << " created=" << FormatIso8601Seconds(k.create_time)
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

// The csms/default master key: CSMS_MASTER_KEY (64 hex chars) wins, then --master-key-file, then an
// ephemeral key in --dev, else <data-dir>/master.key (created 0600 on first start).
Status LoadMasterKey(const AppConfig& config, crypto::Keyring* out) {
  if (const char* env = std::getenv("CSMS_MASTER_KEY"); env && *env) return crypto::Keyring::FromHex(env, out);
  if (!config.master_key_file.empty()) return crypto::Keyring::LoadOrCreate(config.master_key_file, out);
  if (config.dev) {
    *out = crypto::Keyring::Ephemeral();
    return Status::OK();
  }
  return crypto::Keyring::LoadOrCreate(config.data_dir + "/master.key", out);
}

namespace {

// "30d,7d,1d" → milliseconds; false on a malformed or zero item.
bool ParseLeadTimes(const std::string& text, std::vector<int64_t>* out) {
  out->clear();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    std::string_view item = std::string_view(text).substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? text.size() : comma + 1;
    std::optional<int64_t> ms = ParseDurationMillis(item);
    if (!ms || *ms <= 0) return false;
    out->push_back(*ms);
  }
  return true;
}

// The master keys secrets can name as kms_key_id: `main` as csms/default, plus each --kms-key ALIAS=FILE.
Status LoadKeys(const AppConfig& config, const crypto::Keyring& main, crypto::KeyStore* keys) {
  keys->Add(std::string(kDefaultKmsKeyAlias), main);
  for (const auto& spec : config.kms_keys) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      return errors::InvalidParameter("--kms-key must be ALIAS=FILE");
    }
    std::string alias = spec.substr(0, eq);
    if (keys->Find(alias)) return errors::InvalidParameter("--kms-key: alias " + alias + " is used twice");
    crypto::Keyring k;
    CSMS_RETURN_IF_ERROR(crypto::Keyring::LoadOrCreate(spec.substr(eq + 1), &k));
    if (keys->Find(k.Id())) return errors::InvalidParameter("--kms-key: the key of " + alias + " is configured twice");
    keys->Add(alias, std::move(k));
  }
  return Status::OK();
}

Status DispatcherOptionsFrom(const AppConfig& config, notify::DispatcherOptions* out) {
  out->max_in_flight = config.delivery_concurrency;
  out->poll_interval = std::chrono::milliseconds(config.delivery_poll_ms);
  out->drain_timeout = std::chrono::seconds(config.delivery_drain_seconds);
  out->http.connect_timeout = std::chrono::milliseconds(config.delivery_connect_timeout_ms);
  out->http.total_timeout = std::chrono::milliseconds(config.delivery_timeout_ms);
  out->http.max_connections_per_target = config.delivery_connections_per_target;
  out->http.ca_file = config.delivery_ca_file;
  // A claim outlives any attempt by a wide margin, so only a dead process loses its claims.
  out->lease_ms = config.delivery_connect_timeout_ms + config.delivery_timeout_ms + 30'000;
  if (!notify::ParseDurationList(config.delivery_retry_schedule, &out->retry.delays_ms)) {
    return errors::InvalidParameter("--delivery-retry-schedule must be a comma-separated list such as 1s,5s,30s,2m,1h");
  }
  if (!notify::ParseDuration(config.delivery_retry_horizon, &out->retry.horizon_ms)) {
    return errors::InvalidParameter("--delivery-retry-horizon must be a duration such as 24h");
  }
  out->smn.endpoint = config.smn_endpoint;
  out->smn.access_key = config.smn_access_key;
  out->smn.secret_key = config.smn_secret_key;
  if (const char* sk = std::getenv("CSMS_SMN_SECRET_KEY"); sk && *sk && out->smn.secret_key.empty()) {
    out->smn.secret_key = sk;
  }
  out->smn.project_id = config.smn_project_id;
  if (!out->smn.endpoint.empty() && (out->smn.access_key.empty() || out->smn.secret_key.empty())) {
    return errors::InvalidParameter("--smn-endpoint needs --smn-access-key and --smn-secret-key (or CSMS_SMN_SECRET_KEY)");
  }
  if (!out->smn.endpoint.empty()) {
    net::Url url;
    if (!net::ParseUrl(out->smn.endpoint, &url)) return errors::InvalidParameter("--smn-endpoint must be an http(s) URL");
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
  // Connections, the database, delivery and files all need descriptors: take all we may.
  int64_t open_files = http::RaiseOpenFileLimit();
  http::ServerOptions server_options = config.server;
  if (server_options.max_connections <= 0) server_options.max_connections = http::DefaultMaxConnections(open_files);
  if (server_options.max_connections >= open_files) {
    log::Warn("--max-connections " + std::to_string(server_options.max_connections) +
              " is not below the descriptor limit " + std::to_string(open_files) +
              ": the database and delivery may run out of descriptors");
  }

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
  crypto::Keyring keyring;
  s = LoadMasterKey(config, &keyring);
  if (!s.ok()) {
    log::Error("cannot load the master key: " + s.ToString());
    return 1;
  }
  AccessKeyService access_keys(store.get(), &keyring, &clock);
  if (config.dev) {
    s = access_keys.EnsureFixture(kDevDomainId, kDevUserName, kDevAccessKey, kDevSecretKey);
    if (!s.ok()) {
      log::Error("cannot create the --dev access key: " + s.ToString());
      return 1;
    }
  }
  SignatureAuthenticator signatures(store.get(), &keyring, &clock);
  TokenService tokens(store.get(), &clock);
  WebhookSecrets webhook_secrets(store.get(), &keyring, &clock);
  EventService events(store.get(), &clock, EventServiceOptions{config.event_quota, &webhook_secrets});
  notify::DispatcherOptions dispatch_options;
  s = DispatcherOptionsFrom(config, &dispatch_options);
  if (!s.ok()) {
    log::Error(s.message());
    return 1;
  }
  SystemClock wire_clock;  // webhook-timestamp and X-Sdk-Date: receivers compare them with real time
  notify::DeliveryMetrics delivery_metrics;
  notify::Dispatcher dispatcher(store.get(), &clock, &wire_clock, &webhook_secrets, &delivery_metrics,
                                dispatch_options);
  s = dispatcher.Init();
  if (!s.ok()) {
    log::Error("cannot set up notification delivery: " + s.message());
    return 1;
  }
  DeliveryService delivery(store.get(), &clock, &webhook_secrets, DeliveryServiceOptions{config.record_retention_days});
  delivery.set_test_sender(
      [&dispatcher](const Event& event, TestNotificationResult* out) { return dispatcher.SendTest(event, out); });
  if (config.delivery) delivery.set_wake([&dispatcher] { dispatcher.Wake(); });
  RecordService records(store.get(), &clock, RecordServiceOptions{config.record_retention_days});

  crypto::KeyStore keys;
  s = LoadKeys(config, keyring, &keys);
  if (!s.ok()) {
    log::Error("cannot load the master keys: " + s.ToString());
    return 1;
  }
  SecretServiceOptions secret_options;
  secret_options.secret_quota = config.secret_quota;
  if (!ParseLeadTimes(config.near_expiry_lead_times, &secret_options.near_expiry_leads_ms)) {
    log::Error("--near-expiry-lead-times must be a comma-separated list such as 30d,7d,1d");
    return 1;
  }
  net::HttpCallOptions call_options;
  call_options.timeout = std::chrono::milliseconds(config.rotation_timeout_ms);
  call_options.ca_file = config.rotation_ca_file;
  secret_options.rotation_lease_ms = config.rotation_timeout_ms + 30'000;
  secret_options.call_rotation_function = [call_options](const std::string& url, const std::string& request,
                                                         std::string* response) -> Status {
    net::HttpCallResult result;
    CSMS_RETURN_IF_ERROR(net::PostJson(url, request, call_options, &result));
    if (result.status < 200 || result.status > 299) {
      return Status(Status::Kind::kFailedPrecondition, "CSMS.0806",
                    "rotation function answered HTTP " + std::to_string(result.status));
    }
    *response = std::move(result.body);
    return Status::OK();
  };
  if (config.delivery) secret_options.on_notifications = [&dispatcher] { dispatcher.Wake(); };
  Scheduler* scheduler_ptr = nullptr;
  secret_options.on_rotation_task = [&scheduler_ptr] {
    if (scheduler_ptr) scheduler_ptr->WakeRotations();
  };
  SecretService secrets(store.get(), &clock, &keys, secret_options);
  s = secrets.VerifyMasterKeys();
  if (!s.ok()) {
    log::Error("refusing to start: " + s.message() +
               " (a lost or different master key file; restore the original key)");
    return 1;
  }
  SchedulerOptions scheduler_options;
  scheduler_options.interval = std::chrono::milliseconds(std::max(config.scheduler_interval_ms, 1));
  scheduler_options.batch = config.scheduler_batch;
  scheduler_options.record_retention_days = config.record_retention_days;
  Scheduler scheduler(store.get(), &clock, &secrets, scheduler_options);
  scheduler_ptr = &scheduler;
  if (config.scheduler_interval_ms > 0) scheduler.Start();
  if (config.delivery) {
    s = dispatcher.Start();
    if (!s.ok()) {
      log::Error("cannot start notification delivery: " + s.ToString());
      return 1;
    }
  }

  http::Services services;
  services.tokens = &tokens;
  services.signatures = &signatures;
  services.events = &events;
  services.records = &records;
  services.identity = &identity;
  services.secrets = &secrets;
  services.scheduler = &scheduler;
  services.delivery = &delivery;
  services.clock = &clock;
  services.dev_clock = config.dev ? &clock : nullptr;
  http::Api api(services, config.api);

  log::EnableAccessLog(config.access_log);
  std::unique_ptr<http::HttpServer> server;
  s = http::HttpServer::StartAsync(
      server_options, [&api](std::shared_ptr<http::Exchange> exchange) { api.Handle(std::move(exchange)); }, &server);
  if (!s.ok()) {
    log::Error(s.message());
    return 1;
  }
  log::Info("csmsd listening on " + config.server.host + ":" + std::to_string(server->port()) +
            (config.server.tls_cert_file.empty() ? " (http)" : " (https)") + (config.dev ? " in --dev mode" : "") +
            ", at most " + std::to_string(server->max_connections()) + " connections (descriptor limit " +
            std::to_string(open_files) + ")");
  if (!config.port_file.empty()) {
    std::string tmp = config.port_file + ".tmp";
    std::ofstream(tmp) << server->port() << "\n";
    std::rename(tmp.c_str(), config.port_file.c_str());  // atomic: readers never see a partial file
  }

  int sig = 0;
  sigwait(&signals, &sig);
  log::Info(std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ", draining");
  dispatcher.BeginStop();  // no new claims; in-flight deliveries finish while the server drains
  server->Shutdown(std::chrono::seconds(config.shutdown_grace_seconds));
  scheduler.Stop();
  dispatcher.Stop();
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
      case AdminCommand::kCreateAccessKey:
      case AdminCommand::kListAccessKeys:
      case AdminCommand::kRevokeAccessKey:
      case AdminCommand::kCreateTemporaryCredentials: {
        crypto::Keyring keyring;
        s = LoadMasterKey(c, &keyring);
        if (!s.ok()) break;
        SystemClock clock;
        AccessKeyService keys(store.get(), &keyring, &clock);
        s = RunAccessKeyAdmin(keys, cmd);
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
