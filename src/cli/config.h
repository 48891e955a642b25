// Where `csms` finds its server and credentials (docs/cli.md): command-line flags, then the
// CSMS_* environment, then a profile of <config dir>/config.toml; `--dev` stands for the fixed
// credentials of `csmsd --dev`. Tokens from `csms login` are cached per profile, mode 0600.
#pragma once

#include <optional>
#include <string>

namespace csms::cli {

// What the global flags and the environment gave (CLI11 fills flags and env into the same fields).
struct GlobalOptions {
  std::string profile;  // --profile / CSMS_PROFILE; "default" when empty
  std::string config_dir;
  std::string endpoint;
  std::string access_key;
  std::string secret_key;
  std::string project_id;
  std::string ca_file;
  std::string auth = "auto";     // auto | aksk | token
  std::string output = "table";  // table | json
  bool dev = false;
  bool insecure = false;
  int timeout_seconds = 30;
};

// The resolved settings a command runs with.
struct Settings {
  std::string profile;  // the name tokens are cached under ("dev" with --dev)
  std::string config_dir;
  std::string endpoint;  // without a trailing '/'
  std::string access_key;
  std::string secret_key;
  std::string project_id;
  std::string ca_file;
  std::string auth;
  bool json = false;
  bool insecure = false;
  int timeout_seconds = 30;
  bool dev = false;
};

// The fixed identities of `csmsd --dev` (README).
inline constexpr const char* kDevEndpoint = "http://127.0.0.1:8080";
inline constexpr const char* kDevProjectId = "0123456789abcdef0123456789abcdef";
inline constexpr const char* kDevAccessKey = "DEVACCESSKEY0000CSMS";
inline constexpr const char* kDevSecretKey = "devSecretKey0000000000000000000000000CSMS";
inline constexpr const char* kDevUser = "admin";
inline constexpr const char* kDevPassword = "admin";
inline constexpr const char* kDevDomain = "csms";

// $CSMS_CONFIG_DIR, else $XDG_CONFIG_HOME/csms, else $HOME/.config/csms.
std::string DefaultConfigDir();

// Applies the profile file and --dev to what flags and env gave. Throws CliError (usage) when the
// config file is unreadable or malformed, or a --profile named explicitly is not in it.
Settings Resolve(const GlobalOptions& options);

// A token cached by `csms login`.
struct CachedToken {
  std::string token;
  std::string endpoint;
  std::string project_id;
  std::string expires_at;  // as the server wrote it
  std::string user;
};
// <config dir>/tokens/<profile>.json, written 0600 (directory 0700) through a temporary file.
void SaveToken(const Settings& settings, const CachedToken& token);
std::optional<CachedToken> LoadToken(const Settings& settings);
void RemoveToken(const Settings& settings);
std::string TokenPath(const Settings& settings);

}  // namespace csms::cli
