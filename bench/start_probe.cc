// make bench: one start of csmsd timed from its exec, for bench/startup.sh. Starts BINARY ARGS...
// with posix_spawn (glibc's is a vfork: the child shares this small process's memory until its
// exec, so no page tables are copied), polls connect() to 127.0.0.1:PORT with 0.2 ms pauses, then
// asks GET /healthz. Prints "PID LISTEN_US ANSWER_US FAULTS" (and flushes): microseconds from just
// before the spawn to the first accepted connection and to the answer's status line, and csmsd's
// minor page faults at listening. Then waits for csmsd to exit (the script stops it with PID) and
// reaps it; its stdout and stderr go to LOG. Prints nothing and exits 1 when csmsd exits before
// listening, does not listen within 60 s, or /healthz does not answer 200 within 10 s (csmsd is
// then killed here). A csmsd the script never stops is killed after 120 s, so none is left behind.
//
// Why not bash's `&`: bash forks itself first, and on a VM where a page fault costs tens of µs
// copying and then tearing down a shell's address space added 8–11 ms before csmsd's exec to
// every figure (decision 129). A test suite starts csmsd from a small process, or with
// posix_spawn, as here.
// Not a Google Benchmark: bench/startup.sh compiles it on the fly with the system's C++ compiler.
//
// Usage: start_probe PORT LOG BINARY [ARGS...]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

long Micros(Clock::time_point from) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - from).count());
}

// Field 10 of /proc/PID/stat (minor faults), read past the command name, which may hold spaces.
long MinorFaults(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(f, line)) return 0;
  size_t close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 10 && rest >> field; ++i) {
    if (i == 10) return std::strtol(field.c_str(), nullptr, 10);
  }
  return 0;
}

int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) return fd;
  ::close(fd);
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: start_probe PORT LOG BINARY [ARGS...]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const auto start = Clock::now();
  if (int rc = posix_spawn(&pid, argv[3], &actions, nullptr, argv + 3, environ); rc != 0) {
    std::fprintf(stderr, "start_probe: cannot start %s: %s\n", argv[3], std::strerror(rc));
    return 1;
  }
  auto give_up = [pid](const char* why) {
    std::fprintf(stderr, "start_probe: %s\n", why);
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return 1;
  };
  int fd = -1;
  while ((fd = Connect(port)) < 0) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      std::fprintf(stderr, "start_probe: csmsd exited before listening (port %d)\n", port);
      return 1;
    }
    if (Clock::now() - start > std::chrono::seconds(60)) return give_up("csmsd did not listen within 60 s");
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  timeval answer_timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &answer_timeout, sizeof(answer_timeout));
  const long listen_us = Micros(start);
  const long faults = MinorFaults(pid);
  const char request[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  std::string answer;
  if (::write(fd, request, sizeof(request) - 1) == static_cast<ssize_t>(sizeof(request) - 1)) {
    char buf[256];
    while (answer.find("\r\n") == std::string::npos) {
      ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n <= 0) break;
      answer.append(buf, static_cast<size_t>(n));
    }
  }
  const long answer_us = Micros(start);
  ::close(fd);
  if (answer.rfind("HTTP/1.1 200", 0) != 0) return give_up("GET /healthz did not answer 200 within 10 s");
  std::printf("%d %ld %ld %ld\n", static_cast<int>(pid), listen_us, answer_us, faults);
  std::fflush(stdout);
  for (int i = 0; i < 120'000; ++i) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return give_up("csmsd was not stopped within 120 s");
}
