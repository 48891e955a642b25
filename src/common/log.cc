#include "common/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/time_format.h"

namespace csms::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
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

void FlushLoop() {
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    FlushAccessLog();
  }
}

}  // namespace

void SetLevel(Level level) { g_level.store(static_cast<int>(level)); }

void Write(Level level, std::string_view message) {
  if (static_cast<int>(level) < g_level.load()) return;
  std::string line = FormatIso8601Seconds(SystemClock().NowMillis());
  line += ' ';
  line += LevelName(level);
  line += ' ';
  line += message;
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
