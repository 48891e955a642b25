#include "http/body_limits.h"

#include <algorithm>
#include <limits>

namespace csms::http {
namespace {

constexpr size_t kBulk = std::numeric_limits<size_t>::max();  // up to --max-body-bytes

// Keep in step with the handlers' route tables (tests/unit/body_limits_test.cc checks it).
constexpr BodyLimits::Listed kRoutes[] = {
    {"POST", "/v1/{project_id}/secrets", BodyLimits::kSecretValue},
    {"PUT", "/v1/{project_id}/secrets/{secret_name}", BodyLimits::kSecretValue},
    {"POST", "/v1/{project_id}/secrets/{secret_name}/versions", BodyLimits::kSecretValue},
    {"POST", "/v1/{project_id}/secrets/checker/check", BodyLimits::kSecretValue},
    {"POST", "/v1/{project_id}/secrets/restore", kBulk},
    {"POST", "/v1/{project_id}/secrets/batch-import", kBulk},
};

}  // namespace

BodyLimits::BodyLimits(size_t max_body) : max_body_(max_body) {
  for (const Listed& r : kRoutes) router_.Add(r.method, r.path_template, r.limit);
}

size_t BodyLimits::For(std::string_view method, std::string_view target, bool credentials) const {
  if (!credentials) return std::min(kDefault, max_body_);
  std::string_view path = target.substr(0, target.find('?'));
  const size_t* limit = nullptr;
  PathParams params;
  size_t found = router_.Find(method, path, &limit, &params) == Router<size_t>::Match::kFound ? *limit : kDefault;
  return std::min(found, max_body_);
}

std::vector<BodyLimits::Listed> BodyLimits::Routes() const { return {std::begin(kRoutes), std::end(kRoutes)}; }

}  // namespace csms::http
