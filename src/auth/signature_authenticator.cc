#include "auth/signature_authenticator.h"

#include <algorithm>

#include "common/errors.h"
#include "common/utf8.h"
#include "crypto/constant_time.h"
#include "crypto/hash.h"
#include "domain/access_key.h"
#include "domain/identity.h"

namespace csms {
namespace {

Status VerifyFailure(const auth::VerifyResult& r) {
  using auth::VerifyCode;
  switch (r.code) {
    case VerifyCode::kOk:
      return Status::OK();
    case VerifyCode::kUnsupportedAlgorithm:
    case VerifyCode::kMalformed:
      return errors::MalformedAuthorization(r.message);
    case VerifyCode::kMissingDate:
    case VerifyCode::kDateNotSigned:
    case VerifyCode::kBadDateFormat:
      return errors::InvalidSdkDate(r.message);
    case VerifyCode::kDateOutOfWindow:
      return errors::RequestTimeSkewed(r.message);
    case VerifyCode::kMissingSignedHeader:
    case VerifyCode::kSignatureMismatch:
      return errors::InvalidSignature(r.message);
  }
  return errors::InvalidSignature(r.message);
}

bool IsSigned(const auth::ParsedAuthorization& auth, std::string_view name) {
  return std::find(auth.signed_headers.begin(), auth.signed_headers.end(), name) != auth.signed_headers.end();
}

}  // namespace

bool IsSignatureAuthorization(std::string_view authorization) {
  while (!authorization.empty() && (authorization.front() == ' ' || authorization.front() == '\t')) {
    authorization.remove_prefix(1);
  }
  // SDK-HMAC-SHA256, SDK-HMAC-SM3, SDK-ECDSA-P256-SHA256, SDK-SM2-SM3, V11-HMAC-SHA256.
  return authorization.rfind("SDK-", 0) == 0 || authorization.rfind("V11-", 0) == 0;
}

Status SignatureAuthenticator::Authenticate(const auth::SignedRequestView& request, std::string_view authorization,
                                            const std::string& path_project, Principal* out) {
  std::optional<auth::ParsedAuthorization> parsed = auth::ParseAuthorization(authorization);
  if (!parsed) {
    std::string_view scheme = authorization.substr(0, authorization.find(' '));
    if (scheme != auth::kSdkHmacSha256) {
      return errors::MalformedAuthorization("unsupported signing algorithm '" +
                                            std::string(utf8::Truncate(scheme, 32)) +
                                            "': csms accepts SDK-HMAC-SHA256 only");
    }
    return errors::MalformedAuthorization(
        "the Authorization header must have the form 'SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b;c>, "
        "Signature=<64 hex>'");
  }

  std::optional<std::string_view> header_project = request.header ? request.header("x-project-id") : std::nullopt;
  const std::string project_id = !path_project.empty() ? path_project : std::string(header_project.value_or(""));

  AccessKey key;
  User user;
  Project project;
  bool project_found = false;
  key_lookups_.fetch_add(1, std::memory_order_relaxed);
  Status s = store_->Read([&](Transaction& tx) -> Status {
    Status st = tx.access_keys().Get(parsed->access_key, &key);
    if (st.IsNotFound()) return errors::UnknownAccessKey("the access key in the Authorization header does not exist");
    CSMS_RETURN_IF_ERROR(st);
    CSMS_RETURN_IF_ERROR(tx.identity().GetUserById(key.user_id, &user));
    if (!project_id.empty()) {
      st = tx.identity().GetProjectById(project_id, &project);
      if (st.ok())
        project_found = true;
      else if (!st.IsNotFound())
        return st;
    }
    return Status::OK();
  });
  CSMS_RETURN_IF_ERROR(s);

  std::string secret_key;
  CSMS_RETURN_IF_ERROR(keyring_->Open(key.sealed_secret, key.access_key, &secret_key));
  int64_t now_ms = clock_->NowMillis();
  auth::VerifyResult verified = auth::VerifySignature(request, *parsed, secret_key, now_ms / 1000);
  CSMS_RETURN_IF_ERROR(VerifyFailure(verified));
  // UNSIGNED-PAYLOAD leaves the body out of the signature: a captured request could carry any body
  // for the 15 minutes of its window. The SDKs send it only for non-JSON bodies (every csms body is
  // JSON), and Python's empty-body quirk verified against the empty hash above, so a request with a
  // body must sign it.
  if (verified.payload_unsigned && !request.body.empty()) {
    return errors::InvalidSignature(
        "X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD is not accepted for a request with a body: sign the body's SHA-256");
  }

  // Only a caller holding the SK gets this far, so the key's state may be told precisely.
  if (key.status == AccessKeyStatus::kRevoked) return errors::AccessKeyRevoked("the access key has been revoked");
  if (!user.enabled) return errors::AccessKeyRevoked("the access key's user is disabled");
  if (key.expired(now_ms)) return errors::AccessKeyExpired("the temporary access key has expired");

  std::optional<std::string_view> token = request.header ? request.header("x-security-token") : std::nullopt;
  if (key.temporary()) {
    if (!token) return errors::InvalidSecurityToken("X-Security-Token is required with a temporary access key");
    if (!IsSigned(*parsed, "x-security-token")) {
      return errors::InvalidSecurityToken("x-security-token must be in SignedHeaders");
    }
    if (!crypto::ConstantTimeEquals(crypto::Sha256Hex(*token), key.security_token_hash)) {
      return errors::InvalidSecurityToken("X-Security-Token does not belong to the access key");
    }
  } else if (token) {
    return errors::InvalidSecurityToken("X-Security-Token was sent with a permanent access key");
  }

  if (header_project && !path_project.empty() && *header_project != path_project) {
    return errors::ProjectMismatch("X-Project-Id " + std::string(utf8::Truncate(*header_project, 64)) +
                                   " does not match the project " + path_project + " of the path");
  }
  if (!project_id.empty() && (!project_found || project.domain_id != user.domain_id)) {
    return errors::ProjectMismatch("the access key is not valid for project " +
                                   std::string(utf8::Truncate(project_id, 64)));
  }

  *out = Principal{user.id, user.name, user.domain_id, project_id, user.role, key.access_key};
  return Status::OK();
}

}  // namespace csms
