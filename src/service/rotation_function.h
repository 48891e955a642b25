// RotationFunction: how the rotation use cases reach a rotation function, without knowing its
// transport or wire format (rotation/http_rotation_function.h implements it for http(s) URLs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"

namespace csms {

// What a rotation function is told: metadata only, never a value.
struct RotationFunctionRequest {
  std::string url;  // the secret's rotation_func_urn
  std::string task_id;
  std::string project_id;
  std::string secret_id;
  std::string secret_name;
  std::string secret_type;
  std::string current_version_id;  // "v<n>"
  int64_t attempt = 0;
};

// What it answered: the new value, as it would be sent to CreateSecretVersion (not yet checked).
struct RotationFunctionAnswer {
  std::optional<std::string> secret_string, secret_binary;
};

class RotationFunction {
 public:
  virtual ~RotationFunction() = default;
  // Calls the function. A failure (transport, deadline, a non-2xx answer, an unreadable body) is
  // errors::RotationFunctionFailed (CSMS.0806) with a message saying what happened.
  virtual Status Call(const RotationFunctionRequest& request, RotationFunctionAnswer* answer) = 0;
};

}  // namespace csms
