// The audit log of a server from its flags (--audit-file, --audit-max-bytes, --audit-syslog,
// --audit-key-file): sinks opened, the chain continued from the file on disk, the HMAC key loaded.
#pragma once

#include <memory>

#include "app/server_app.h"
#include "audit/audit_log.h"
#include "common/status.h"

namespace csms {

// *out stays null when no sink is configured (auditing off).
Status OpenAuditLog(const AppConfig& config, std::unique_ptr<audit::Log>* out);

}  // namespace csms
