// HttpServer's write I/O threads (ServerOptions::write_io_threads, decision 141): a connection
// that writes moves, between requests, to a lowered I/O thread and back after a run of reads,
// without losing a pipelined byte. The handler answers with the name of the thread it ran on.
#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>

#include "http/server.h"
#include "support/raw_socket.h"

namespace csms::http {
namespace {

using csms::test::RawConnection;
using csms::test::RawResponse;
using namespace std::chrono_literals;

// This thread's nice value above the process's.
int NiceAboveProcess() {
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  return ::getpriority(PRIO_PROCESS, tid) - ::getpriority(PRIO_PROCESS, static_cast<id_t>(::getpid()));
}

class WriteIoThreadsTest : public ::testing::Test {
 protected:
  void StartServer(int write_threads) {
    ServerOptions options;
    options.port = 0;
    options.threads = 1;
    options.write_io_threads = write_threads;
    options.write_io_nice = 3;
    ASSERT_TRUE(HttpServer::Start(
                    options,
                    [](const HttpRequest&, HttpResponse& res) {
                      char name[16] = {};
                      ::pthread_getname_np(::pthread_self(), name, sizeof(name));
                      res.body = std::string(name) + " " + std::to_string(NiceAboveProcess());
                    },
                    &server_)
                    .ok());
  }
  static std::string Get() { return "GET /r HTTP/1.1\r\nHost: x\r\n\r\n"; }
  static std::string Post() { return "POST /w HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"; }
  // Where the next answer on `c` was made ("thread-name nice"), or "none".
  static std::string Next(RawConnection& c) {
    auto r = c.ReadResponse(20s);
    return r && r->status == 200 ? r->body : "none";
  }
  static std::string Ask(RawConnection& c, const std::string& request) {
    return c.Send(request) ? Next(c) : "send failed";
  }

  std::unique_ptr<HttpServer> server_;
};

TEST_F(WriteIoThreadsTest, AWriteMovesTheConnectionAndARunOfReadsBringsItBack) {
  StartServer(1);
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  EXPECT_EQ(Ask(c, Get()), "csms-io 0");
  EXPECT_EQ(Ask(c, Post()), "csms-io 0") << "the write itself is answered where it arrived";
  for (int i = 1; i <= kReadsToLeaveWriteThreads; ++i) {
    EXPECT_EQ(Ask(c, Get()), "csms-io-write 3") << "read " << i << " after the write";
  }
  EXPECT_EQ(Ask(c, Get()), "csms-io 0") << "back after " << kReadsToLeaveWriteThreads << " reads in a row";
  EXPECT_EQ(Ask(c, Post()), "csms-io 0");
  EXPECT_EQ(Ask(c, Post()), "csms-io-write 3") << "a write on the write thread keeps it there";
  EXPECT_EQ(Ask(c, Get()), "csms-io-write 3");
}

TEST_F(WriteIoThreadsTest, PipelinedRequestsSurviveTheMove) {
  StartServer(1);
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  std::string burst = Post() + Get() + Post();
  for (int i = 0; i < kReadsToLeaveWriteThreads + 1; ++i) burst += Get();
  ASSERT_TRUE(c.Send(burst));
  EXPECT_EQ(Next(c), "csms-io 0");
  EXPECT_EQ(Next(c), "csms-io-write 3");
  EXPECT_EQ(Next(c), "csms-io-write 3");
  for (int i = 1; i <= kReadsToLeaveWriteThreads; ++i) EXPECT_EQ(Next(c), "csms-io-write 3") << "read " << i;
  EXPECT_EQ(Next(c), "csms-io 0");
}

TEST_F(WriteIoThreadsTest, WithoutWriteThreadsEveryConnectionStays) {
  StartServer(0);
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  EXPECT_EQ(Ask(c, Post()), "csms-io 0");
  EXPECT_EQ(Ask(c, Get()), "csms-io 0");
}

TEST_F(WriteIoThreadsTest, ShutdownClosesAConnectionOnAWriteThread) {
  StartServer(1);
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  EXPECT_EQ(Ask(c, Post()), "csms-io 0");
  EXPECT_EQ(Ask(c, Get()), "csms-io-write 3");
  const auto start = std::chrono::steady_clock::now();
  server_->Shutdown(60s);
  // Far below the grace: a write thread kept running (its work guard never released) or an idle
  // connection left open there would hold Shutdown for all of it.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  EXPECT_TRUE(c.WaitClosed(20s)) << "an idle connection on a write thread must not hold shutdown";
}

}  // namespace
}  // namespace csms::http
