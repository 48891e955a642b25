// Api: the request pipeline between the server and the services. Matches the route, parses the
// query, authenticates the caller and checks the project, runs the handler, and turns any Status
// into the CSMS error body. Handlers live in handlers/, one file per resource.
#pragma once

#include <string>

#include "auth/principal.h"
#include "common/clock.h"
#include "common/status.h"
#include "http/message.h"
#include "http/router.h"

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
  const Clock* clock = nullptr;
  OffsetClock* dev_clock = nullptr;  // set only in --dev mode
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

struct Route {
  Status (*handler)(RequestContext&, HttpResponse&);
  Access access = Access::kProject;
  const char* action = "";  // IAM action name, e.g. "csms:event:list"
};

class Api {
 public:
  explicit Api(Services services);

  void Handle(const HttpRequest& req, HttpResponse& res);
  Router<Route>& router() { return router_; }
  const Router<Route>& router() const { return router_; }

 private:
  // A signature (Authorization: SDK-HMAC-SHA256 ...) wins over X-Auth-Token when both are sent.
  // `path_project` is the route's {project_id}, empty outside a project.
  Status Authenticate(const HttpRequest& req, const std::string& path_project, Principal* out);

  Services services_;
  Router<Route> router_;
};

// Writes the CSMS error body: both documented shapes at once (flat and nested), so every SDK's
// parser finds the code and the message.
void WriteError(const Status& status, HttpResponse& res);

}  // namespace csms::http
