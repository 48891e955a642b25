#include "service/readiness.h"

#include "common/errors.h"

namespace csms {

Status ReadinessService::Check() const {
  if (master_key_ == nullptr || !master_key_->loaded()) return errors::Unavailable("the master key is not loaded");
  Status s = store_->CheckSchema();
  if (!s.ok() && s.kind() != Status::Kind::kUnavailable) {
    return errors::Unavailable("the database is not usable: " + s.message());
  }
  return s;
}

}  // namespace csms
