#include <csignal>

#include "cli/cli_error.h"
#include "cli/context.h"

namespace csms::cli {

const Settings& Context::settings() {
  if (!settings_) settings_ = Resolve(options);
  return *settings_;
}

ApiClient& Context::api() {
  if (!api_) api_.emplace(ApiClient::ForSettings(settings()));
  return *api_;
}

CLI::App* AddLeaf(CLI::App* parent, const std::string& name, const std::string& description, Context& ctx,
                  std::function<void()> run) {
  CLI::App* sub = parent->add_subcommand(name, description);
  sub->callback([&ctx, run = std::move(run)] { ctx.action = run; });
  return sub;
}

CLI::App* AddGroup(CLI::App* parent, const std::string& name, const std::string& description) {
  CLI::App* sub = parent->add_subcommand(name, description);
  sub->require_subcommand(1);
  return sub;
}

namespace {

void AddGlobalOptions(CLI::App& app, GlobalOptions& o) {
  app.add_option("--profile", o.profile, "profile of config.toml (default: default)")->envname("CSMS_PROFILE");
  app.add_option("--config-dir", o.config_dir,
                 "configuration directory (default: $CSMS_CONFIG_DIR, $XDG_CONFIG_HOME/csms or ~/.config/csms)");
  app.add_option("--endpoint", o.endpoint, "csmsd URL, e.g. https://csms.example.com:8443")->envname("CSMS_ENDPOINT");
  app.add_option("--access-key", o.access_key, "access key id (AK/SK signing)")->envname("CSMS_ACCESS_KEY");
  app.add_option("--secret-key", o.secret_key, "secret access key (prefer the environment or the profile)")
      ->envname("CSMS_SECRET_KEY");
  app.add_option("--project-id", o.project_id, "project id")->envname("CSMS_PROJECT_ID");
  app.add_option("--ca-file", o.ca_file, "PEM bundle of CAs to trust for https (default: the system's)")
      ->envname("CSMS_CA_FILE");
  app.add_flag("--insecure", o.insecure, "https: do not verify the server's certificate");
  app.add_option("--auth", o.auth, "auto (access key if configured, else the login token), aksk or token")
      ->check(CLI::IsMember({"auto", "aksk", "token"}));
  app.add_option("-o,--output", o.output, "table (default) or json (the API's JSON as it came)")
      ->check(CLI::IsMember({"table", "json"}));
  app.add_flag("--dev", o.dev, "the fixed credentials of `csmsd --dev` (endpoint default http://127.0.0.1:8080)");
  app.add_option("--timeout", o.timeout_seconds, "seconds to wait for each answer")->check(CLI::Range(1, 3600));
}

}  // namespace

int Run(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  Context ctx;
  CLI::App app{"csms: the command-line client of csmsd (docs/cli.md)", "csms"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand
  AddGlobalOptions(app, ctx.options);
  AddLoginCommands(app, ctx);
  AddSecretCommands(app, ctx);
  AddEventCommands(app, ctx);
  AddRecordCommands(app, ctx);
  AddToolCommands(app, ctx);
  AddGrantCommands(app, ctx);
  AddCheckerCommands(app, ctx);
  AddResourceCommands(app, ctx);
  AddCompletionCommand(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  } catch (const CliError& e) {
    std::cerr << "csms: " << e.what() << '\n';
    return e.code();
  }
  if (!ctx.action) {
    std::cerr << app.help();
    return kExitUsage;
  }
  try {
    ctx.action();
  } catch (const CliError& e) {
    std::cout.flush();
    std::cerr << "csms: " << e.what() << '\n';
    return e.code();
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "csms: " << e.what() << '\n';
    return kExitApiError;
  }
  std::cout.flush();
  return kExitOk;
}

}  // namespace csms::cli
