#include "app/server_app.h"

#include "app/audit_setup.h"
#include "app/crypto_warmup.h"
#include "app/data_dir_lock.h"
#include "app/master_keys.h"
#include "app/observability.h"
#include "app/storage_setup.h"

#include <openssl/crypto.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <memory>
#include <thread>

#include "auth/signature_authenticator.h"
#include "auth/token_service.h"
#include "common/clock.h"
#include "common/destination_policy.h"
#include "common/doorbell.h"
#include "common/duration.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/startup_timeline.h"
#include "crypto/key_store.h"
#include "http/api.h"
#include "http/body_limits.h"
#include "net/http_call.h"
#include "notify/dispatcher.h"
#include "rotation/http_rotation_function.h"
#include "rotation/sql_database_accounts.h"
#include "scheduler/lifecycle_jobs.h"
#include "scheduler/master_key_worker.h"
#include "scheduler/scheduler.h"
#include "service/access_key_service.h"
#include "service/agency_service.h"
#include "service/backlog.h"
#include "service/db_instance_service.h"
#include "service/db_rotation.h"
#include "service/delivery_service.h"
#include "service/event_service.h"
#include "service/grant_service.h"
#include "service/identity_service.h"
#include "service/readiness.h"
#include "service/record_service.h"
#include "service/rotation_service.h"
#include "service/secret_backup.h"
#include "service/secret_checker_service.h"
#include "service/secret_import.h"
#include "service/secret_read_cache.h"
#include "service/secret_service.h"
#include "service/secret_vault.h"
#include "service/secret_write_tap.h"
#include "service/strength_checker.h"
#include "service/tag_service.h"
#include "service/user_service.h"
#include "service/webhook_secrets.h"
#include "service/writer_control.h"
#include "store/store.h"

