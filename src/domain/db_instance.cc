#include "domain/db_instance.h"

#include "common/errors.h"

namespace csms {
namespace {

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

// A host name or address: letters, digits, '.', '-', ':' (IPv6), '_'; 1..253 characters.
bool IsHostName(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  for (char c : h) {
    if (!IsIdChar(c) && c != ':') return false;
  }
  return true;
}

}  // namespace

bool IsDatabaseSecretType(std::string_view type) { return type == kSecretTypeRds || type == kSecretTypeGaussDb; }

Status CheckDbInstance(const DbInstance& i) {
  if (i.instance_id.empty() || i.instance_id.size() > 64) {
    return errors::InvalidParameter("invalid instance_id: must be 1 to 64 characters of [a-zA-Z0-9_.-]");
  }
  for (char c : i.instance_id) {
    if (!IsIdChar(c))
      return errors::InvalidParameter("invalid instance_id: must be 1 to 64 characters of [a-zA-Z0-9_.-]");
  }
  if (i.engine != kDbEnginePostgresql && i.engine != kDbEngineMysql) {
    return errors::InvalidParameter("invalid engine: must be postgresql or mysql");
  }
  if (!IsHostName(i.host)) return errors::InvalidParameter("invalid host: must be a host name or address");
  if (i.port < 1 || i.port > 65535) return errors::InvalidParameter("invalid port: must be 1 to 65535");
  if (i.tls_mode != "disable" && i.tls_mode != "require" && i.tls_mode != "verify-full") {
    return errors::InvalidParameter("invalid tls_mode: must be disable, require or verify-full");
  }
  if (i.ca_file.size() > 4096) return errors::InvalidParameter("invalid ca_file: too long");
  if (i.admin_secret.size() > 64) return errors::InvalidParameter("invalid admin_secret: must be a secret name");
  return Status::OK();
}

bool IsDbPasswordSafe(std::string_view password) {
  if (password.empty() || password.size() > 128) return false;
  for (char c : password) {
    if (c == '\'' || c == '"' || c == '\\' || c == '`' || static_cast<unsigned char>(c) < 0x20 ||
        static_cast<unsigned char>(c) >= 0x7f) {
      return false;
    }
  }
  return true;
}

}  // namespace csms
