// Api: the request pipeline between the server and the services. Matches the route, parses the
// query, authenticates the caller and checks the project, runs the handler, and turns any Status
// into the CSMS error body. Handlers live in handlers/, one file per resource.
//
// Threading model (where the work of a request runs; see also http/server.h):
// - The I/O thread that read the request matches its route (no store, no locks) and then hands
//   the rest, from authentication to the answer, to one of three bounded pools chosen by the
//   route's Execution; the I/O thread goes straight back to its other connections. The pool
//   thread answers the Exchange, and the server writes the answer on the I/O thread.
// - Execution::kByMethod (the default, so a new route needs no mark): GET and HEAD run on the
//   reader pool (about one thread per core: reads are CPU work and short waits for SQLite),
//   every other method on the writer pool (many threads, 64 by default: a writer mostly sleeps
//   in Store::Write until its group commits, so the pool must hold a whole group).
// - Execution::kWorker (waits on the network) runs on its own small network pool, so a slow
//   target never takes a reader or a writer thread. A kWorker route with Route::async (the event
//   test notification) holds its pool thread only until its outbound call has started: the answer
//   is given by the call's completion (on the HTTP client's thread), so targets that never answer
//   hold sockets, not threads (decision 124).
// - Execution::kIoThread: only routes that touch no store and never wait (GET /healthz) run on
//   the I/O thread itself. A slow disk therefore never delays a health check, and a write waiting
//   for its commit never delays a read: they are on different threads.
// - A read whose route has Route::cached may be answered on the I/O thread from memory alone
//   (a cached token, then e.g. an event this process read moments ago and has not written
//   since): no store, no pool hop. Anything it cannot answer so goes to the reader pool.
// - A pool whose threads are all busy queues up to its queue limit; beyond that the request is
//   answered at once, on the I/O thread, with 503 + Retry-After and the CSMS error body.
// - Pool threads are started on demand (up to the limit), so start-up does not pay for them.
// HEAD runs the GET route; the server sends no body.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

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
class DbInstanceService;
class AttemptLimiter;
namespace audit {
class Log;
}
class ReadinessService;
namespace metrics {
class Registry;
}  // namespace metrics
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
  AgencyService* agencies = nullptr;  // null = no agency API (503)
  TagService* tags = nullptr;
  SecretBackup* backups = nullptr;
  GrantService* grants = nullptr;  // null = grants neither served nor honoured
  UserService* users = nullptr;
  DbInstanceService* db_instances = nullptr;  // --dev only: POST /csms-dev/db-instances
  const Clock* clock = nullptr;
  OffsetClock* dev_clock = nullptr;  // set only in --dev mode
  WriterControl* writer = nullptr;   // the store's writer: statistics, and the --dev hold
  // The web console's /console/config.json (JSON): --dev's account to prefill its login form;
  // empty otherwise.
  std::string console_dev_login;
  // Trust (issue 15). Null = off, at no cost on the request path.
  audit::Log* audit = nullptr;        // the audit log (http/audit_trail.h, docs/audit.md)
  AttemptLimiter* limiter = nullptr;  // brute-force limits on passwords and signatures
  // Observability (handlers/observability.cc): null = no /metrics (404), /readyz answers 503.
  metrics::Registry* metrics = nullptr;
  ReadinessService* readiness = nullptr;
};

class AuditTrail;

struct RequestContext {
  const HttpRequest& req;
  const PathParams& params;
  const QueryParams& query;
  const Principal* principal;  // set on authenticated routes
  Services& services;
  AuditTrail* audit = nullptr;  // this request's audit record (inert without an audit log)

  const std::string& project_id() const { return params.Get("project_id"); }
};

enum class Access {
  kPublic,   // no credentials (token issue, health)
  kAnyUser,  // authenticated, not tied to a path project
  kProject,  // authenticated and scoped to the {project_id} of the path
};

enum class Execution {
  kByMethod,  // the default: GET/HEAD on the reader pool, other methods on the writer pool
  kIoThread,  // touches no store and never waits (health): runs on the I/O thread that read it
  kWorker,    // waits on the network (an outbound call): runs on the small network pool
};

// How an asynchronous handler answers (Route::async): once, from any thread.
using AsyncReply = std::function<void(Status, HttpResponse)>;

