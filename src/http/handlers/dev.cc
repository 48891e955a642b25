// --dev only: GET/POST /csms-dev/clock reads, sets or advances the server clock so that clients'
// tests can exercise token expiry, version expiry and retention without waiting. These routes do
// not exist unless csmsd runs with --dev.
#include <rapidjson/document.h>

#include "common/errors.h"
#include "http/handlers/handlers.h"
#include "json/reader.h"

namespace csms::http::handlers {
namespace {

Status WriteClock(RequestContext& ctx, HttpResponse& res) {
  json::Writer w;
  w.StartObject().Field("now_ms", ctx.services.dev_clock->NowMillis()).Field("offset_ms", ctx.services.dev_clock->offset()).EndObject();
  res.body = w.Take();
  return Status::OK();
}

Status SetClock(RequestContext& ctx, HttpResponse& res) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(ctx.req.body, &doc));
  json::ObjectReader body(doc);
  std::optional<int64_t> advance, now;
  CSMS_RETURN_IF_ERROR(body.OptionalInt64("advance_ms", &advance));
  CSMS_RETURN_IF_ERROR(body.OptionalInt64("now_ms", &now));
  if (advance.has_value() == now.has_value()) return errors::InvalidParameter("give exactly one of advance_ms, now_ms");
  if (advance) ctx.services.dev_clock->Advance(*advance);
  if (now) ctx.services.dev_clock->Set(*now);
  return WriteClock(ctx, res);
}

}  // namespace

void RegisterDevRoutes(Router<Route>& r) {
  r.Add("GET", "/csms-dev/clock", {WriteClock, Access::kPublic, ""});
  r.Add("POST", "/csms-dev/clock", {SetClock, Access::kPublic, ""});
}

}  // namespace csms::http::handlers
