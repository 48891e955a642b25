// Agencies (spec §1.9): the record, per domain and database secret type, that csms is authorised
// to rotate database credentials of that type (on Huawei Cloud an IAM agency that lets the CSMS
// service act on RDS / TaurusDB). RDS-FG and GaussDB-FG secrets rotate only in a domain that has
// one for their type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csms {

inline constexpr std::string_view kSecretTypeRdsFg = "RDS-FG";
inline constexpr std::string_view kSecretTypeGaussDbFg = "GaussDB-FG";

// True for the secret types whose rotation needs an agency (RDS-FG, GaussDB-FG).
inline bool NeedsAgency(std::string_view secret_type) {
  return secret_type == kSecretTypeRdsFg || secret_type == kSecretTypeGaussDbFg;
}

struct Agency {
  std::string domain_id;
  std::string secret_type;  // RDS-FG or GaussDB-FG
  std::string agency_id;    // 32 hex digits, like an IAM agency id
  std::string agency_name;  // e.g. "csms_rds_fg_agency"
  int64_t create_time = 0;  // ms
};

// The name csms gives the agency of a secret type: "csms_rds_fg_agency", "csms_gaussdb_fg_agency".
std::string AgencyName(std::string_view secret_type);

}  // namespace csms