namespace csms {
namespace {

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
  out->lease_ms = config.delivery_connect_timeout_ms + config.delivery_timeout_ms + config.delivery_lease_margin_ms;
  std::optional<std::vector<int64_t>> delays = ParsePositiveDurationList(config.delivery_retry_schedule);
  if (!delays || delays->empty()) {
    return errors::InvalidParameter("--delivery-retry-schedule must be a comma-separated list such as 1s,5s,30s,2m,1h");
  }
  out->retry.delays_ms = std::move(*delays);
  std::optional<int64_t> horizon = ParseDurationMillis(config.delivery_retry_horizon);
  if (!horizon || *horizon <= 0) {
    return errors::InvalidParameter("--delivery-retry-horizon must be a duration such as 24h");
  }
  out->retry.horizon_ms = *horizon;
  out->smn.endpoint = config.smn_endpoint;
  out->smn.access_key = config.smn_access_key;
  out->smn.secret_key = config.smn_secret_key;
  if (const char* sk = std::getenv("CSMS_SMN_SECRET_KEY"); sk && *sk && out->smn.secret_key.empty()) {
    out->smn.secret_key = sk;
  }
  out->smn.project_id = config.smn_project_id;
  if (!out->smn.endpoint.empty() && (out->smn.access_key.empty() || out->smn.secret_key.empty())) {
    return errors::InvalidParameter(
        "--smn-endpoint needs --smn-access-key and --smn-secret-key (or CSMS_SMN_SECRET_KEY)");
  }
  if (!out->smn.endpoint.empty()) {
    net::Url url;
    if (!net::ParseUrl(out->smn.endpoint, &url))
      return errors::InvalidParameter("--smn-endpoint must be an http(s) URL");
  }
  return Status::OK();
}

// Logs a failed start-up step; true when `s` is ok.
bool Check(const Status& s, const std::string& what) {
  if (!s.ok()) log::Error(what + s.ToString());
  return s.ok();
}

// How long a version read from the store may be answered from memory (decision 138). By default
// on SQLite, where the writes that matter are this process's own, and never on PostgreSQL, whose
// replicas each write: a version put through one is read through any other at once.
int64_t SecretReadMemoryMillis(const AppConfig& config) {
  if (config.secret_read_cache_ms >= 0) return config.secret_read_cache_ms;
  return config.database.empty() ? 250 : 0;
}

// Every part of a running server, in the order it is built. Members are destroyed in reverse
// order, so no part outlives the parts it uses.
struct Server {
  DataDirLock data_dir_lock;  // held (shared) while the server runs: restore refuses a live data dir
  OffsetClock clock;
  SystemClock wire_clock;  // webhook-timestamp and X-Sdk-Date: receivers compare them with real time
  // Versions just read, for reads answered on an I/O thread (service/secret_read_cache.h); the
  // store below reports to it every secret a committed write touched.
  std::unique_ptr<SecretReadCache> secret_reads;
  std::unique_ptr<Store> store;
  std::unique_ptr<WriterControl> writer;               // the store writer's statistics and --dev hold
  crypto::Keyring keyring;                             // csms/default
  crypto::KeyStore keys;                               // every master key a secret can name
  std::unique_ptr<MasterKeyService> master_keys;       // versions of csms/default (none in --dev)
  std::unique_ptr<MasterKeyWorker> master_key_worker;  // re-reads them, re-wraps after a rotation
  // Identity and authentication.
  std::unique_ptr<IdentityService> identity;
  // A first start derives and stores its admin's password hash on this thread while the server
  // starts and listens (app/first_start.h); password logins wait for it. Destroyed (the thread
  // joined) before the identity service and the store it uses.
  std::shared_future<void> initial_password;
  std::unique_ptr<AccessKeyService> access_keys;
  std::unique_ptr<SignatureAuthenticator> signatures;
  std::unique_ptr<TokenService> tokens;
  std::unique_ptr<AttemptLimiter> limiter;  // brute-force limits
  std::unique_ptr<audit::Log> audit;        // null: no audit log
  // Events, notification delivery and records.
  std::unique_ptr<WebhookSecrets> webhook_secrets;
  std::shared_ptr<const DestinationPolicy> destinations;  // --webhook-allow: webhooks, rotation functions
  std::unique_ptr<EventService> events;
  notify::DeliveryMetrics delivery_metrics;
  std::unique_ptr<notify::Dispatcher> dispatcher;
  std::unique_ptr<StoreWatch> outbox_watch;  // other replicas' triggers wake the dispatcher (PostgreSQL)
  std::unique_ptr<DeliveryService> delivery;
  std::unique_ptr<RecordService> records;
  // Secrets, rotation and the work of time.
  std::unique_ptr<SecretVault> vault;
  std::unique_ptr<rotation::HttpRotationFunction> rotation_function;
  Doorbell rotation_bell;  // RotationService rings it, the scheduler's rotation worker waits on it
  ZxcvbnStrengthChecker strength_checker;
  std::unique_ptr<SecretCheckerService> secret_checker;  // CheckSecrets, the strength flag
  std::unique_ptr<SecretService> secrets;
  std::unique_ptr<SecretImporter> importer;  // BatchImportSecrets, through `secrets`
  std::unique_ptr<TagService> tags;
  std::unique_ptr<SecretBackup> backups;
  std::unique_ptr<rotation::SqlDatabaseAccounts> database_accounts;  // database rotation (issue 12)
  std::unique_ptr<DbRotation> db_rotation;
  std::unique_ptr<DbInstanceService> db_instances;
  std::unique_ptr<RotationService> rotations;
  std::unique_ptr<AgencyService> agencies;
  std::unique_ptr<LifecycleJobs> lifecycle;
  std::unique_ptr<Scheduler> scheduler;
  // The API.
  std::unique_ptr<GrantService> grants;  // grants API and the grant check (http/grant_check.h)
  std::unique_ptr<UserService> users;
  // Observability (app/observability.h): what /metrics and /readyz read (before the Api, whose
  // pools run the scrapes), and the --metrics-listen listener (after the main one).
  metrics::Registry metrics;
  std::unique_ptr<ReadinessService> readiness;
  std::unique_ptr<Backlog> backlog;
  std::unique_ptr<http::Api> api;
  std::unique_ptr<http::HttpServer> http;
  std::unique_ptr<http::HttpServer> metrics_http;  // --metrics-listen

