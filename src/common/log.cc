#include "common/log.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/time_format.h"
#include "common/utf8.h"

namespace csms::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::atomic<int> g_format{static_cast<int>(Format::kText)};
std::atomic<bool> g_access_enabled{false};
std::mutex g_access_mu;
std::string g_access_buf;

const char* LevelName(Level l) {
  switch (l) {
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarn:
      return "WARN";
    case Level::kError:
      return "ERROR";
  }
  return "?";
}

const char* JsonLevelName(Level l) {
  switch (l) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "?";
}

void FlushLoop() {
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    FlushAccessLog();
  }
}

// A text value: bare when it is a plain token, else quoted with \" \\ and control characters escaped.
void AppendTextValue(std::string& out, std::string_view raw) {
  std::string value = utf8::Sanitize(raw);
  bool plain = !value.empty();
  for (unsigned char c : value) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) plain = false;
  }
  if (plain) {
    out += value;
    return;
  }
  out += '"';
  for (unsigned char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < ' ' || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

// The line without its trailing newline.
std::string Render(Level level, std::string_view message, std::initializer_list<Field> fields) {
  const std::string time = FormatIso8601Millis(SystemClock().NowMillis());
  if (static_cast<Format>(g_format.load(std::memory_order_relaxed)) == Format::kJson) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    auto str = [&w](std::string_view s) {
      std::string valid = utf8::Sanitize(s);  // the writer escapes control characters and quotes
      w.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
    };
    w.StartObject();
    w.Key("time");
    str(time);
    w.Key("level");
    w.String(JsonLevelName(level));
    w.Key("msg");
    str(message);
    for (const Field& f : fields) {
      str(f.key);
      if (f.is_number) {
        w.Int64(f.number);
      } else {
        str(f.text);
      }
    }
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
  }
  std::string line = time;
  line += ' ';
  line += LevelName(level);
  line += ' ';
  if (fields.size() == 0) {
    // A free-text message: kept as written, but one line whatever it holds.
    for (char c : utf8::Sanitize(message)) line += c == '\n' ? ' ' : c;
    return line;
  }
  line += utf8::Sanitize(message);
  for (const Field& f : fields) {
    line += ' ';
    line += f.key;
    line += '=';
    if (f.is_number) {
      line += std::to_string(f.number);
    } else {
      AppendTextValue(line, f.text);
    }
  }
  return line;
}

}  // namespace

void SetLevel(Level level) { g_level.store(static_cast<int>(level)); }

bool ParseLevel(std::string_view name, Level* out) {
  if (name == "debug") {
    *out = Level::kDebug;
  } else if (name == "info") {
    *out = Level::kInfo;
  } else if (name == "warn") {
    *out = Level::kWarn;
  } else if (name == "error") {
    *out = Level::kError;
  } else {
    return false;
  }
  return true;
}

void SetFormat(Format format) { g_format.store(static_cast<int>(format)); }
Format CurrentFormat() { return static_cast<Format>(g_format.load(std::memory_order_relaxed)); }

void Write(Level level, std::string_view message) { Write(level, message, {}); }

void Write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  if (static_cast<int>(level) < g_level.load()) return;
  std::string line = Render(level, message, fields);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void EnableAccessLog(bool enabled) {
  bool was = g_access_enabled.exchange(enabled);
  if (enabled && !was) {
    static std::once_flag once;
    std::call_once(once, [] { std::thread(FlushLoop).detach(); });
  }
}

bool AccessLogEnabled() { return g_access_enabled.load(std::memory_order_relaxed); }

void Access(std::string_view line) {
  std::lock_guard<std::mutex> lock(g_access_mu);
  g_access_buf.append(line);
  g_access_buf.push_back('\n');
  if (g_access_buf.size() > (256 << 10)) {
    std::fwrite(g_access_buf.data(), 1, g_access_buf.size(), stdout);
    std::fflush(stdout);
    g_access_buf.clear();
  }
}

void Access(std::initializer_list<Field> fields) { Access(Render(Level::kInfo, "request", fields)); }

void FlushAccessLog() {
  std::string out;
  {
    std::lock_guard<std::mutex> lock(g_access_mu);
    out.swap(g_access_buf);
  }
  if (out.empty()) return;
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

}  // namespace csms::log
