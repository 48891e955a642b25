// Api: the request pipeline between the server and the services. Matches the route, parses the
// query, authenticates the caller and checks the project, runs the handler, and turns any Status
// into the CSMS error body. Handlers live in handlers/, one file per resource.
//
// Where the work runs: the route is matched on the connection's I/O thread. A route marked
// Execution::kWorker (it may block: an outbound call, later the database) then runs, from
// authentication to the answer, on a bounded WorkerPool and answers the Exchange from there; the
// I/O thread goes on serving other connections. When the pool is saturated the request gets 503
// with Retry-After. Other routes run on the I/O thread. HEAD runs the GET route; the server sends
// no body.
#pragma once

#include <memory>
#include <string>

#include "auth/principal.h"
#include "common/clock.h"
#include "common/status.h"
#include "http/message.h"
#include "http/router.h"
#include "http/server.h"

namespace csms {
class TokenService;
class SignatureAuthenticator;
class EventService;
class RecordService;
class IdentityService;
class SecretService;
class RotationService;
class Scheduler;
class DeliveryService;
class SecretImporter;
class SecretCheckerService;
class AgencyService;
class WriterControl;
class TagService;
class SecretBackup;
class GrantService;
class UserService;
}  // namespace csms

namespace csms::http {

// Everything a handler may use; owned by the application.
struct Services {
  TokenService* tokens = nullptr;
  SignatureAuthenticator* signatures = nullptr;  // AK/SK; null = signed requests are refused
  EventService* events = nullptr;
  RecordService* records = nullptr;
  IdentityService* identity = nullptr;
  SecretService* secrets = nullptr;
  RotationService* rotations = nullptr;
  Scheduler* scheduler = nullptr;
  DeliveryService* delivery = nullptr;  // null = no delivery API (503)
  SecretImporter* importer = nullptr;
  SecretCheckerService* checker = nullptr;
  AgencyService* agencies = nullptr;    // null = no agency API (503)
  TagService* tags = nullptr;
  SecretBackup* backups = nullptr;
  GrantService* grants = nullptr;       // null = grants neither served nor honoured
  UserService* users = nullptr;
  const Clock* clock = nullptr;
  OffsetClock* dev_clock = nullptr;  // set only in --dev mode
  WriterControl* writer = nullptr;   // the store's writer: statistics, and the --dev hold
};

struct RequestContext {
  const HttpRequest& req;
  const PathParams& params;
  const QueryParams& query;
  const Principal* principal;  // set on authenticated routes
  Services& services;

  const std::string& project_id() const { return params.Get("project_id"); }
};

enum class Access {
  kPublic,   // no credentials (token issue, health)
  kAnyUser,  // authenticated, not tied to a path project
  kProject,  // authenticated and scoped to the {project_id} of the path
};

enum class Execution {
  kIoThread,  // quick and never waits on the network: runs where the request was read
  kWorker,    // may block: runs on the API's worker pool (503 + Retry-After when it is saturated)
};

struct Route {
  Status (*handler)(RequestContext&, HttpResponse&);
  Access access = Access::kProject;
  const char* action = "";  // IAM action name, e.g. "csms:event:list"
  Execution execution = Execution::kIoThread;
  // The path parameter naming a secret of the path's project (e.g. "secret_name"), on read
  // routes a grant may open: when the caller's role denies `action`, a valid grant on that
  // secret allows it (http/grant_check.h). Never honoured for write actions.
  const char* grant_param = nullptr;
};

struct ApiOptions {
  int worker_threads = 4;  // threads of the pool running Execution::kWorker routes
  int worker_queue = 64;   // requests that may wait for one of them before 503
};

class WorkerPool;

class Api {
 public:
  explicit Api(Services services, ApiOptions options = {});
  ~Api();  // waits for the requests running on the worker pool

  // The server's AsyncRequestHandler.
  void Handle(std::shared_ptr<Exchange> exchange);
  // Runs the whole pipeline on the calling thread, whatever the route's Execution (tests).
  void Handle(const HttpRequest& req, HttpResponse& res);
  Router<Route>& router() { return router_; }
  const Router<Route>& router() const { return router_; }

 private:
  // A signature (Authorization: SDK-HMAC-SHA256 ...) wins over X-Auth-Token when both are sent.
  // `path_project` is the route's {project_id}, empty outside a project.
  Status Authenticate(const HttpRequest& req, const std::string& path_project, Principal* out);
  // Finds the route (HEAD finds the GET route); nullptr when `res` already holds the error.
  const Route* Match(const HttpRequest& req, PathParams* params, HttpResponse& res);
  // Query, authentication, project and action checks, the handler, the error body.
  void Run(const HttpRequest& req, const Route& route, const PathParams& params, HttpResponse& res);

  Services services_;
  Router<Route> router_;
  std::unique_ptr<WorkerPool> workers_;
};

// Writes the CSMS error body: both documented shapes at once (flat and nested), so every SDK's
// parser finds the code and the message.
void WriteError(const Status& status, HttpResponse& res);

}  // namespace csms::http
