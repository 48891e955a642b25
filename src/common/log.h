// Minimal leveled logging to stderr plus a buffered access log. Never pass secret values or
// credentials here: callers log names and ids only.
#pragma once

#include <string_view>

namespace csms::log {

enum class Level { kDebug, kInfo, kWarn, kError };

void SetLevel(Level level);
void Write(Level level, std::string_view message);
inline void Info(std::string_view m) { Write(Level::kInfo, m); }
inline void Warn(std::string_view m) { Write(Level::kWarn, m); }
inline void Error(std::string_view m) { Write(Level::kError, m); }

// Access log: one line per request, buffered and flushed in the background so the request path
// does not pay a write(2) per request. Disabled until EnableAccessLog is called.
void EnableAccessLog(bool enabled);
bool AccessLogEnabled();
void Access(std::string_view line);
void FlushAccessLog();

}  // namespace csms::log
