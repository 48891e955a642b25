#include "cli/config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/cli_error.h"
#include "json/reader.h"
#include "json/writer.h"

namespace csms::cli {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// The keys of one profile in config.toml, from CLI11's TOML reader.
std::map<std::string, std::string> ReadProfile(const std::string& path, const std::string& profile, bool must_exist) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  if (!in) {
    if (must_exist) throw UsageError("profile '" + profile + "' requested but " + path + " cannot be read");
    return out;
  }
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_config(in);
  } catch (const CLI::Error& e) {
    throw UsageError(path + ": " + e.what());
  }
  bool found = false;
  for (const auto& item : items) {
    if (item.name == "++" || item.name == "--") {
      if (item.parents.size() == 1 && item.parents[0] == profile) found = true;
      continue;
    }
    // Top-level keys belong to the profile "default".
    bool mine = item.parents.empty() ? profile == "default" : item.parents.size() == 1 && item.parents[0] == profile;
    if (!mine) continue;
    found = true;
    if (item.inputs.size() != 1) throw UsageError(path + ": " + item.fullname() + " must be one string");
    out[item.name] = item.inputs[0];
  }
  if (must_exist && !found) throw UsageError("profile '" + profile + "' is not in " + path);
  return out;
}

void Fill(std::string* field, const std::map<std::string, std::string>& profile, const char* key) {
  if (!field->empty()) return;
  auto it = profile.find(key);
  if (it != profile.end()) *field = it->second;
}

}  // namespace

std::string DefaultConfigDir() {
  if (std::string d = Env("CSMS_CONFIG_DIR"); !d.empty()) return d;
  if (std::string d = Env("XDG_CONFIG_HOME"); !d.empty()) return d + "/csms";
  if (std::string d = Env("HOME"); !d.empty()) return d + "/.config/csms";
  return ".csms";
}

Settings Resolve(const GlobalOptions& options) {
  Settings s;
  s.config_dir = options.config_dir.empty() ? DefaultConfigDir() : options.config_dir;
  s.endpoint = options.endpoint;
  s.access_key = options.access_key;
  s.secret_key = options.secret_key;
  s.project_id = options.project_id;
  s.ca_file = options.ca_file;
  s.auth = options.auth;
  s.json = options.output == "json";
  s.insecure = options.insecure;
  s.timeout_seconds = options.timeout_seconds;
  s.dev = options.dev;
  if (options.dev) {
    s.profile = "dev";
    if (s.endpoint.empty()) s.endpoint = kDevEndpoint;
    if (s.access_key.empty() && s.secret_key.empty()) {
      s.access_key = kDevAccessKey;
      s.secret_key = kDevSecretKey;
    }
    if (s.project_id.empty()) s.project_id = kDevProjectId;
  } else {
    s.profile = options.profile.empty() ? "default" : options.profile;
    auto profile = ReadProfile(s.config_dir + "/config.toml", s.profile, !options.profile.empty());
    Fill(&s.endpoint, profile, "endpoint");
    Fill(&s.access_key, profile, "access_key");
    Fill(&s.secret_key, profile, "secret_key");
    Fill(&s.project_id, profile, "project_id");
    Fill(&s.ca_file, profile, "ca_file");
  }
  while (!s.endpoint.empty() && s.endpoint.back() == '/') s.endpoint.pop_back();
  if (s.endpoint.empty()) {
    throw UsageError("no endpoint: give --endpoint, set CSMS_ENDPOINT, add one to the profile in " + s.config_dir +
                     "/config.toml, or use --dev");
  }
  if (s.access_key.empty() != s.secret_key.empty()) {
    throw UsageError("an access key needs its secret key and the other way round");
  }
  return s;
}

std::string TokenPath(const Settings& settings) {
  return settings.config_dir + "/tokens/" + settings.profile + ".json";
}

void SaveToken(const Settings& settings, const CachedToken& token) {
  std::string dir = settings.config_dir + "/tokens";
  for (const std::string& d : {settings.config_dir, dir}) {
    if (::mkdir(d.c_str(), 0700) != 0 && errno != EEXIST) {
      throw UsageError("cannot create " + d + ": " + std::strerror(errno));
    }
  }
  json::Writer w;
  w.StartObject()
      .Field("token", token.token)
      .Field("endpoint", token.endpoint)
      .Field("project_id", token.project_id)
      .Field("expires_at", token.expires_at)
      .Field("user", token.user)
      .EndObject();
  std::string text = w.Take() + "\n";
  std::string path = TokenPath(settings);
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) throw UsageError("cannot write " + tmp + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);  // an older file of that name may have had another mode
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    throw UsageError("cannot write " + path + ": " + std::strerror(errno));
  }
}

std::optional<CachedToken> LoadToken(const Settings& settings) {
  std::ifstream in(TokenPath(settings));
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  rapidjson::Document doc;
  if (!json::ParseObject(buffer.str(), &doc).ok()) return std::nullopt;
  json::ObjectReader r(doc);
  CachedToken t;
  if (!r.RequireString("token", &t.token).ok() || !r.RequireString("endpoint", &t.endpoint).ok() ||
      !r.RequireString("project_id", &t.project_id).ok()) {
    return std::nullopt;
  }
  std::optional<std::string> v;
  if (r.OptionalString("expires_at", &v).ok() && v) t.expires_at = *v;
  if (r.OptionalString("user", &v).ok() && v) t.user = *v;
  return t;
}

void RemoveToken(const Settings& settings) { ::unlink(TokenPath(settings).c_str()); }

}  // namespace csms::cli
