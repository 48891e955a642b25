#include "service/user_service.h"

#include "common/errors.h"

namespace csms {

Status UserService::List(const UserQuery& q, UserPage* out) {
  if (q.offset < 0) return errors::InvalidParameter("offset must be 0 or more");
  if (q.limit < kMinLimit || q.limit > kMaxLimit) return errors::InvalidParameter("limit must be 10 to 100");
  if (q.name_contains.size() > kMaxUserInfoLength) {
    return errors::InvalidParameter("user_info must have at most 64 characters");
  }
  return store_->Read([&](Transaction& tx) -> Status {
    CSMS_RETURN_IF_ERROR(tx.identity().CountUsers(q.domain_id, q.name_contains, &out->total));
    return tx.identity().ListUsers(q.domain_id, q.name_contains, q.offset, q.limit, &out->users);
  });
}

Status UserService::Get(const std::string& domain_id, const std::string& user_id, UserDetail* out) {
  const Status not_found = errors::ResourceNotFound("no user with id " + user_id + " in this domain");
  if (user_id.empty() || user_id.size() > 64) return not_found;
  return store_->Read([&](Transaction& tx) -> Status {
    Status s = tx.identity().GetUserDetail(user_id, out);
    if (s.IsNotFound() || (s.ok() && out->user.domain_id != domain_id)) return not_found;
    return s;
  });
}

}  // namespace csms
