// Storage of agencies: one per domain and secret type (domain/agency.h).
#pragma once

#include <string>

#include "common/status.h"
#include "domain/agency.h"

namespace csms {

class AgencyRepository {
 public:
  virtual ~AgencyRepository() = default;
  // kConflict when the domain has one for that secret type already.
  virtual Status Insert(const Agency& agency) = 0;
  // kNotFound when the domain has none for that secret type.
  virtual Status Get(const std::string& domain_id, const std::string& secret_type, Agency* out) = 0;
};

}  // namespace csms
