// GET /healthz: liveness for load balancers and test harnesses; no credentials, no database.
#include "http/handlers/handlers.h"

namespace csms::http::handlers {
namespace {

Status Health(RequestContext&, HttpResponse& res) {
  res.body = R"({"status":"ok"})";
  return Status::OK();
}

}  // namespace

// No store and no wait: answered on the I/O thread, so a busy pool or a slow disk never delays it.
void RegisterHealthRoutes(Router<Route>& r) {
  r.Add("GET", "/healthz", {Health, Access::kPublic, "", Execution::kIoThread});
}

}  // namespace csms::http::handlers