struct Route {
  Status (*handler)(RequestContext&, HttpResponse&);
  Access access = Access::kProject;
  const char* action = "";  // IAM action name, e.g. "csms:event:list"
  Execution execution = Execution::kByMethod;
  // Optional, for reads: answers from memory alone (no store, no wait, no lock held long) on the
  // I/O thread, or leaves *served false and the request runs `handler` on its pool as usual.
  // Tried only for a token whose principal is cached (TokenService::ValidateCached) and that
  // passes the project and action checks; any error or doubt falls back to the pool.
  Status (*cached)(RequestContext&, HttpResponse&, bool* served) = nullptr;
  // The path parameter naming a secret of the path's project (e.g. "secret_name"), on read
  // routes a grant may open: when the caller's role denies `action`, a valid grant on that
  // secret allows it (http/grant_check.h). Never honoured for write actions.
  const char* grant_param = nullptr;
  // Operator routes (--dev's /csms-dev/*, /metrics): when the server has a TLS client CA
  // (ApiOptions::require_client_cert), a request without a verified client certificate is refused
  // 403 before anything else. Set with ClientCertRoute.
  bool client_cert = false;
  // Optional: the handler's asynchronous form; `reply` gets the answer (an error or the response)
  // once, from whatever thread finishes it. Two uses, by Execution:
  // - Execution::kWorker (decision 124; `handler` may then be null): runs on the network pool after
  //   every check a pooled request passes (authentication, project, action, path names, the audit
  //   "request" line), starts its outbound call and returns, freeing the thread; the reply finishes
  //   the audit record and answers. The synchronous Api::Handle(req, res) waits for the reply.
  // - Hot writes (kByMethod, decision 119): runs on the I/O thread, only when nothing before the
  //   write can block: a token whose principal is cached and passes the project and action checks
  //   (as for `cached`), valid path names, no audit log, and a store whose writes complete
  //   asynchronously (Store::WritesAsync). It does only work that touches no store and costs
  //   little (parse, validate), hands its transaction to the store and returns; the reply comes
  //   from the store's thread after the commit is durable. Otherwise `handler` runs on the writer
  //   pool as usual.
  void (*async)(RequestContext&, AsyncReply reply) = nullptr;
};

// `route` marked as needing a verified TLS client certificate (Route::client_cert).
inline Route ClientCertRoute(Route route) {
  route.client_cert = true;
  return route;
}

// Pool sizes. A pool starts its threads on demand, up to its limit; a request finding every
// thread busy waits in the pool's queue, and one finding the queue full gets 503 + Retry-After.
struct ApiOptions {
  int reader_threads = 0;            // GET/HEAD routes; 0 = one per core
  int reader_queue = 1024;           // requests that may wait for a reader thread before 503
  int writer_threads = 64;           // routes of other methods: mostly asleep until their commit is durable
  int writer_queue = 1024;           // requests that may wait for a writer thread before 503
  int worker_threads = 4;            // Execution::kWorker routes (they wait on the network)
  int worker_queue = 64;             // requests that may wait for one of them before 503
  bool console = true;               // serve the web console at /console/ (--no-console: not)
  bool require_client_cert = false;  // --client-ca: Route::client_cert routes need a verified client certificate
  // Hot writes (Route::async) do their own work (parse the body, validate, queue; the sealing and
  // the checks that read the store run in the transaction, on the store's writer) on a pool of
  // ReaderThreads() threads at this nice increment instead of on the I/O thread, so that under a
  // burst of writes that CPU yields to reads like the store writer's does (decision 139). 0: on the
  // I/O thread. The writer pool's threads (requests other than GET and HEAD) run at it too, and the
  // reader and network pools start all their threads at once (decision 141).
  int write_prepare_nice = 0;

  // reader_threads with 0 replaced by the core count.
  int ReaderThreads() const;
  // Threads of the API that may use the store at the same time (readers, writers and network
  // workers): what the store's connection pool is sized from.
  int StoreThreads() const;
};

// The pool a request runs on (kNone: the I/O thread). HEAD runs like GET.
enum class Pool { kNone, kReader, kWriter, kNetwork };
Pool PoolFor(Execution execution, std::string_view method);

class WorkerPool;
class RequestMetrics;

class Api {
 public:
  explicit Api(Services services, ApiOptions options = {});
  ~Api();  // waits for the requests running on the pools and for the asynchronous replies

  // The server's AsyncRequestHandler.
  void Handle(std::shared_ptr<Exchange> exchange);
  // Runs the whole pipeline on the calling thread, whatever the route's Execution (tests).
  void Handle(const HttpRequest& req, HttpResponse& res);
  // For the separate metrics listener (--metrics-listen): serves /metrics, /healthz and /readyz
  // like Handle, and answers 404 to anything else.
  void HandleObservability(std::shared_ptr<Exchange> exchange);
  Router<Route>& router() { return router_; }
  const Router<Route>& router() const { return router_; }
  // Requests by route, method and status with their latency (routes added to router() after the
  // Api was built count as "unmatched").
  const RequestMetrics& request_metrics() const { return *request_metrics_; }

