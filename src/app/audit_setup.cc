#include "app/audit_setup.h"

#include "common/log.h"
#include "crypto/random.h"

namespace csms {

Status OpenAuditLog(const AppConfig& config, std::unique_ptr<audit::Log>* out) {
  out->reset();
  if (config.audit_file.empty() && !config.audit_syslog) return Status::OK();
  std::string key;
  if (!config.audit_key_file.empty()) {
    CSMS_RETURN_IF_ERROR(audit::LoadOrCreateKey(config.audit_key_file, &key));
  } else if (config.dev) {
    key = crypto::RandomBytes(32);  // --dev: like its master key, dies with the process
  } else {
    CSMS_RETURN_IF_ERROR(audit::LoadOrCreateKey(config.data_dir + "/audit.key", &key));
  }
  std::string last_line;
  std::unique_ptr<audit::FileSink> file;
  if (!config.audit_file.empty()) {
    CSMS_RETURN_IF_ERROR(audit::FileSink::LastLine(config.audit_file, &last_line));
    CSMS_RETURN_IF_ERROR(audit::FileSink::Open(config.audit_file, config.audit_max_bytes, &file));
  }
  auto log = std::make_unique<audit::Log>(std::move(key), last_line);
  if (file) log->AddSink(std::move(file));
  if (config.audit_syslog) log->AddSink(std::make_unique<audit::SyslogSink>());
  log::Info("audit log:" + (config.audit_file.empty() ? std::string() : " " + config.audit_file) +
            (config.audit_syslog ? " syslog" : "") + (last_line.empty() ? " (new chain)" : " (chain continued)"));
  *out = std::move(log);
  return Status::OK();
}

}  // namespace csms
