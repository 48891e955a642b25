// AuditTrail: one request's audit record (audit/record.h) and the lines it writes (docs/audit.md).
// Built by Api::Run on the pool thread that runs the request, never on an I/O thread: with an
// audit log, routes that could be answered on the I/O thread from memory (Route::cached) go to
// the reader pool instead (Api::Handle), so every audited line is written off the I/O threads.
// Without an audit log the trail is inert and each call returns at once.
//
// Lines: a write (any method but GET/HEAD) that passed authentication and the checks writes a
// "request" line before its handler runs, so a write whose line cannot be written never happens
// (503); every audited request then writes its final line ("response", "auth_failure" or
// "lockout") before the answer is handed to the server (503 when that fails: the answer, e.g. a
// secret value, is never sent unaudited). Lines of requests nobody authenticated for (a login's,
// auth_failure, lockout) are rate-limited per source address (audit/failure_throttle.h).
#pragma once

#include <string>
#include <string_view>

#include "audit/record.h"
#include "auth/principal.h"
#include "common/status.h"
#include "http/message.h"
#include "http/router.h"

namespace csms::audit {
class Log;
}

namespace csms::http {

struct Route;

class AuditTrail {
 public:
  // Inert when `log` is null, or when the route is public and names no action (health, --dev).
  AuditTrail(audit::Log* log, int64_t now_ms, const HttpRequest& req, const Route& route, const PathParams& params);

  bool active() const { return log_ != nullptr; }
  // A password login's claimed user (POST /v3/auth/tokens), before it is checked.
  void Login(std::string_view user_name, std::string_view domain);
  // The caller, once authenticated (or the user a login authenticated).
  void Authenticated(const Principal& principal);
  // The "request" line of a write about to run; an error (to answer with) when it cannot be written.
  Status BeforeHandler();
  // The final line for an answer of `status` (`error`: what failed, ok on success); an error
  // when it cannot be written, and the answer must then not be sent.
  Status Finish(int status, const Status& error);

 private:
  audit::Log* log_ = nullptr;
  audit::Record record_;
  bool write_ = false;  // not GET/HEAD
  // The "request" line of a write nobody was authenticated for yet (a login), rate-limited.
  enum class Anonymous { kUnknown, kWritten, kSuppressed };
  Anonymous anonymous_ = Anonymous::kUnknown;
};

}  // namespace csms::http
