#include "support/csmsd_process.h"

#include "support/engine.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace csms::test {
namespace {

pid_t Spawn(const std::vector<std::string>& args, const std::string& log_path, long open_file_limit = 0) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  if (open_file_limit > 0) {
    struct rlimit rl;
    rl.rlim_cur = rl.rlim_max = static_cast<rlim_t>(open_file_limit);
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) _exit(126);
  }
  int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd >= 0) {
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
  }
  // Nothing else of the test process leaks into csmsd: an inherited listening socket (a test's
  // receiver) would keep accepting connections there after the test closed it.
  for (int i = 3, max = static_cast<int>(sysconf(_SC_OPEN_MAX)); i < max && i < 65536; ++i) close(i);
  std::vector<char*> argv;
  std::string bin = CSMSD_PATH;
  argv.push_back(bin.data());
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(bin.c_str(), argv.data());
  _exit(127);
}

bool WaitExit(pid_t pid, int timeout_ms, int* status) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

}  // namespace

CsmsdProcess::CsmsdProcess() = default;

CsmsdProcess::~CsmsdProcess() {
  if (pid_ > 0) Kill();
}

bool CsmsdProcess::Start(const std::vector<std::string>& args) {
  std::string port_file = dir_.File("port");
  std::filesystem::remove(port_file);
  std::vector<std::string> full = {"--listen", "127.0.0.1:0", "--port-file", port_file};
  bool has_dir = false, dev = false, has_allow = false;
  for (auto& a : args) {
    has_dir |= (a == "--data-dir" || a == "--dev");
    dev |= a == "--dev";
    has_allow |= a == "--webhook-allow";
  }
  if (!has_dir) {
    full.push_back("--data-dir");
    full.push_back(data_dir());
  }
  // Tests' webhook receivers and rotation functions listen on 127.0.0.1, which a production
  // server refuses by default (--webhook-allow external): a non-dev server gets
  // --webhook-allow loopback unless the test passes --webhook-allow itself.
  if (!dev && !has_allow) {
    full.push_back("--webhook-allow");
    full.push_back("loopback");
  }
  full.insert(full.end(), args.begin(), args.end());
  full = WithEngineArgs(full, data_dir());
  pid_ = Spawn(full, dir_.File("csmsd.log"), open_file_limit_);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(port_file);
    int port = 0;
    if (in >> port && port > 0) {
      port_ = static_cast<uint16_t>(port);
      return true;
    }
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

bool CsmsdProcess::Signal(int signal) { return pid_ > 0 && kill(pid_, signal) == 0; }

int CsmsdProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  if (!WaitExit(pid_, 20000, &status)) {
    Kill();
    return -1;
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void CsmsdProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

bool CsmsdProcess::Running() {
  if (pid_ <= 0) return false;
  int status;
  return waitpid(pid_, &status, WNOHANG) == 0;
}

std::string CsmsdProcess::Log() const {
  std::ifstream in(dir_.File("csmsd.log"));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int RunCsmsd(const std::vector<std::string>& args, std::string* output) {
  TempDir dir("csms-run");
  std::string log = dir.File("out");
  pid_t pid = Spawn(WithEngineAdminArgs(args), log);
  int status = 0;
  waitpid(pid, &status, 0);
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  if (output) *output = ss.str();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace csms::test
