// HttpRotationFunction: the rotation-function protocol over http(s) (our extension, docs/secrets.md).
// The request is a JSON object of metadata, never a value:
//   {"action":"rotate","task_id","project_id","secret_id","secret_name","secret_type",
//    "current_version_id","attempt"}
// and a 2xx answer carries {"secret_string":"..."} or {"secret_binary":"<base64>"}. Anything else
// (no answer in time, another status, a body that is not such an object) is
// errors::RotationFunctionFailed (CSMS.0806) saying what happened.
#pragma once

#include <string>

#include "net/http_call.h"
#include "service/rotation_function.h"

namespace csms::rotation {

// The request body sent to a rotation function.
std::string EncodeRequest(const RotationFunctionRequest& request);
// Reads a 2xx answer's body.
Status DecodeAnswer(const std::string& body, RotationFunctionAnswer* out);

class HttpRotationFunction : public RotationFunction {
 public:
  explicit HttpRotationFunction(net::HttpCallOptions options) : options_(std::move(options)) {}
  Status Call(const RotationFunctionRequest& request, RotationFunctionAnswer* answer) override;

 private:
  net::HttpCallOptions options_;
};

}  // namespace csms::rotation
