// AgencyService: ShowAgency / CreateAgency (spec §1.9). An agency records, per domain and
// database secret type (RDS-FG, GaussDB-FG), that csms is authorised to rotate database
// credentials of that type; RotationService refuses to rotate such a secret without one
// (CheckAgencyGranted). Creating one that exists answers the existing one (idempotent, as the
// console's "authorise" button is).
#pragma once

#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "domain/agency.h"
#include "domain/secret.h"
#include "store/store.h"

namespace csms {

class AgencyService {
 public:
  AgencyService(Store* store, const Clock* clock) : store_(store), clock_(clock) {}

  // `secret_type` must be RDS-FG or GaussDB-FG (400 naming secret_type otherwise).
  Status IsGranted(const std::string& domain_id, const std::string& secret_type, bool* granted);
  Status Create(const std::string& domain_id, const std::string& secret_type, Agency* out);

 private:
  Store* store_;
  const Clock* clock_;
};

// 400 naming `field` unless `secret_type` is one that takes an agency.
Status CheckAgencySecretType(std::string_view field, std::string_view secret_type);

// Inside a transaction: ok for a secret type that needs no agency or whose project's domain has
// one; errors::AgencyNotGranted otherwise.
Status CheckAgencyGranted(Transaction& tx, const Secret& secret);

}  // namespace csms
