// A PostgreSQL connection of csmsd notices a server or network path that died without a word
// within bounds (store/postgres/connection.cc): every TCP connection the store opens carries
// keepalives (from 30 s idle, 10 s apart) and a 30 s TCP user timeout, which the database URL's own
// parameters override. Checked on the sockets themselves: the store runs in this process.
// PostgreSQL only: the pg. variant of the suite runs these (CSMS_TEST_ENGINE=postgresql).
#include <dirent.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "store/postgres/postgres_store.h"
#include "store/store.h"
#include "support/engine.h"
#include "support/postgres.h"

namespace csms::test {
namespace {

struct TcpOptions {
  int keepalive = -1, idle = -1, interval = -1, count = -1, user_timeout_ms = -1;
};

// The options of every TCP socket of this process whose peer is `port`.
std::vector<TcpOptions> SocketsTo(int port) {
  std::vector<TcpOptions> out;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return out;
  while (dirent* e = readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(e->d_name, &end, 10);
    if (*end != '\0' || end == e->d_name) continue;
    struct stat st {};
    if (fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    sockaddr_storage peer{};
    socklen_t len = sizeof(peer);
    if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    int peer_port = -1;
    if (peer.ss_family == AF_INET) peer_port = ntohs(reinterpret_cast<sockaddr_in*>(&peer)->sin_port);
    if (peer.ss_family == AF_INET6) peer_port = ntohs(reinterpret_cast<sockaddr_in6*>(&peer)->sin6_port);
    if (peer_port != port) continue;
    TcpOptions o;
    auto get = [&](int level, int name, int* value) {
      socklen_t n = sizeof(*value);
      if (getsockopt(static_cast<int>(fd), level, name, value, &n) != 0) *value = -2;
    };
    get(SOL_SOCKET, SO_KEEPALIVE, &o.keepalive);
    get(IPPROTO_TCP, TCP_KEEPIDLE, &o.idle);
    get(IPPROTO_TCP, TCP_KEEPINTVL, &o.interval);
    get(IPPROTO_TCP, TCP_KEEPCNT, &o.count);
    get(IPPROTO_TCP, TCP_USER_TIMEOUT, &o.user_timeout_ms);
    out.push_back(o);
  }
  closedir(dir);
  return out;
}

class PostgresConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!TestEngineIsPostgres()) GTEST_SKIP() << "PostgreSQL only (its pg. variant runs it)";
    ASSERT_TRUE(db_.ok());
    port_ = std::atoi(db_.server().port.c_str());
    ASSERT_GT(port_, 0);
  }

  // A store on `url`, with a write done (so a pool connection is open, besides the one Init keeps).
  std::unique_ptr<Store> Open(const std::string& url) {
    PostgresOptions options;
    options.url = url;
    options.password = db_.server().password;
    std::unique_ptr<Store> store;
    Status s = OpenPostgresStore(options, &store);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (store) {
      EXPECT_TRUE(store->Write([](Transaction&) { return Status::OK(); }).ok());
    }
    return store;
  }

  PostgresTestDatabase db_;
  int port_ = 0;
};

TEST_F(PostgresConnectionTest, EveryConnectionGivesUpOnADeadPathWithinBounds) {
  auto store = Open(db_.url());
  ASSERT_NE(store, nullptr);
  std::vector<TcpOptions> sockets = SocketsTo(port_);
  ASSERT_FALSE(sockets.empty()) << "the store has no TCP connection to the server on port " << port_;
  for (const TcpOptions& o : sockets) {
    EXPECT_EQ(o.keepalive, 1);
    EXPECT_EQ(o.idle, 30);
    EXPECT_EQ(o.interval, 10);
    EXPECT_EQ(o.count, 3);
    EXPECT_EQ(o.user_timeout_ms, 30000);
  }
}

TEST_F(PostgresConnectionTest, TheDatabaseUrlsOwnSettingsWin) {
  auto store = Open(db_.url() + "?keepalives_idle=7&tcp_user_timeout=4321&connect_timeout=3");
  ASSERT_NE(store, nullptr);
  std::vector<TcpOptions> sockets = SocketsTo(port_);
  ASSERT_FALSE(sockets.empty());
  for (const TcpOptions& o : sockets) {
    EXPECT_EQ(o.idle, 7);
    EXPECT_EQ(o.user_timeout_ms, 4321);
    EXPECT_EQ(o.interval, 10);  // not in the URL: the default
  }
}

}  // namespace
}  // namespace csms::test
