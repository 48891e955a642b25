// The audit log (audit/): line format, HMAC-ed credentials, the hash chain across rotated files,
// continuation after a restart, and verification finding each kind of tampering.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "audit/sink.h"
#include "audit/verify.h"
#include "support/temp_dir.h"

namespace csms::test {
namespace {

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void WriteLines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::trunc);
  for (const auto& l : lines) out << l << "\n";
}

audit::Record Sample(int i) {
  audit::Record r;
  r.time_ms = 1'700'000'000'000 + i;
  r.type = "response";
  r.request_id = "req-" + std::to_string(i);
  r.source = "127.0.0.1";
  r.method = "GET";
  r.action = "csms:secret:getVersion";
  r.auth = "token";
  r.token = "the-bearer-token-" + std::to_string(i);
  r.project = "p";
  r.secret = "s" + std::to_string(i);
  r.status = 200;
  return r;
}

class AuditChainTest : public ::testing::Test {
 protected:
  // Writes `n` records through a fresh Log (continuing what is on disk) with files of `max_bytes`.
  void Append(int n, int64_t max_bytes, int first = 0) {
    std::string last;
    ASSERT_TRUE(audit::FileSink::LastLine(path_, &last).ok());
    audit::Log log(key_, last);
    std::unique_ptr<audit::FileSink> sink;
    ASSERT_TRUE(audit::FileSink::Open(path_, max_bytes, &sink).ok());
    log.AddSink(std::move(sink));
    for (int i = first; i < first + n; ++i) ASSERT_TRUE(log.Append(Sample(i)).ok());
  }

  TempDir dir_{"csms-audit"};
  std::string path_ = dir_.File("audit.log");
  std::string key_ = std::string(32, 'k');
};

TEST_F(AuditChainTest, LinesCarryTheHmacOfTheTokenNeverTheToken) {
  Append(3, 0);
  auto lines = ReadLines(path_);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].find("the-bearer-token"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"token_hmac\":\"" + audit::Hmac(key_, "the-bearer-token-0") + "\""), std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find("\"prev_hash\":\"" + std::string(audit::kGenesisHash) + "\""), std::string::npos);
  EXPECT_NE(lines[1].find("\"prev_hash\":\"" + audit::LineHash(lines[0]) + "\""), std::string::npos);
  auto r = audit::VerifyChain({path_});
  EXPECT_TRUE(r.ok) << r.file << ":" << r.line << ": " << r.message;
  EXPECT_EQ(r.lines, 3);
  EXPECT_FALSE(r.starts_mid_chain);
}

TEST_F(AuditChainTest, RotationContinuesTheChainAcrossFilesAndRestarts) {
  Append(10, 1500);
  Append(10, 1500, 10);  // a restart: the chain continues from the last line on disk
  std::vector<std::string> files;
  for (int i = 1;; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "audit.log.%06d", i);
    if (!std::ifstream(dir_.File(name))) break;
    files.push_back(dir_.File(name));
  }
  ASSERT_GE(files.size(), 3u) << "lines of ~450 bytes in files of 1500";
  files.push_back(path_);
  auto r = audit::VerifyChain(files);
  EXPECT_TRUE(r.ok) << r.file << ":" << r.line << ": " << r.message;
  EXPECT_EQ(r.lines, 20);
  // The first line of a later file carries the last hash of the file before it.
  auto previous = ReadLines(files[0]);
  auto next = ReadLines(files[1]);
  EXPECT_NE(next[0].find(audit::LineHash(previous.back())), std::string::npos);
  // A later file alone starts mid-chain, which is noted, not an error.
  r = audit::VerifyChain({files[1]});
  EXPECT_TRUE(r.ok);
  EXPECT_TRUE(r.starts_mid_chain);
  // A file left out in the middle breaks the chain at the next file's first line.
  r = audit::VerifyChain({files[0], files[2]});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.file, files[2]);
  EXPECT_EQ(r.line, 1);
}

TEST_F(AuditChainTest, VerifyFindsAChangedLine) {
  Append(6, 0);
  auto lines = ReadLines(path_);
  size_t pos = lines[2].find("\"status\":200");
  ASSERT_NE(pos, std::string::npos);
  lines[2].replace(pos, 12, "\"status\":403");
  WriteLines(path_, lines);
  auto r = audit::VerifyChain({path_});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 4) << "the line after the changed one no longer links to it";
}

TEST_F(AuditChainTest, VerifyFindsARemovedLine) {
  Append(6, 0);
  auto lines = ReadLines(path_);
  lines.erase(lines.begin() + 3);
  WriteLines(path_, lines);
  auto r = audit::VerifyChain({path_});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 4);
}

TEST_F(AuditChainTest, VerifyFindsTwoLinesSwapped) {
  Append(6, 0);
  auto lines = ReadLines(path_);
  std::swap(lines[1], lines[2]);
  WriteLines(path_, lines);
  auto r = audit::VerifyChain({path_});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 2);
}

TEST_F(AuditChainTest, VerifyFindsACutLine) {
  Append(4, 0);
  auto lines = ReadLines(path_);
  lines[1].resize(lines[1].size() / 2);
  WriteLines(path_, lines);
  auto r = audit::VerifyChain({path_});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 2);
}

TEST_F(AuditChainTest, AnUnwritableSinkFailsTheAppendAndKeepsTheChain) {
  audit::Log log(key_, "");
  std::unique_ptr<audit::FileSink> sink;
  ASSERT_TRUE(audit::FileSink::Open("/dev/full", 0, &sink).ok());
  log.AddSink(std::move(sink));
  Status s = log.Append(Sample(0));
  EXPECT_EQ(s.kind(), Status::Kind::kUnavailable);
  EXPECT_EQ(s.http_status(), 503);
}

}  // namespace
}  // namespace csms::test