  // Wakes the dispatcher after a commit that wrote notifications (nothing with --no-delivery).
  std::function<void()> NotificationsWritten(const AppConfig& config) {
    if (!config.delivery) return {};
    return [this] { dispatcher->Wake(); };
  }
};

// A first start's admin password hash, derived and stored (app/first_start.h). A failed store is
// tried again a few times while logins wait; the plaintext is wiped once done.
void StoreInitialPassword(const AppConfig& config, IdentityService* identity, PendingPassword pending) {
  if (const std::string& file = config.test_initial_password_pause_file; !file.empty()) {
    std::ofstream(file + ".reached") << "1";
    while (::access(file.c_str(), F_OK) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Status s;
  try {
    for (int attempt = 0; attempt < 5; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
      s = identity->StoreInitialPassword(pending.user_id, pending.password);
      if (s.ok()) break;
    }
  } catch (const std::exception& e) {
    s = errors::Internal(e.what());
  }
  OPENSSL_cleanse(pending.password.data(), pending.password.size());
  if (!s.ok()) log::Error("cannot store the admin's initial password (a restart tries again): " + s.ToString());
}

// On a thread of its own while the server starts and listens; password logins wait for it
// (TokenService::WaitBeforeLogins). The future is ready however the thread ends, an exception
// included, so no login waits forever.
void StoreInitialPasswordLater(const AppConfig& config, PendingPassword pending, Server& x) {
  x.initial_password =
      std::async(std::launch::async, StoreInitialPassword, std::cref(config), x.identity.get(), std::move(pending))
          .share();
}

// The database, the accounts of a first start (or the --dev fixtures) and the master keys.
bool BuildStorage(const AppConfig& config, Server& x) {
  if (!config.dev && !Check(LockDataDir(config.data_dir, &x.data_dir_lock), "cannot use the data dir: ")) return false;
  startup::Phase("data-dir");
  x.secret_reads = std::make_unique<SecretReadCache>(SecretReadMemoryMillis(config));
  if (!Check(OpenStore(config, &x.store), "cannot open the database: ")) return false;
  x.store = TapSecretWrites(std::move(x.store), x.secret_reads.get());
  startup::Phase("open-store");
  x.writer = std::make_unique<WriterControl>(x.store.get());
  x.identity = std::make_unique<IdentityService>(x.store.get());
  PendingPassword pending;
  if (!Check(Bootstrap(config, *x.identity, /*wait_for_others=*/true, &pending), "bootstrap failed: ")) return false;
  if (!pending.user_id.empty()) StoreInitialPasswordLater(config, std::move(pending), x);
  startup::Phase("bootstrap");
  if (!Check(OpenMasterKeys(config, x.store.get(), &x.clock, &x.keyring, &x.master_keys),
             "refusing to start: cannot load the master key: ")) {
    return false;
  }
  bool loaded = Check(LoadKeys(config, x.keyring, &x.keys), "cannot load the master keys: ");
  startup::Phase("master-keys");
  return loaded;
}

bool BuildAuth(const AppConfig& config, Server& x) {
  x.access_keys = std::make_unique<AccessKeyService>(x.store.get(), &x.keyring, &x.clock);
  if (config.dev && !Check(x.access_keys->EnsureFixture(kDevDomainId, kDevUserName, kDevAccessKey, kDevSecretKey),
                           "cannot create the --dev access key: ")) {
    return false;
  }
  x.signatures = std::make_unique<SignatureAuthenticator>(x.store.get(), &x.keyring, &x.clock);
  x.tokens = std::make_unique<TokenService>(x.store.get(), &x.clock, config.token_revocation_check_ms);
  if (x.initial_password.valid()) x.tokens->WaitBeforeLogins(x.initial_password);
  x.limiter = std::make_unique<AttemptLimiter>(config.auth_limits, &x.clock);
  return Check(OpenAuditLog(config, &x.audit), "cannot open the audit log: ");
}

// --webhook-allow, or its default: external only (--dev: anything, for local receivers).
bool BuildDestinationPolicy(const AppConfig& config, Server& x) {
  DestinationPolicy policy = config.dev ? DestinationPolicy::AllowAll() : DestinationPolicy();
  if (!config.webhook_allow.empty() && !Check(DestinationPolicy::Parse(config.webhook_allow, &policy), "")) {
    return false;
  }
  log::Info("webhooks and rotation functions may reach: " + policy.text() + " (--webhook-allow)");
  x.destinations = std::make_shared<const DestinationPolicy>(std::move(policy));
  return true;
}

bool BuildEventsAndDelivery(const AppConfig& config, Server& x) {
  if (!BuildDestinationPolicy(config, x)) return false;
  x.webhook_secrets = std::make_unique<WebhookSecrets>(x.store.get(), &x.keyring, &x.clock);
  EventServiceOptions event_options{config.event_quota, x.webhook_secrets.get()};
  event_options.destinations = x.destinations.get();
  x.events = std::make_unique<EventService>(x.store.get(), &x.clock, event_options);
  notify::DispatcherOptions dispatch_options;
  if (!Check(DispatcherOptionsFrom(config, &dispatch_options), "")) return false;
  dispatch_options.http.destinations = x.destinations;
  // On a shared database the other replicas' leases are alive: only an expired lease is taken over.
  if (!config.database.empty()) dispatch_options.release_leases_at_start = false;
  x.dispatcher = std::make_unique<notify::Dispatcher>(x.store.get(), &x.clock, &x.wire_clock, x.webhook_secrets.get(),
                                                      &x.delivery_metrics, dispatch_options);
  if (!Check(x.dispatcher->Init(), "cannot set up notification delivery: ")) return false;
  DeliveryServiceOptions delivery_options{config.record_retention_days};
  // One project's test notifications take at most half the network pool (2 of the default 4).
  delivery_options.tests_per_project = std::max(1, std::min(2, config.api.worker_threads / 2));
  delivery_options.tests_in_flight = config.max_tests_in_flight;
  x.delivery = std::make_unique<DeliveryService>(x.store.get(), &x.clock, x.webhook_secrets.get(), delivery_options);
  notify::Dispatcher* dispatcher = x.dispatcher.get();
  x.delivery->set_test_sender([dispatcher](const Event& event, std::function<void(TestNotificationResult)> done) {
    dispatcher->SendTestAsync(event, std::move(done));
  });
  if (config.delivery) x.delivery->set_wake([dispatcher] { dispatcher->Wake(); });
  x.records =
      std::make_unique<RecordService>(x.store.get(), &x.clock, RecordServiceOptions{config.record_retention_days});
  return true;
}

// The --test-rotation-pause-file hook: between a database password change and the stage move, the
// rotation worker creates FILE.reached and waits while FILE exists (a test kills csmsd there).
DbRotationOptions DbRotationHooks(const AppConfig& config) {
  DbRotationOptions options;
  if (config.test_rotation_pause_file.empty()) return options;
  options.after_password_change = [file = config.test_rotation_pause_file](const RotationTask&) {
    std::ofstream(file + ".reached") << "1";
    while (::access(file.c_str(), F_OK) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };
  return options;
}

bool BuildSecretsAndScheduler(const AppConfig& config, Server& x) {
  std::optional<std::vector<int64_t>> leads = ParsePositiveDurationList(config.near_expiry_lead_times);
  if (!leads) {
    log::Error("--near-expiry-lead-times must be a comma-separated list such as 30d,7d,1d");
    return false;
  }
  x.vault = std::make_unique<SecretVault>(&x.keys, std::move(*leads));
  net::HttpCallOptions call_options;
  call_options.timeout = std::chrono::milliseconds(config.rotation_timeout_ms);
  call_options.ca_file = config.rotation_ca_file;
  call_options.destinations = x.destinations;  // the webhooks' guard (--webhook-allow)
  x.rotation_function = std::make_unique<rotation::HttpRotationFunction>(call_options);

  x.secret_checker = std::make_unique<SecretCheckerService>(x.store.get(), &x.clock, &x.strength_checker);
  x.secrets = std::make_unique<SecretService>(x.store.get(), &x.clock, x.vault.get(),
                                              SecretServiceOptions{config.secret_quota, x.NotificationsWritten(config),
                                                                   x.secret_checker.get(), x.secret_reads.get()});
  x.importer = std::make_unique<SecretImporter>(x.secrets.get());
  if (!Check(x.secrets->VerifyMasterKeys(),
             "refusing to start (a lost or different master key file; restore the "
             "original key): ")) {
    return false;
  }
  x.tags = std::make_unique<TagService>(x.store.get());
  x.backups = std::make_unique<SecretBackup>(x.store.get(), x.vault.get(), SecretBackupOptions{config.secret_quota});
  x.database_accounts = std::make_unique<rotation::SqlDatabaseAccounts>();
  x.db_rotation = std::make_unique<DbRotation>(x.store.get(), &x.clock, x.vault.get(), x.database_accounts.get(),
                                               DbRotationHooks(config));
  x.db_instances = std::make_unique<DbInstanceService>(x.store.get(), &x.clock);
  RotationServiceOptions rotation_options;
  rotation_options.database = x.db_rotation.get();
  // A database rotation makes up to three connections (timeouts 5 s + 10 s each): 60 s at least.
  rotation_options.rotation_lease_ms = std::max(config.rotation_timeout_ms, 60'000) + 30'000;
  rotation_options.on_notifications = x.NotificationsWritten(config);
  rotation_options.on_task_queued = [bell = &x.rotation_bell] { bell->Ring(); };
  x.rotations = std::make_unique<RotationService>(x.store.get(), &x.clock, x.vault.get(), x.rotation_function.get(),
                                                  rotation_options);
  x.agencies = std::make_unique<AgencyService>(x.store.get(), &x.clock);
  x.lifecycle =
      std::make_unique<LifecycleJobs>(x.store.get(), x.vault.get(), x.rotations.get(), x.NotificationsWritten(config));
  SchedulerOptions scheduler_options;
  scheduler_options.interval = std::chrono::milliseconds(std::max(config.scheduler_interval_ms, 1));
  scheduler_options.batch = config.scheduler_batch;
  scheduler_options.record_retention_days = config.record_retention_days;
  x.scheduler = std::make_unique<Scheduler>(x.store.get(), &x.clock, x.lifecycle.get(), x.rotations.get(),
                                            &x.rotation_bell, scheduler_options);
  return true;
}

bool BuildApi(const AppConfig& config, Server& x) {
  x.grants = std::make_unique<GrantService>(x.store.get(), &x.clock);
  x.users = std::make_unique<UserService>(x.store.get());
  http::Services services;
  services.tokens = x.tokens.get();
  services.signatures = x.signatures.get();
  services.events = x.events.get();
  services.records = x.records.get();
  services.identity = x.identity.get();
  services.secrets = x.secrets.get();
  services.rotations = x.rotations.get();
  services.scheduler = x.scheduler.get();
  services.delivery = x.delivery.get();
  services.importer = x.importer.get();
  services.checker = x.secret_checker.get();
  services.agencies = x.agencies.get();
  services.tags = x.tags.get();
  services.backups = x.backups.get();
  services.grants = x.grants.get();
  services.users = x.users.get();
  services.db_instances = config.dev ? x.db_instances.get() : nullptr;
  services.clock = &x.clock;
  services.dev_clock = config.dev ? &x.clock : nullptr;
  if (config.dev) {
    services.console_dev_login = std::string(R"({"dev":true,"domain":")") + kDevDomainName + R"(","user":")" +
                                 kDevUserName + R"(","password":")" + kDevPassword + R"(","project":")" +
                                 kDevProjectName + R"("})";
  }
  services.writer = x.writer.get();
  services.audit = x.audit.get();
  services.limiter = x.limiter.get();
  x.readiness = std::make_unique<ReadinessService>(x.store.get(), &x.keyring);
  x.backlog = std::make_unique<Backlog>(x.store.get(), &x.clock);
  services.metrics = &x.metrics;
  services.readiness = x.readiness.get();
  http::ApiOptions api_options = config.api;
  api_options.require_client_cert = !config.server.tls_client_ca_file.empty();  // --client-ca
  // Hot writes' own work yields the CPU like the SQLite writer does (decision 139); PostgreSQL has
  // no writer thread, and --writer-nice does nothing there.
  if (config.database.empty()) api_options.write_prepare_nice = config.writer_nice;
  x.api = std::make_unique<http::Api>(services, api_options);
  MetricSources sources;
  sources.api = x.api.get();
  sources.delivery = &x.delivery_metrics;
  sources.tests = x.delivery.get();
  sources.store = x.store.get();
  sources.tokens = x.tokens.get();
  sources.signatures = x.signatures.get();
  sources.backlog = x.backlog.get();
  sources.http = &x.http;
  AddServerCollectors(x.metrics, sources);
  return true;
}

// The HTTP server's options: connections, the database, delivery and files all need descriptors,
// so the process takes all it may and keeps a reserve below the connection cap.
http::ServerOptions HttpOptions(const AppConfig& config, int64_t* open_files) {
  *open_files = http::RaiseOpenFileLimit();
  http::ServerOptions options = config.server;
  if (options.max_connections <= 0) options.max_connections = http::DefaultMaxConnections(*open_files);
  if (options.max_connections >= *open_files) {
    log::Warn("--max-connections " + std::to_string(options.max_connections) + " is not below the descriptor limit " +
              std::to_string(*open_files) + ": the database and delivery may run out of descriptors");
  }
  return options;
}

// The background threads: the scheduler, the master-key worker and notification delivery. They
// start once the server listens: no request depends on them having started (a request's
// notifications wait in the outbox, a rotation task rings a bell the scheduler finds when it starts).
bool StartBackground(const AppConfig& config, Server& x) {
  if (config.scheduler_interval_ms > 0) x.scheduler->Start();
  if (x.master_keys) {
    x.master_key_worker = std::make_unique<MasterKeyWorker>(
        x.master_keys.get(),
        MasterKeyWorkerOptions{std::chrono::milliseconds(config.master_key_check_ms), config.master_key_rewrap_batch,
                               std::chrono::milliseconds(config.master_key_rewrap_pause_ms)});
    x.master_key_worker->Start();
  }
  if (config.delivery && !Check(x.dispatcher->Start(), "cannot start notification delivery: ")) return false;
  if (config.delivery) {
    notify::Dispatcher* dispatcher = x.dispatcher.get();
    x.outbox_watch =
        x.store->WatchOutbox([dispatcher] { dispatcher->Wake(); }, std::chrono::milliseconds(config.delivery_poll_ms));
  }
  startup::Phase("background-threads");
  return true;
}

// Starts the HTTP server, then the background threads; announces the port.
bool Start(const AppConfig& config, Server& x) {
  log::EnableAccessLog(config.access_log);
  int64_t open_files = 0;
  http::ServerOptions options = HttpOptions(config, &open_files);
  // Per-route body limits, decided before a body is read (http/body_limits.h).
  auto body_limits = std::make_shared<const http::BodyLimits>(config.server.body_limit);
  // On SQLite, whose one writer a burst of writes saturates, write connections are read and framed
  // at the writer's priority too (decision 141); PostgreSQL's replicas each write, and their
  // reads and writes share the same I/O threads.
  if (config.database.empty() && config.writer_nice > 0) {
    const int io_threads =
        options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
    options.write_io_threads = std::max(1, io_threads / 2);
    options.write_io_nice = config.writer_nice;
  }
  options.body_limit_for = [body_limits](const http::RequestHead& head) {
    return body_limits->For(head.method, head.target, head.credentials);
  };
  http::Api* api = x.api.get();
  Status s = http::HttpServer::StartAsync(
      options, [api](std::shared_ptr<http::Exchange> exchange) { api->Handle(std::move(exchange)); }, &x.http);
  if (!s.ok()) {
    log::Error(s.message());
    return false;
  }
  startup::Phase("listen");
  const int64_t listening_us = startup::MicrosSinceExec();
  const int64_t listening_cpu_us = startup::ProcessCpuMicros();
  if (!StartBackground(config, x)) return false;
  char after[64];
  std::snprintf(after, sizeof(after), "%.1f ms (%.1f ms of CPU)", static_cast<double>(listening_us) / 1000,
                static_cast<double>(listening_cpu_us) / 1000);
  log::Info("csmsd listening on " + config.server.host + ":" + std::to_string(x.http->port()) +
            (config.server.tls_cert_file.empty() ? " (http)" : " (https)") + (config.dev ? " in --dev mode" : "") +
            ", at most " + std::to_string(x.http->max_connections()) + " connections (descriptor limit " +
            std::to_string(open_files) + "), after " + after);
  startup::LogPhases();
  if (!config.metrics_listen.empty()) {
    http::ServerOptions metrics_options = config.metrics_server;
    metrics_options.body_limit_for = [](const http::RequestHead&) { return size_t{0}; };  // GETs only
    s = http::HttpServer::StartAsync(
        metrics_options,
        [api](std::shared_ptr<http::Exchange> exchange) { api->HandleObservability(std::move(exchange)); },
        &x.metrics_http);
    if (!s.ok()) {
      log::Error("--metrics-listen: " + s.message());
      return false;
    }
    log::Info("metrics listening on " + config.metrics_server.host + ":" + std::to_string(x.metrics_http->port()));
  }
  if (!config.port_file.empty()) {
    std::string tmp = config.port_file + ".tmp";
    std::ofstream(tmp) << x.http->port() << "\n";
    std::rename(tmp.c_str(), config.port_file.c_str());  // atomic: readers never see a partial file
  }
  return true;
}

// SIGHUP: new TLS handshakes use the certificate and key (and client CA) the files hold now;
// established connections keep theirs. A bad new file keeps the old ones and says why.
void ReloadTls(const AppConfig& config, Server& x) {
  if (config.server.tls_cert_file.empty()) {
    log::Info("received SIGHUP: no TLS certificate to reload");
    return;
  }
  Status s = x.http->ReloadTls();
  if (s.ok()) {
    log::Info("received SIGHUP: TLS certificate and key reloaded from " + config.server.tls_cert_file);
  } else {
    log::Error("received SIGHUP: TLS reload failed, keeping the previous certificate: " + s.ToString());
  }
}

// In-flight deliveries and requests finish within their grace periods, then the threads stop.
void Stop(const AppConfig& config, Server& x) {
  x.store->HoldWrites(false);  // a writer held by the --dev hook would keep in-flight writes waiting
  x.dispatcher->BeginStop();   // no new claims; in-flight deliveries finish while the server drains
  if (x.metrics_http) x.metrics_http->Shutdown(std::chrono::seconds(1));
  x.http->Shutdown(std::chrono::seconds(config.shutdown_grace_seconds));
  x.store->HoldWrites(false);  // again: a --dev hold request may have come in during the drain
  x.scheduler->Stop();
  if (x.master_key_worker) x.master_key_worker->Stop();
  x.outbox_watch.reset();
  x.dispatcher->Stop();
  log::FlushAccessLog();
}

}  // namespace

int RunServer(const AppConfig& config) {
  // Block the shutdown signals before any thread starts, so only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);  // reloads the TLS certificate and key
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  if (Status s = ConfigureLogging(config); !s.ok()) {
    log::Error(s.message());
    return 2;
  }
  CryptoWarmUp crypto_warm_up;  // beside the database's opening (app/crypto_warmup.h)
  Server server;
  bool built = BuildStorage(config, server) && BuildAuth(config, server) && (startup::Phase("auth"), true) &&
               BuildEventsAndDelivery(config, server) && (startup::Phase("events-delivery"), true) &&
               BuildSecretsAndScheduler(config, server) && (startup::Phase("secrets-scheduler"), true) &&
               BuildApi(config, server) && (startup::Phase("api"), true);
  crypto_warm_up.Join();
  startup::Phase("crypto-warm-up-joined");
  if (!built || !Start(config, server)) return 1;

  int sig = 0;
  while (sigwait(&signals, &sig) == 0 && sig == SIGHUP) ReloadTls(config, server);
  log::Info(std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ", draining");
  Stop(config, server);
  log::Info("csmsd stopped");
  return 0;
}

}  // namespace csms
