// Backup and restore of secrets (spec §1.9): DownloadSecretBlob at
// POST /v1/{project_id}/secrets/{secret_name}/backup and UploadSecretBlob at
// POST /v1/{project_id}/secrets/restore. The blob format is service/secret_backup.h's.
#include <rapidjson/document.h>

#include "http/handlers/handlers.h"
#include "json/reader.h"
#include "service/secret_backup.h"

namespace csms::http::handlers {
namespace {

Status DownloadSecretBlob(RequestContext& ctx, HttpResponse& res) {
  std::string blob;
  CSMS_RETURN_IF_ERROR(ctx.services.backups->Download(ctx.project_id(), ctx.params.Get("secret_name"), &blob));
  json::Writer w;
  w.StartObject().Field("secret_blob", blob).EndObject();
  res.body = w.Take();
  return Status::OK();
}

Status UploadSecretBlob(RequestContext& ctx, HttpResponse& res) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(ctx.req.body, &doc));
  json::ObjectReader body(doc);
  std::string blob;
  CSMS_RETURN_IF_ERROR(body.RequireString("secret_blob", &blob));
  Secret secret;
  CSMS_RETURN_IF_ERROR(ctx.services.backups->Upload(ctx.project_id(), blob, &secret));
  json::Writer w;
  w.StartObject().Key("secret");
  WriteSecret(w, secret);
  w.EndObject();
  res.body = w.Take();
  return Status::OK();
}

}  // namespace

void RegisterSecretBackupRoutes(Router<Route>& r) {
  // csms:secret:get and csms:secret:create, as spec §5.3 names them: a blob is opaque and opens
  // only in its own project, where restoring it needs csms:secret:create (decisions.md).
  r.Add("POST", "/v1/{project_id}/secrets/{secret_name}/backup",
        {DownloadSecretBlob, Access::kProject, "csms:secret:get"});
  r.Add("POST", "/v1/{project_id}/secrets/restore", {UploadSecretBlob, Access::kProject, "csms:secret:create"});
}

}  // namespace csms::http::handlers
