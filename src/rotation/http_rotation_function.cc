#include "rotation/http_rotation_function.h"

#include <rapidjson/document.h>

#include "common/errors.h"
#include "json/reader.h"
#include "json/writer.h"

namespace csms::rotation {

std::string EncodeRequest(const RotationFunctionRequest& r) {
  json::Writer w;
  w.StartObject();
  w.Field("action", "rotate");
  w.Field("task_id", r.task_id);
  w.Field("project_id", r.project_id);
  w.Field("secret_id", r.secret_id);
  w.Field("secret_name", r.secret_name);
  w.Field("secret_type", r.secret_type);
  w.Field("current_version_id", r.current_version_id);
  w.Field("attempt", r.attempt);
  w.EndObject();
  return w.Take();
}

Status DecodeAnswer(const std::string& body, RotationFunctionAnswer* out) {
  rapidjson::Document doc;
  Status s = json::ParseObject(body, &doc);
  if (s.ok()) {
    json::ObjectReader r(doc);
    s = r.OptionalString("secret_string", &out->secret_string);
    if (s.ok()) s = r.OptionalString("secret_binary", &out->secret_binary);
  }
  if (!s.ok()) return errors::RotationFunctionFailed("rotation function response: " + s.message());
  return Status::OK();
}

Status HttpRotationFunction::Call(const RotationFunctionRequest& request, RotationFunctionAnswer* answer) {
  net::HttpCallResult result;
  if (!net::PostJson(request.url, EncodeRequest(request), options_, &result)) {
    return errors::RotationFunctionFailed(result.error);
  }
  if (result.status < 200 || result.status > 299) {
    return errors::RotationFunctionFailed("rotation function answered HTTP " + std::to_string(result.status));
  }
  return DecodeAnswer(result.body, answer);
}

}  // namespace csms::rotation
