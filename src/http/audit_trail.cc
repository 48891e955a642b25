#include "http/audit_trail.h"

#include "audit/audit_log.h"
#include "auth/signature.h"
#include "auth/signature_authenticator.h"
#include "common/errors.h"
#include "http/api.h"

namespace csms::http {

AuditTrail::AuditTrail(audit::Log* log, int64_t now_ms, const HttpRequest& req, const Route& route,
                       const PathParams& params) {
  if (!log || (route.access == Access::kPublic && !*route.action)) return;
  log_ = log;
  write_ = req.method != "GET" && req.method != "HEAD";
  audit::Record& r = record_;
  r.time_ms = now_ms;
  r.request_id = std::string(req.request_id);
  r.source = std::string(req.remote_address);
  r.method = std::string(req.method);
  r.path = std::string(req.path);
  r.action = route.action;
  r.project = params.Get("project_id");
  r.secret = params.Get("secret_name");
  if (r.secret.empty()) r.secret = params.Get("secret_id");
  r.version = params.Get("version_id");
  r.event = params.Get("event_name");
  // The credentials presented, before they are checked: an authentication failure names them too.
  if (route.access == Access::kPublic) return;
  auto authorization = req.header("authorization");
  if (authorization && IsSignatureAuthorization(*authorization)) {
    r.auth = "aksk";
    if (auto parsed = auth::ParseAuthorization(*authorization)) r.access_key = parsed->access_key;
    if (auto token = req.header("x-security-token")) {
      r.security_token = std::string(*token);
      r.temporary_credential = true;
    }
  } else if (auto token = req.header("x-auth-token")) {
    r.auth = "token";
    r.token = std::string(*token);
  }
}

void AuditTrail::Login(std::string_view user_name, std::string_view domain) {
  if (!log_) return;
  record_.auth = "password";
  record_.user_name = std::string(user_name);
  record_.domain_name = std::string(domain);
}

void AuditTrail::Authenticated(const Principal& p) {
  if (!log_) return;
  record_.user_id = p.user_id;
  record_.user_name = p.user_name;
  record_.domain_id = p.domain_id;
  if (record_.project.empty()) record_.project = p.project_id;
}

Status AuditTrail::BeforeHandler() {
  if (!log_ || !write_) return Status::OK();
  record_.type = "request";
  if (!record_.user_id.empty()) return log_->Append(record_);
  // Nobody is authenticated yet (a login): rate-limited per source, like its failure line; the
  // request's final line follows this one's fate (below).
  bool written = false;
  CSMS_RETURN_IF_ERROR(log_->AppendThrottled(record_, &written));
  anonymous_ = written ? Anonymous::kWritten : Anonymous::kSuppressed;
  return Status::OK();
}

Status AuditTrail::Finish(int status, const Status& error) {
  if (!log_) return Status::OK();
  record_.status = status;
  record_.error_code = error.ok() ? std::string() : error.code();
  if (error.ok()) {
    record_.type = "response";
  } else if (error.code() == errors::TooManyAttempts("").code()) {
    record_.type = "lockout";
  } else if (error.kind() == Status::Kind::kUnauthenticated || error.code() == errors::WrongOldPassword("").code()) {
    record_.type = "auth_failure";
  } else {
    record_.type = "response";
  }
  // A failure of a request nobody authenticated for (auth_failure, lockout, a failed login): rate-
  // limited per source (audit/failure_throttle.h), so anonymous clients cannot fill the disk. A
  // login whose request line was written gets its final line too; one left out leaves both out.
  if (!error.ok() && record_.user_id.empty()) {
    if (anonymous_ == Anonymous::kSuppressed) return Status::OK();
    if (anonymous_ == Anonymous::kUnknown) {
      bool written = false;
      return log_->AppendThrottled(record_, &written);
    }
  }
  return log_->Append(record_);
}

}  // namespace csms::http
