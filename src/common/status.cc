#include "common/status.h"

namespace csms {

int Status::http_status() const {
  switch (kind_) {
    case Kind::kOk:
      return 200;
    case Kind::kInvalidArgument:
      return 400;
    case Kind::kFailedPrecondition:
      return 400;
    case Kind::kUnauthenticated:
      return 401;
    case Kind::kPermissionDenied:
      return 403;
    case Kind::kNotFound:
      return 404;
    case Kind::kMethodNotAllowed:
      return 405;
    case Kind::kConflict:
      return 409;
    case Kind::kPayloadTooLarge:
      return 413;
    case Kind::kTooManyRequests:
      return 429;
    case Kind::kUnavailable:
      return 503;
    case Kind::kInternal:
      return 500;
  }
  return 500;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return code_ + ": " + message_;
}

}  // namespace csms
