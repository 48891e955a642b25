#include "service/agency_service.h"

#include "common/errors.h"
#include "crypto/random.h"

namespace csms {

Status CheckAgencySecretType(std::string_view field, std::string_view secret_type) {
  if (NeedsAgency(secret_type)) return Status::OK();
  return errors::InvalidParameter("invalid " + std::string(field) + ": must be RDS-FG or GaussDB-FG");
}

Status AgencyService::IsGranted(const std::string& domain_id, const std::string& secret_type, bool* granted) {
  CSMS_RETURN_IF_ERROR(CheckAgencySecretType("secret_type", secret_type));
  return store_->Read([&](Transaction& tx) -> Status {
    Agency agency;
    Status s = tx.agencies().Get(domain_id, secret_type, &agency);
    if (s.kind() == Status::Kind::kNotFound) {
      *granted = false;
      return Status::OK();
    }
    CSMS_RETURN_IF_ERROR(s);
    *granted = true;
    return Status::OK();
  });
}

Status AgencyService::Create(const std::string& domain_id, const std::string& secret_type, Agency* out) {
  CSMS_RETURN_IF_ERROR(CheckAgencySecretType("secret_type", secret_type));
  return store_->Write([&](Transaction& tx) -> Status {
    Status s = tx.agencies().Get(domain_id, secret_type, out);
    if (s.ok() || s.kind() != Status::Kind::kNotFound) return s;
    out->domain_id = domain_id;
    out->secret_type = secret_type;
    out->agency_id = crypto::RandomHex(16);
    out->agency_name = AgencyName(secret_type);
    out->create_time = clock_->NowMillis();
    return tx.agencies().Insert(*out);
  });
}

Status CheckAgencyGranted(Transaction& tx, const Secret& secret) {
  if (!NeedsAgency(secret.secret_type)) return Status::OK();
  Project project;
  CSMS_RETURN_IF_ERROR(tx.identity().GetProjectById(secret.project_id, &project));
  Agency agency;
  Status s = tx.agencies().Get(project.domain_id, secret.secret_type, &agency);
  if (s.kind() == Status::Kind::kNotFound) {
    return errors::AgencyNotGranted("csms is not authorised to rotate " + secret.secret_type +
                                    " secrets in this domain: create the agency first (POST /v1/csms/agencies "
                                    "{\"secret_type\":\"" +
                                    secret.secret_type + "\"})");
  }
  return s;
}

}  // namespace csms
