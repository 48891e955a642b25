// What every `csms` command shares: the global options, the settings and API client made from
// them on first use, where output goes, and the action the chosen subcommand recorded.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/api_client.h"
#include "cli/config.h"

namespace csms::cli {

class Context {
 public:
  GlobalOptions options;
  std::function<void()> action;  // set by the leaf subcommand that was parsed

  const Settings& settings();
  ApiClient& api();
  bool json() { return options.output == "json"; }
  std::ostream& out() { return std::cout; }
  std::ostream& err() { return std::cerr; }

 private:
  std::optional<Settings> settings_;
  std::optional<ApiClient> api_;
};

// A leaf command: `run` becomes ctx.action when the command is parsed.
CLI::App* AddLeaf(CLI::App* parent, const std::string& name, const std::string& description, Context& ctx,
                  std::function<void()> run);
// A group of commands (requires one of them).
CLI::App* AddGroup(CLI::App* parent, const std::string& name, const std::string& description);

// Registration of each area's commands (one file each).
void AddSecretCommands(CLI::App& app, Context& ctx);
void AddSecretVersionCommands(CLI::App* secrets, Context& ctx);
void AddEventCommands(CLI::App& app, Context& ctx);
void AddRecordCommands(CLI::App& app, Context& ctx);
void AddLoginCommands(CLI::App& app, Context& ctx);
void AddToolCommands(CLI::App& app, Context& ctx);
void AddGrantCommands(CLI::App& app, Context& ctx);
void AddCheckerCommands(CLI::App& app, Context& ctx);  // check, checker, function-template
// After the secrets and users groups exist: secrets tag-batch, resources, users change-password.
void AddResourceCommands(CLI::App& app, Context& ctx);
void AddCompletionCommand(CLI::App& app, Context& ctx);

// Runs csms with argv; returns the process exit code (docs/cli.md).
int Run(int argc, char** argv);

}  // namespace csms::cli
