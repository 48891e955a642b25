// GET /metrics (Prometheus text format) and GET /readyz (readiness), both without credentials,
// like GET /healthz (docs/observability.md). Both run on the reader pool: a scrape reads the
// store (outbox depth, scheduler lag) and readiness is a database read, and neither may block an
// I/O thread. Neither changes anything.
#include "common/errors.h"
#include "http/handlers/handlers.h"
#include "metrics/registry.h"
#include "service/readiness.h"

namespace csms::http::handlers {
namespace {

// Who may scrape. Today: anyone who reaches the listener (bind --metrics-listen to a private
// address to keep it apart). An optional TLS client-certificate requirement for /metrics and the
// admin routes plugs in here.
Status AllowScrape(const RequestContext& ctx) { return Status::OK(); }

Status Metrics(RequestContext& ctx, HttpResponse& res) {
  if (ctx.services.metrics == nullptr) return errors::RouteNotFound("this server exposes no metrics");
  CSMS_RETURN_IF_ERROR(AllowScrape(ctx));
  res.body = ctx.services.metrics->Render();
  res.headers.emplace_back("Content-Type", metrics::kContentType);
  return Status::OK();
}

Status Ready(RequestContext& ctx, HttpResponse& res) {
  Status s = ctx.services.readiness ? ctx.services.readiness->Check()
                                    : errors::Unavailable("readiness is not known on this server");
  json::Writer w;
  w.StartObject().Field("status", s.ok() ? "ready" : "unavailable");
  if (!s.ok()) w.Field("reason", s.message());
  w.EndObject();
  res.status = s.ok() ? 200 : 503;
  res.body = w.Take();
  if (!s.ok()) res.headers.emplace_back("Retry-After", "1");
  return Status::OK();
}

}  // namespace

void RegisterObservabilityRoutes(Router<Route>& r) {
  // With --client-ca, scrapes need a client certificate (decision on client certificates).
  r.Add("GET", "/metrics", ClientCertRoute({Metrics, Access::kPublic, ""}));
  r.Add("GET", "/readyz", {Ready, Access::kPublic, ""});
}

}  // namespace csms::http::handlers