 private:
  // A signature (Authorization: SDK-HMAC-SHA256 ...) wins over X-Auth-Token when both are sent.
  // `path_project` is the route's {project_id}, empty outside a project.
  // Signatures count against the brute-force limits (*retry_after_s set on a 429).
  Status Authenticate(const HttpRequest& req, const std::string& path_project, Principal* out,
                      int64_t* retry_after_s = nullptr);
  // Finds the route (HEAD finds the GET route); nullptr when `res` already holds the error.
  // A signed request matching no route is verified first (a tampered path is a 401, not a 404);
  // that reads the store, so with `verify_later` set Match leaves it to the caller (sets it true,
  // writes nothing) instead of verifying on the calling thread.
  const Route* Match(const HttpRequest& req, PathParams* params, HttpResponse& res, bool* verify_later = nullptr);
  // The I/O-thread answer of a route with `cached` (see Route); false = run it on its pool.
  bool TryCached(const HttpRequest& req, const Route& route, const PathParams& params, HttpResponse& res,
                 Principal* principal);
  // The caller of a project route from the token cache alone, having passed the project and
  // action checks; false when the pool must authenticate it (or refuse it).
  bool CachedPrincipal(const HttpRequest& req, const Route& route, const PathParams& params, Principal* out);
  // Starts a route's `async` form (http/async_write.cc): the checks that need no store on the I/O
  // thread, then the form itself there or, with prepare_, on one of its threads. False = run it on
  // its pool. True: the exchange is answered (now or later) through Finish.
  bool TryAsync(const std::shared_ptr<Exchange>& exchange, const Route& route, const PathParams& params,
                std::chrono::steady_clock::time_point started);
  // TryAsync's second half, on the thread that runs the form: the answer comes through Finish.
  void StartAsync(const std::shared_ptr<Exchange>& exchange, const Route& route, const PathParams& params,
                  std::shared_ptr<Principal> principal, std::chrono::steady_clock::time_point started);
  // Query, authentication, project and action checks, the handler, the error body, the audit
  // lines. *principal (when given) is the authenticated caller, for the request log.
  void Run(const HttpRequest& req, const Route& route, const PathParams& params, HttpResponse& res,
           Principal* principal = nullptr);
  // Runs a kWorker route's asynchronous form (Route::async) on the calling network-pool thread
  // after Admit; the reply, from whatever thread gives it, finishes the audit record and answers.
  void RunAsync(const std::shared_ptr<Exchange>& exchange, const Route& route, const PathParams& params,
                std::chrono::steady_clock::time_point started);
  // Everything before the handler: the query (into *query), authentication (into *principal),
  // the project and action checks, path names and the audit's "request" line.
  Status Admit(const HttpRequest& req, const Route& route, const PathParams& params, AuditTrail& trail,
               int64_t* retry_after_s, Principal* principal, QueryParams* query);
  // Run's work up to the handler's answer; an error for Run to write (and audit).
  Status RunChecked(const HttpRequest& req, const Route& route, const PathParams& params, HttpResponse& res,
                    AuditTrail& trail, int64_t* retry_after_s, Principal* principal_out);
  // Every answer of Handle ends here: the request metrics, the request log line, then Respond.
  void Finish(Exchange& exchange, const Route* route, const Principal* principal, HttpResponse res,
              std::chrono::steady_clock::time_point started);

  Services services_;
  bool require_client_cert_ = false;
  Router<Route> router_;
  std::unique_ptr<WorkerPool> readers_;
  std::unique_ptr<WorkerPool> writers_;
  std::unique_ptr<WorkerPool> network_;
  std::unique_ptr<WorkerPool> prepare_;  // null: hot writes are prepared on the I/O thread
  std::unique_ptr<RequestMetrics> request_metrics_;
  // Asynchronous replies (writes, async_write.cc; kWorker routes, RunAsync) not yet released.
  std::mutex async_mu_;
  std::condition_variable async_idle_;
  int64_t async_in_flight_ = 0;
};

// Writes the CSMS error body: both documented shapes at once (flat and nested), so every SDK's
// parser finds the code and the message.
void WriteError(const Status& status, HttpResponse& res);

}  // namespace csms::http
