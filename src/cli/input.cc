#include "cli/input.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/cli_error.h"
#include "common/utf8.h"
#include "crypto/encoding.h"

namespace csms::cli {

std::string ReadFileOrStdin(const std::string& path) {
  if (path == "-") {
    if (::isatty(STDIN_FILENO)) std::cerr << "Reading from the terminal; end with Ctrl-D.\n";
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return text;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read " + path + ": " + std::strerror(errno));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void ValueOptions::Add(CLI::App* command) {
  command->add_option("--value-file", file, "read the value from FILE (- = stdin; stdin is the default)");
  command->add_option("--value", value, "the value itself (lands in shell history: needs --allow-value-arg)");
  command->add_flag("--allow-value-arg", allow_value_arg, "accept --value");
  command->add_flag("--binary", binary, "send the bytes as secret_binary (Base64) instead of secret_string");
}

std::pair<std::string, std::string> ValueOptions::Read() const {
  if (!value.empty() && !file.empty()) throw UsageError("give --value or --value-file, not both");
  std::string bytes;
  if (!value.empty()) {
    if (!allow_value_arg) {
      throw UsageError(
          "--value puts the secret in your shell history; use --value-file or stdin, "
          "or add --allow-value-arg");
    }
    bytes = value;
  } else {
    bool tty = file.empty() && ::isatty(STDIN_FILENO);
    bytes = ReadFileOrStdin(file.empty() ? "-" : file);
    if (tty && !bytes.empty() && bytes.back() == '\n') bytes.pop_back();
  }
  if (binary) return {"secret_binary", crypto::Base64Encode(bytes)};
  if (!utf8::IsValid(bytes)) throw UsageError("the value is not UTF-8 text: use --binary");
  return {"secret_string", bytes};
}

std::string ReadSecretLine(const std::string& prompt) {
  bool tty = ::isatty(STDIN_FILENO);
  struct termios saved = {};
  if (tty) {
    std::cerr << prompt << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    struct termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << '\n';
  }
  if (!got) throw UsageError("no password on stdin");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

void WritePrivateFile(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text;
    return;
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw UsageError("cannot write " + path + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (::close(fd) != 0 || !ok) throw UsageError("cannot write " + path + ": " + std::strerror(errno));
}

}  // namespace csms::cli
