#include "http/error_body.h"

#include "json/writer.h"

namespace csms::http {

std::string ErrorBody(const Status& status) {
  json::Writer w;
  w.StartObject();
  w.Field("error_code", status.code()).Field("error_msg", status.message());
  w.Key("error").StartObject().Field("error_code", status.code()).Field("error_msg", status.message()).EndObject();
  w.EndObject();
  return w.Take();
}

}  // namespace csms::http
