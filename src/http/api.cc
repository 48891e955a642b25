#include "http/api.h"

#include <algorithm>
#include <exception>
#include <thread>

#include "auth/roles.h"
#include "auth/signature_authenticator.h"
#include "auth/token_service.h"
#include "common/errors.h"
#include "common/log.h"
#include "http/error_body.h"
#include "http/grant_check.h"
#include "http/handlers/handlers.h"
#include "http/path_checks.h"
#include "http/worker_pool.h"
#include "json/writer.h"

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
      readers_(std::make_unique<WorkerPool>(options.ReaderThreads(), options.reader_queue)),
      writers_(std::make_unique<WorkerPool>(options.writer_threads, options.writer_queue)),
      network_(std::make_unique<WorkerPool>(options.worker_threads, options.worker_queue)) {
  handlers::RegisterHealthRoutes(router_);
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
  if (options.console) handlers::RegisterConsoleRoutes(router_);
  if (services_.dev_clock) handlers::RegisterDevRoutes(router_);
}

Api::~Api() = default;

Status Api::Authenticate(const HttpRequest& req, const std::string& path_project, Principal* out) {
  auto authorization = req.header("authorization");
  if (authorization && IsSignatureAuthorization(*authorization)) {
    if (!services_.signatures) return errors::InvalidSignature("AK/SK request signing is not enabled on this server");
    auth::SignedRequestView view{req.method, req.target, req.header, req.body};
    return services_.signatures->Authenticate(view, *authorization, path_project, out);
  }
  auto token = req.header("x-auth-token");
  if (!token) return errors::InvalidToken("X-Auth-Token is missing");
  return services_.tokens->Validate(*token, out);
}

const Route* Api::Match(const HttpRequest& req, PathParams* params, HttpResponse& res, bool* verify_later) {
  const Route* route = nullptr;
  std::string_view method = req.method == "HEAD" ? std::string_view("GET") : req.method;
  Router<Route>::Match match = router_.Find(method, req.path, &route, params);
  if (match != Router<Route>::Match::kFound) {
    // A signed request is verified before the API tells whether the route exists, so a
    // tampered method or path is a 401 like any other tampering.
    auto authorization = req.header("authorization");
    if (authorization && IsSignatureAuthorization(*authorization)) {
      // Verifying reads the access key from the store: never on an I/O thread.
      if (verify_later) {
        *verify_later = true;
        return nullptr;
      }
      Principal ignored;
      Status s = Authenticate(req, std::string(), &ignored);
      if (s.kind() == Status::Kind::kUnauthenticated) {
        WriteError(s, res);
        return nullptr;
      }
    }
  }
  switch (match) {
    case Router<Route>::Match::kFound:
      return route;
    case Router<Route>::Match::kNoMethod:
      WriteError(
          errors::MethodNotAllowed("method " + std::string(req.method) + " is not allowed on " + std::string(req.path)),
          res);
      return nullptr;
    case Router<Route>::Match::kBadPath:
      WriteError(errors::InvalidRequest("the request path is not valid percent-encoding or UTF-8"), res);
      return nullptr;
    case Router<Route>::Match::kNoPath:
      WriteError(errors::RouteNotFound("no API at " + std::string(req.path)), res);
      return nullptr;
  }
  return nullptr;
}

bool Api::TryCached(const HttpRequest& req, const Route& route, const PathParams& params, HttpResponse& res) {
  if (route.access != Access::kProject || !services_.tokens) return false;
  auto authorization = req.header("authorization");
  if (authorization && IsSignatureAuthorization(*authorization)) return false;  // verified on the pool
  auto token = req.header("x-auth-token");
  if (!token) return false;
  QueryParams query;
  if (!query.Parse(req.query).ok()) return false;
  Principal principal;
  if (!services_.tokens->ValidateCached(*token, &principal)) return false;
  if (params.Get("project_id") != principal.project_id || !auth::RoleAllows(principal.role, route.action)) return false;
  RequestContext ctx{req, params, query, &principal, services_};
  bool served = false;
  if (!route.cached(ctx, res, &served).ok() || !served) {
    res = HttpResponse{};
    return false;
  }
  return true;
}

