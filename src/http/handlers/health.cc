// GET /healthz: liveness for load balancers and test harnesses; no credentials, no database.
#include "http/handlers/handlers.h"

namespace csms::http::handlers {
namespace {

Status Health(RequestContext&, HttpResponse& res) {
  res.body = R"({"status":"ok"})";
  return Status::OK();
}

}  // namespace

void RegisterHealthRoutes(Router<Route>& r) { r.Add("GET", "/healthz", {Health, Access::kPublic, ""}); }

}  // namespace csms::http::handlers
