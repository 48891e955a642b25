// Reading what a command sends: secret values from a file or stdin (never from an argument unless
// explicitly allowed, so values stay out of shell history), and JSON bodies from files.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <utility>

namespace csms::cli {

// The whole file; "-" is stdin. Throws a usage error when it cannot be read.
std::string ReadFileOrStdin(const std::string& path);

// --value-file FILE, --value VALUE (only with --allow-value-arg), --binary; stdin otherwise.
struct ValueOptions {
  std::string file;
  std::string value;
  bool allow_value_arg = false;
  bool binary = false;

  void Add(CLI::App* command);
  // {"secret_string" or "secret_binary" (Base64 of the bytes), value}. Reads stdin when neither
  // --value-file nor --value is given.
  std::pair<std::string, std::string> Read() const;
};

// One line of stdin without its line end; from a terminal, asked for with `prompt` on stderr and
// without echo. Throws a usage error at the end of input.
std::string ReadSecretLine(const std::string& prompt);

// Writes `text` to `path` created 0600 ("-" = stdout).
void WritePrivateFile(const std::string& path, const std::string& text);

}  // namespace csms::cli
