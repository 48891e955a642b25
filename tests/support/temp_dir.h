// TempDir: a private directory under /tmp for one test (a data dir, a PKI, scratch files), removed
// with everything in it when the object goes away (kept when CSMS_KEEP_TEST_DIRS is set).
#pragma once

#include <string>

namespace csms::test {

class TempDir {
 public:
  explicit TempDir(const std::string& stem = "csms-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace csms::test
