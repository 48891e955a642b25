#include "common/module_loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <vector>

#include "common/errors.h"

namespace csms {
namespace {

std::string ExecutableDir() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return "";
  std::string path(buf, static_cast<size_t>(n));
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

std::vector<std::string> SearchDirs() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("CSMS_MODULE_DIR"); env && *env) dirs.emplace_back(env);
  std::string exe = ExecutableDir();
  if (!exe.empty()) {
    dirs.push_back(exe);
    dirs.push_back(exe + "/../lib/csms");
  }
  return dirs;
}

std::mutex mu;
std::map<std::string, void*>* handles = new std::map<std::string, void*>;  // never freed: modules stay loaded

}  // namespace

Status LoadModuleSymbol(const std::string& file, const char* symbol, void** out) {
  std::lock_guard<std::mutex> lock(mu);
  void*& handle = (*handles)[file];
  if (handle == nullptr) {
    std::string tried;
    for (const std::string& dir : SearchDirs()) {
      std::string path = dir + "/" + file;
      if (access(path.c_str(), F_OK) != 0) {
        tried += (tried.empty() ? "" : ", ") + path;
        continue;
      }
      handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (handle == nullptr) {
        const char* why = dlerror();
        return errors::Internal("cannot load the module " + path + ": " + (why ? why : "unknown error"));
      }
      break;
    }
    if (handle == nullptr) {
      return errors::Internal("the module " + file + " is not installed (looked in " + tried +
                              "; CSMS_MODULE_DIR names another directory)");
    }
  }
  void* address = dlsym(handle, symbol);
  if (address == nullptr) return errors::Internal("the module " + file + " has no entry point " + symbol);
  *out = address;
  return Status::OK();
}

}  // namespace csms
