// Configuration from a TOML file and the environment, for every flag of csmsd (docs/configuration.md).
//
// AddConfigSources runs after every flag is defined, so a flag added anywhere in main.cc gets its
// key and its environment variable without further work:
// - `--config FILE` (or CSMS_CONFIG): a TOML file whose keys are the long flag names without the
//   dashes (`listen = "0.0.0.0:8080"`, `no-delivery = true`, `kms-key = ["a=f1", "b=f2"]`); an
//   unknown key is an error, not silently ignored.
// - CSMS_<FLAG_NAME>: the flag's name upper-cased with '-' → '_' (CSMS_DATA_DIR, CSMS_NO_DELIVERY).
// - Precedence: a flag on the command line > its environment variable > the file > the default.
// `--print-config-reference` prints the Markdown table of every option (key, environment
// variable, default, description) straight from the CLI11 definitions: docs/configuration.md is
// that output, and a test fails when the document is stale.
#pragma once

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

namespace csms {

// The environment variable of a long option name ("data-dir" → "CSMS_DATA_DIR").
std::string EnvironmentName(const std::string& long_name);

// Gives every option of `cli` (and the options of its direct subcommands, e.g. `admin --data-dir`)
// its environment variable, and adds --config and --print-config-reference (*print_reference).
void AddConfigSources(CLI::App& cli, bool* print_reference);

// The Markdown reference of every option of `cli` (not of its subcommands).
void PrintConfigReference(const CLI::App& cli, std::ostream& out);

}  // namespace csms