void Api::Run(const HttpRequest& req, const Route& r, const PathParams& params, HttpResponse& res) {
  const Route* route = &r;
  // Before authentication: neither the authenticator nor a handler sees an ambiguous query.
  QueryParams query;
  if (Status s = query.Parse(req.query); !s.ok()) return WriteError(s, res);
  Principal principal;
  if (route->access != Access::kPublic) {
    const std::string& path_project = route->access == Access::kProject ? params.Get("project_id") : std::string();
    Status s = Authenticate(req, path_project, &principal);
    if (!s.ok()) {
      // E.g. an access key's SK that the master key cannot open: the operator must see it.
      if (s.kind() == Status::Kind::kInternal)
        log::Error("request " + std::string(req.request_id) + ": " + s.ToString());
      return WriteError(s, res);
    }
    if (route->access == Access::kProject && path_project != principal.project_id) {
      return WriteError(errors::ProjectMismatch("the credentials are not valid for project " + path_project), res);
    }
    // Every authenticated route names its IAM action; one without is refused (fail closed).
    if (!auth::RoleAllows(principal.role, route->action) && !GrantAllows(services_, *route, params, principal)) {
      std::string action = *route->action ? route->action : "(none)";
      return WriteError(errors::ActionDenied("the role '" + principal.role + "' of user " + principal.user_name +
                                             " does not allow the action " + action),
                        res);
    }
  }
  // Names in the path follow their documented rules before any handler looks one up (400, not 404).
  if (Status s = CheckPathParams(params); !s.ok()) return WriteError(s, res);
  RequestContext ctx{req, params, query, route->access == Access::kPublic ? nullptr : &principal, services_};
  Status s = route->handler(ctx, res);
  if (!s.ok()) {
    if (s.kind() == Status::Kind::kInternal) log::Error("request " + std::string(req.request_id) + ": " + s.ToString());
    WriteError(s, res);
  }
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

void Api::Handle(std::shared_ptr<Exchange> exchange) {
  const HttpRequest& req = exchange->request();
  HttpResponse res;
  try {
    PathParams params;
    bool verify_later = false;
    const Route* route = Match(req, &params, res, &verify_later);
    if (verify_later) {  // a signed request to no route: verified, then answered, on a reader thread
      auto task = [this, exchange]() {
        HttpResponse res;
        Handle(exchange->request(), res);
        exchange->Respond(std::move(res));
      };
      if (readers_->TrySubmit(std::move(task))) return;
      WriteError(errors::Unavailable("the server is busy with other requests of this kind; retry later"), res);
      exchange->Respond(std::move(res));
      return;
    }
    WorkerPool* pool = nullptr;
    bool answered = route == nullptr;  // Match wrote the error
    if (route) {
      switch (PoolFor(route->execution, req.method)) {
        case Pool::kNone:
          break;
        case Pool::kReader:
          answered = route->cached && TryCached(req, *route, params, res);  // from memory, no store
          if (!answered) pool = readers_.get();
          break;
        case Pool::kWriter:
          pool = writers_.get();
          break;
        case Pool::kNetwork:
          pool = network_.get();
          break;
      }
    }
    if (pool) {
      auto task = [this, exchange, route, params = std::move(params)]() {
        const HttpRequest& req = exchange->request();
        HttpResponse res;
        try {
          Run(req, *route, params, res);
        } catch (const std::exception& e) {
          WriteInternalError(req, e.what(), res);
        }
        exchange->Respond(std::move(res));
      };
      if (pool->TrySubmit(std::move(task))) return;
      WriteError(errors::Unavailable("the server is busy with other requests of this kind; retry later"), res);
    } else if (!answered) {
      Run(req, *route, params, res);
    }
  } catch (const std::exception& e) {
    WriteInternalError(req, e.what(), res);
  }
  exchange->Respond(std::move(res));
}

}  // namespace csms::http
