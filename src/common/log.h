// Leveled logging to stderr plus a buffered access log on stdout, as text or JSON lines
// (--log-format, --log-level; docs/observability.md). Never pass secret values or credentials
// here: callers log names and ids only. Every string is made valid UTF-8 and control characters
// are escaped, so a logged name cannot forge a line.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace csms::log {

enum class Level { kDebug, kInfo, kWarn, kError };
enum class Format { kText, kJson };

void SetLevel(Level level);
bool ParseLevel(std::string_view name, Level* out);  // "debug", "info", "warn", "error"
void SetFormat(Format format);
Format CurrentFormat();

// One field of a structured line: text, or an integer.
struct Field {
  Field(std::string_view k, std::string_view v) : key(k), text(v) {}
  Field(std::string_view k, const char* v) : key(k), text(v) {}
  Field(std::string_view k, int64_t v) : key(k), number(v), is_number(true) {}
  Field(std::string_view k, int v) : key(k), number(v), is_number(true) {}
  std::string_view key;
  std::string_view text;
  int64_t number = 0;
  bool is_number = false;
};

void Write(Level level, std::string_view message);
// A structured line: text `TIME LEVEL message key=value ...`, or JSON
// {"time":…,"level":…,"msg":message,key:value,…}.
void Write(Level level, std::string_view message, std::initializer_list<Field> fields);
inline void Info(std::string_view m) { Write(Level::kInfo, m); }
inline void Warn(std::string_view m) { Write(Level::kWarn, m); }
inline void Error(std::string_view m) { Write(Level::kError, m); }

// Access log: one line per request, buffered and flushed in the background so the request path
// does not pay a write(2) per request. Disabled until EnableAccessLog is called.
void EnableAccessLog(bool enabled);
bool AccessLogEnabled();
void Access(std::string_view line);
// One structured access line (message "request"), in the current format.
void Access(std::initializer_list<Field> fields);
void FlushAccessLog();

}  // namespace csms::log
