// A SoftHSM2 token for a test (Debian's softhsm2): a private token directory and SOFTHSM2_CONF
// pointing at it (set in this process, so every csmsd it starts inherits it), a token initialised
// with softhsm2-util, its user PIN in a file, and keys generated on it by
// `csmsd admin generate-pkcs11-key`. The test process itself never loads the module.
#pragma once

#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace csms::test {

inline constexpr const char* kSoftHsmModule = "/usr/lib/softhsm/libsofthsm2.so";

// False (with why) when softhsm2 is not installed.
bool SoftHsmAvailable(std::string* why);

class SoftHsmToken {
 public:
  // Creates the token directory and the token `label` with user PIN `pin`; false with the tools' output.
  bool Init(const std::string& label, const std::string& pin, std::string* error);
  // Generates the AES-256 key `key_label` through csmsd; false with csmsd's output.
  bool GenerateKey(const std::string& key_label, std::string* error);
  // --pkcs11-module/--pkcs11-token/--pkcs11-key/--pkcs11-pin-file for `key_label`.
  std::vector<std::string> Flags(const std::string& key_label) const;
  const std::string& pin_file() const { return pin_file_; }
  const std::string& label() const { return label_; }

 private:
  TempDir dir_{"csms-softhsm"};
  std::string label_, pin_file_;
};

}  // namespace csms::test
