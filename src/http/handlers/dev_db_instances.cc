// --dev only: POST /csms-dev/db-instances registers a database instance in a project, as
// `csmsd admin create-db-instance` does for a data dir (which --dev, in memory, does not have),
// so tests of database secrets can run against a --dev server. Absent without --dev.
#include <rapidjson/document.h>

#include "common/errors.h"
#include "http/handlers/handlers.h"
#include "json/reader.h"
#include "service/db_instance_service.h"

namespace csms::http::handlers {
namespace {

Status CreateDbInstance(RequestContext& ctx, HttpResponse& res) {
  if (!ctx.services.db_instances) return errors::Unavailable("the database instance registry is not available");
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(ctx.req.body, &doc));
  json::ObjectReader body(doc);
  DbInstance i;
  int64_t port = 0;
  std::optional<std::string> tls_mode, ca_file, admin_secret;
  CSMS_RETURN_IF_ERROR(body.RequireString("project_id", &i.project_id));
  CSMS_RETURN_IF_ERROR(body.RequireString("instance_id", &i.instance_id));
  CSMS_RETURN_IF_ERROR(body.RequireString("engine", &i.engine));
  CSMS_RETURN_IF_ERROR(body.RequireString("host", &i.host));
  CSMS_RETURN_IF_ERROR(body.RequireInt64("port", &port));
  CSMS_RETURN_IF_ERROR(body.OptionalString("tls_mode", &tls_mode));
  CSMS_RETURN_IF_ERROR(body.OptionalString("ca_file", &ca_file));
  CSMS_RETURN_IF_ERROR(body.OptionalString("admin_secret", &admin_secret));
  if (port < 1 || port > 65535) return errors::InvalidParameter("invalid port: must be 1 to 65535");
  i.port = static_cast<int>(port);
  i.tls_mode = tls_mode.value_or("disable");
  i.ca_file = ca_file.value_or("");
  i.admin_secret = admin_secret.value_or("");
  DbInstance created;
  CSMS_RETURN_IF_ERROR(ctx.services.db_instances->Create(i, &created));
  json::Writer w;
  w.StartObject().Field("instance_id", created.instance_id).Field("engine", created.engine).EndObject();
  res.body = w.Take();
  return Status::OK();
}

}  // namespace

void RegisterDevDbInstanceRoutes(Router<Route>& r) {
  r.Add("POST", "/csms-dev/db-instances", ClientCertRoute({CreateDbInstance, Access::kPublic, ""}));
}

}  // namespace csms::http::handlers
