#include "http/api.h"

#include <algorithm>
#include <exception>
#include <future>
#include <thread>
#include <utility>

#include "audit/audit_log.h"
#include "auth/roles.h"
#include "auth/signature_authenticator.h"
#include "auth/token_service.h"
#include "common/errors.h"
#include "common/log.h"
#include "http/attempt_guard.h"
#include "http/audit_trail.h"
#include "http/error_body.h"
#include "http/grant_check.h"
#include "http/handlers/handlers.h"
#include "http/path_checks.h"
#include "http/request_metrics.h"
#include "http/worker_pool.h"
#include "json/writer.h"
#include "service/writer_control.h"

namespace csms::http {

void WriteError(const Status& status, HttpResponse& res) {
  res.status = status.http_status();
  res.body = ErrorBody(status);
  // Every 503 (a saturated pool, a full write queue, shutting down) says when to try again.
  if (res.status == 503) res.headers.emplace_back("Retry-After", "1");
}

int ApiOptions::ReaderThreads() const {
  if (reader_threads > 0) return reader_threads;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

int ApiOptions::StoreThreads() const {
  return ReaderThreads() + std::max(writer_threads, 1) + std::max(worker_threads, 1);
}

Pool PoolFor(Execution execution, std::string_view method) {
  switch (execution) {
    case Execution::kIoThread:
      return Pool::kNone;
    case Execution::kWorker:
      return Pool::kNetwork;
    case Execution::kByMethod:
      break;
  }
  return method == "GET" || method == "HEAD" ? Pool::kReader : Pool::kWriter;
}

Api::Api(Services services, ApiOptions options)
    : services_(services),
      require_client_cert_(options.require_client_cert),
      readers_(std::make_unique<WorkerPool>(options.ReaderThreads(), options.reader_queue)),
      writers_(std::make_unique<WorkerPool>(options.writer_threads, options.writer_queue,
                                            WorkerPriority{"csms-write-pool", options.write_prepare_nice})),
      network_(std::make_unique<WorkerPool>(options.worker_threads, options.worker_queue)) {
  if (options.write_prepare_nice > 0) {
    // Write connections are read on lowered I/O threads (decision 141), whose requests reach every
    // pool, and a thread keeps the priority of the thread that started it: the pools that run at
    // the process's priority start in full here. The writer pool runs at the writes' priority,
    // whoever starts its threads.
    readers_->StartAll();
    network_->StartAll();
    // Bounded like the writer pool; when it is full, a hot write is prepared on the I/O thread.
    prepare_ = std::make_unique<WorkerPool>(options.ReaderThreads(), options.writer_queue,
                                            WorkerPriority{"csms-prepare", options.write_prepare_nice});
  }
  handlers::RegisterHealthRoutes(router_);
  handlers::RegisterObservabilityRoutes(router_);
  handlers::RegisterKeystoneRoutes(router_);
  handlers::RegisterEventRoutes(router_);
  handlers::RegisterRecordRoutes(router_);
  handlers::RegisterSecretRoutes(router_);
  handlers::RegisterSecretToolRoutes(router_);
  handlers::RegisterDeliveryRoutes(router_);
  handlers::RegisterAgencyRoutes(router_);
  handlers::RegisterTagRoutes(router_);
  handlers::RegisterSecretBackupRoutes(router_);
  handlers::RegisterGrantRoutes(router_);
  handlers::RegisterUserRoutes(router_);
  handlers::RegisterOpenApiRoutes(router_);
  if (options.console) handlers::RegisterConsoleRoutes(router_);
  if (services_.dev_clock) handlers::RegisterDevRoutes(router_);
  if (services_.dev_clock) handlers::RegisterDevDbInstanceRoutes(router_);
  request_metrics_ = std::make_unique<RequestMetrics>(router_);  // after every route
}

Api::~Api() {
  // First, so that no write is started after the wait below (queued ones are dropped).
  prepare_.reset();
  // The store answers its queued writes before it closes, but through this Api: wait for them
  // (a --dev hold would keep them queued forever: shutting down releases it).
  std::unique_lock<std::mutex> lock(async_mu_);
  if (async_in_flight_ > 0 && services_.writer) {
    lock.unlock();
    services_.writer->Hold(false);
    lock.lock();
  }
  async_idle_.wait(lock, [this] { return async_in_flight_ == 0; });
}

Status Api::Authenticate(const HttpRequest& req, const std::string& path_project, Principal* out,
                         int64_t* retry_after_s) {
  auto authorization = req.header("authorization");
  if (authorization && IsSignatureAuthorization(*authorization)) {
    if (!services_.signatures) return errors::InvalidSignature("AK/SK request signing is not enabled on this server");
    auth::SignedRequestView view{req.method, req.target, req.header, req.body};
    if (!services_.limiter) return services_.signatures->Authenticate(view, *authorization, path_project, out);
    // Limited per access key (as named, known or not) from this address, and per address; a
    // malformed header by address only. Not per access key alone: the key is no secret (every
    // request names it) and its secret key is out of reach of online guessing, so a lock on the key
    // everywhere would only let whoever saw it shut its real clients out.
    std::string subject;
    if (auto parsed = auth::ParseAuthorization(*authorization)) {
      subject = "ak:" + parsed->access_key + "@" + std::string(req.remote_address);
    }
    return LimitedAttempt(services_.limiter, subject, req.remote_address, retry_after_s,
                          [&] { return services_.signatures->Authenticate(view, *authorization, path_project, out); });
  }
  auto token = req.header("x-auth-token");
  if (!token) return errors::InvalidToken("X-Auth-Token is missing");
  return services_.tokens->Validate(*token, out);
}

namespace {

// The answer to a request that matches no route.
Status NoRoute(Router<Route>::Match match, const HttpRequest& req) {
  switch (match) {
    case Router<Route>::Match::kNoMethod:
      return errors::MethodNotAllowed("method " + std::string(req.method) + " is not allowed on " +
                                      std::string(req.path));
    case Router<Route>::Match::kBadPath:
      return errors::InvalidRequest("the request path is not valid percent-encoding or UTF-8");
    case Router<Route>::Match::kFound:
    case Router<Route>::Match::kNoPath:
      break;
  }
  return errors::RouteNotFound("no API at " + std::string(req.path));
}

// Writes the final audit line; when it cannot be written, the answer becomes that error instead.
void FinishAudit(AuditTrail& trail, const HttpRequest& req, const Status& outcome, HttpResponse& res) {
  if (!trail.active()) return;
  Status s = trail.Finish(res.status, outcome);
  if (s.ok()) return;
  log::Error("request " + std::string(req.request_id) + ": " + s.ToString());
  res = HttpResponse{};
  WriteError(s, res);
}

void AddRetryAfter(int64_t retry_after_s, HttpResponse& res) {
  if (retry_after_s > 0) res.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
}

}  // namespace

const Route* Api::Match(const HttpRequest& req, PathParams* params, HttpResponse& res, bool* verify_later) {
  const Route* route = nullptr;
  std::string_view method = req.method == "HEAD" ? std::string_view("GET") : req.method;
  Router<Route>::Match match = router_.Find(method, req.path, &route, params);
  if (match == Router<Route>::Match::kFound) return route;
  // A signed request is verified before the API tells whether the route exists, so a
  // tampered method or path is a 401 like any other tampering.
  auto authorization = req.header("authorization");
  if (authorization && IsSignatureAuthorization(*authorization)) {
    // Verifying reads the access key from the store (and audits): never on an I/O thread.
    if (verify_later) {
      *verify_later = true;
      return nullptr;
    }
    static const Route kNoRoute{nullptr, Access::kAnyUser, ""};
    AuditTrail trail(services_.audit, services_.audit ? services_.clock->NowMillis() : 0, req, kNoRoute, *params);
    Principal principal;
    int64_t retry_after_s = 0;
    Status s = Authenticate(req, std::string(), &principal, &retry_after_s);
    if (s.ok()) trail.Authenticated(principal);
    bool refused = s.kind() == Status::Kind::kUnauthenticated || s.kind() == Status::Kind::kTooManyRequests;
    Status answer = refused ? s : NoRoute(match, req);
    WriteError(answer, res);
    AddRetryAfter(retry_after_s, res);
    FinishAudit(trail, req, answer, res);
    return nullptr;
  }
  WriteError(NoRoute(match, req), res);
  return nullptr;
}

bool Api::CachedPrincipal(const HttpRequest& req, const Route& route, const PathParams& params, Principal* out) {
  if (route.access != Access::kProject || !services_.tokens || route.client_cert) return false;
  auto authorization = req.header("authorization");
  if (authorization && IsSignatureAuthorization(*authorization)) return false;  // verified on the pool
  auto token = req.header("x-auth-token");
  if (!token) return false;
  if (!services_.tokens->ValidateCached(*token, out)) return false;
  return params.Get("project_id") == out->project_id && auth::RoleAllows(out->role, route.action);
}

bool Api::TryCached(const HttpRequest& req, const Route& route, const PathParams& params, HttpResponse& res,
                    Principal* out) {
  QueryParams query;
  if (!query.Parse(req.query).ok()) return false;
  Principal principal;
  if (!CachedPrincipal(req, route, params, &principal)) return false;
  RequestContext ctx{req, params, query, &principal, services_};
  bool served = false;
  if (!route.cached(ctx, res, &served).ok() || !served) {
    res = HttpResponse{};
    return false;
  }
  *out = std::move(principal);
  return true;
}

void Api::Run(const HttpRequest& req, const Route& route, const PathParams& params, HttpResponse& res,
              Principal* principal_out) {
  AuditTrail trail(services_.audit, services_.audit ? services_.clock->NowMillis() : 0, req, route, params);
  int64_t retry_after_s = 0;
  Status s = RunChecked(req, route, params, res, trail, &retry_after_s, principal_out);
  if (!s.ok()) {
    // E.g. an access key's SK that the master key cannot open: the operator must see it.
    if (s.kind() == Status::Kind::kInternal) log::Error("request " + std::string(req.request_id) + ": " + s.ToString());
    WriteError(s, res);
    AddRetryAfter(retry_after_s, res);
  }
  FinishAudit(trail, req, s, res);
}

Status Api::RunChecked(const HttpRequest& req, const Route& route, const PathParams& params, HttpResponse& res,
                       AuditTrail& trail, int64_t* retry_after_s, Principal* principal_out) {
  QueryParams query;
  Principal local;
  Principal& principal = principal_out ? *principal_out : local;
  CSMS_RETURN_IF_ERROR(Admit(req, route, params, trail, retry_after_s, &principal, &query));
  RequestContext ctx{req, params, query, route.access == Access::kPublic ? nullptr : &principal, services_, &trail};
  if (route.handler) return route.handler(ctx, res);
  // A route with only an asynchronous form (Route::async on a kWorker route), run by the
  // synchronous Handle(req, res): the caller waits for its reply.
  auto answer = std::make_shared<std::promise<std::pair<Status, HttpResponse>>>();
  auto future = answer->get_future();
  route.async(ctx, [answer](Status s, HttpResponse r) { answer->set_value({std::move(s), std::move(r)}); });
  auto [s, r] = future.get();
  CSMS_RETURN_IF_ERROR(s);
  res = std::move(r);
  return Status::OK();
}

Status Api::Admit(const HttpRequest& req, const Route& r, const PathParams& params, AuditTrail& trail,
                  int64_t* retry_after_s, Principal* principal_out, QueryParams* query_out) {
  const Route* route = &r;
  if (route->client_cert && require_client_cert_ && !req.client_cert_verified) {
    return errors::ActionDenied(
        "this operator route needs a TLS client certificate signed by the server's client "
        "CA (--client-ca)");
  }
  // Before authentication: neither the authenticator nor a handler sees an ambiguous query.
  CSMS_RETURN_IF_ERROR(query_out->Parse(req.query));
  Principal& principal = *principal_out;
  if (route->access != Access::kPublic) {
    const std::string& path_project = route->access == Access::kProject ? params.Get("project_id") : std::string();
    CSMS_RETURN_IF_ERROR(Authenticate(req, path_project, &principal, retry_after_s));
    trail.Authenticated(principal);
    if (route->access == Access::kProject && path_project != principal.project_id) {
      return errors::ProjectMismatch("the credentials are not valid for project " + path_project);
    }
    // Every authenticated route names its IAM action; one without is refused (fail closed).
    if (!auth::RoleAllows(principal.role, route->action) && !GrantAllows(services_, *route, params, principal)) {
      std::string action = *route->action ? route->action : "(none)";
      return errors::ActionDenied("the role '" + principal.role + "' of user " + principal.user_name +
                                  " does not allow the action " + action);
    }
  }
  // Names in the path follow their documented rules before any handler looks one up (400, not 404).
  CSMS_RETURN_IF_ERROR(CheckPathParams(params));
  // A write's "request" line: a write that cannot be audited does not run.
  return trail.BeforeHandler();
}

void Api::RunAsync(const std::shared_ptr<Exchange>& exchange, const Route& route, const PathParams& params,
                   std::chrono::steady_clock::time_point started) {
  const HttpRequest& req = exchange->request();
  auto trail = std::make_shared<AuditTrail>(services_.audit, services_.audit ? services_.clock->NowMillis() : 0, req,
                                            route, params);
  auto principal = std::make_shared<Principal>();
  int64_t retry_after_s = 0;
  QueryParams query;
  Status s = Admit(req, route, params, *trail, &retry_after_s, principal.get(), &query);
  if (!s.ok()) {  // as Run answers a refusal
    if (s.kind() == Status::Kind::kInternal) log::Error("request " + std::string(req.request_id) + ": " + s.ToString());
    HttpResponse res;
    WriteError(s, res);
    AddRetryAfter(retry_after_s, res);
    FinishAudit(*trail, req, s, res);
    Finish(*exchange, &route, principal.get(), std::move(res), started);
    return;
  }
  // Counted until the reply is gone (called or dropped): ~Api waits for it, so a late reply never
  // reaches a destroyed Api.
  {
    std::lock_guard<std::mutex> lock(async_mu_);
    ++async_in_flight_;
  }
  auto in_flight = std::shared_ptr<void>(nullptr, [this](void*) {
    std::lock_guard<std::mutex> lock(async_mu_);
    if (--async_in_flight_ == 0) async_idle_.notify_all();
  });
  RequestContext ctx{req, params, query, principal.get(), services_, trail.get()};
  route.async(ctx, [this, exchange, route = &route, principal, trail, started, in_flight](Status s, HttpResponse res) {
    // As Run ends: the error body, the audit line, then Finish (metrics, request log, Respond,
    // which posts to the connection's I/O thread and drops the answer if the client has gone).
    auto answer = [this, exchange, route, principal, trail, started, in_flight, s = std::move(s),
                   res = std::move(res)]() mutable {
      const HttpRequest& req = exchange->request();
      if (!s.ok()) {
        if (s.kind() == Status::Kind::kInternal) {
          log::Error("request " + std::string(req.request_id) + ": " + s.ToString());
        }
        res = HttpResponse{};
        WriteError(s, res);
      }
      FinishAudit(*trail, req, s, res);
      Finish(*exchange, route, principal.get(), std::move(res), started);
    };
    // The reply may come on a thread that must not block (the HTTP client's): the audit line,
    // which may wait for an fsync, is written on the network pool (inline if its queue is full).
    if (trail->active() && network_->TrySubmit(answer)) return;
    answer();
  });
}

namespace {

void WriteInternalError(const HttpRequest& req, const char* what, HttpResponse& res) {
  log::Error("request " + std::string(req.request_id) + " failed: " + what);
  res.headers.clear();
  WriteError(errors::Internal("internal error"), res);
}

}  // namespace

void Api::Handle(const HttpRequest& req, HttpResponse& res) {
  try {
    PathParams params;
    const Route* route = Match(req, &params, res);
    if (route) Run(req, *route, params, res);
  } catch (const std::exception& e) {
    WriteInternalError(req, e.what(), res);
  }
}

void Api::Finish(Exchange& exchange, const Route* route, const Principal* principal, HttpResponse res,
                 std::chrono::steady_clock::time_point started) {
  const int64_t latency_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
  request_metrics_->Record(route, res.status, latency_us);
  if (log::AccessLogEnabled()) {
    // Names and ids only: never the path's query, a header, a body, a token or a signature.
    const HttpRequest& req = exchange.request();
    log::Access({{"request_id", req.request_id},
                 {"method", req.method},
                 {"route", request_metrics_->Template(route)},
                 {"status", res.status},
                 {"latency_us", latency_us},
                 {"bytes", static_cast<int64_t>(res.body.size())},
                 {"user_id", principal ? std::string_view(principal->user_id) : std::string_view()},
                 {"access_key", principal ? std::string_view(principal->access_key) : std::string_view()}});
  }
  exchange.Respond(std::move(res));
}

void Api::HandleObservability(std::shared_ptr<Exchange> exchange) {
  std::string_view path = exchange->request().path;
  if (path == "/metrics" || path == "/readyz" || path == "/healthz") return Handle(std::move(exchange));
  const auto started = std::chrono::steady_clock::now();
  HttpResponse res;
  WriteError(errors::RouteNotFound("this listener serves /metrics, /healthz and /readyz only"), res);
  Finish(*exchange, nullptr, nullptr, std::move(res), started);
}

void Api::Handle(std::shared_ptr<Exchange> exchange) {
  const auto started = std::chrono::steady_clock::now();
  const HttpRequest& req = exchange->request();
  HttpResponse res;
  const Route* route = nullptr;
  Principal principal;
  try {
    PathParams params;
    bool verify_later = false;
    route = Match(req, &params, res, &verify_later);
    if (verify_later) {  // a signed request to no route: verified, then answered, on a reader thread
      auto task = [this, exchange, started]() {
        HttpResponse res;
        Handle(exchange->request(), res);
        Finish(*exchange, nullptr, nullptr, std::move(res), started);
      };
      if (readers_->TrySubmit(std::move(task))) return;
      WriteError(errors::Unavailable("the server is busy with other requests of this kind; retry later"), res);
      Finish(*exchange, nullptr, nullptr, std::move(res), started);
      return;
    }
    WorkerPool* pool = nullptr;
    bool answered = route == nullptr;  // Match wrote the error
    if (route) {
      switch (PoolFor(route->execution, req.method)) {
        case Pool::kNone:
          break;
        case Pool::kReader:
          // From memory, no store; never with an audit log (its line is written on the pool).
          answered = route->cached && !services_.audit && TryCached(req, *route, params, res, &principal);
          if (!answered) pool = readers_.get();
          break;
        case Pool::kWriter:
          // Handed to the store without a thread waiting (never with an audit log: its "request"
          // line is written on the pool before the handler); its work runs on prepare_ if any.
          if (route->async && !services_.audit && TryAsync(exchange, *route, params, started)) return;
          pool = writers_.get();
          break;
        case Pool::kNetwork:
          pool = network_.get();
          break;
      }
    }
    if (pool) {
      auto task = [this, exchange, route, params = std::move(params), started]() {
        const HttpRequest& req = exchange->request();
        HttpResponse res;
        Principal principal;
        try {
          // A network route's asynchronous form answers when its reply comes; this thread is free.
          if (route->async && route->execution == Execution::kWorker) {
            return RunAsync(exchange, *route, params, started);
          }
          Run(req, *route, params, res, &principal);
        } catch (const std::exception& e) {
          WriteInternalError(req, e.what(), res);
        }
        Finish(*exchange, route, &principal, std::move(res), started);
      };
      if (pool->TrySubmit(std::move(task))) return;
      WriteError(errors::Unavailable("the server is busy with other requests of this kind; retry later"), res);
    } else if (!answered) {
      Run(req, *route, params, res, &principal);
    }
  } catch (const std::exception& e) {
    WriteInternalError(req, e.what(), res);
  }
  Finish(*exchange, route, &principal, std::move(res), started);
}

}  // namespace csms::http
