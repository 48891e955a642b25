// WAL checkpoints off the commit path (store/sqlite/checkpointer.h): the writer's commits ask the
// checkpointer's thread for a pass instead of checkpointing inline, and past the hard limit the
// committing writer checkpoints inline so that the WAL starts over.
#include "store/sqlite/checkpointer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "store/sqlite/connection.h"
#include "support/temp_dir.h"
#include "support/wait.h"

namespace csms::sqlite {
namespace {

class CheckpointerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Connection> Open() {
    Connection* raw = nullptr;
    EXPECT_TRUE(Connection::Open(dir_.File("c.db"), Sync::kNormal, &raw).ok());
    return std::unique_ptr<Connection>(raw);
  }
  // `n` commits of one 3000-byte row each: at least one WAL page per commit.
  void Commit(Connection& conn, int n) {
    ASSERT_TRUE(conn.ExecScript("CREATE TABLE IF NOT EXISTS t (v BLOB)").ok());
    for (int i = 0; i < n; ++i) ASSERT_TRUE(conn.ExecScript("INSERT INTO t VALUES (randomblob(3000))").ok());
  }
  // Frames in the WAL now, seen from another connection (PRAGMA wal_checkpoint's second column,
  // after a passive pass that copies nothing new).
  int WalFrames() {
    std::unique_ptr<Connection> other = Open();
    sqlite3_stmt* raw = nullptr;
    EXPECT_TRUE(other->Prepare("PRAGMA wal_checkpoint(PASSIVE)", &raw).ok());
    Statement s(raw);
    Status st;
    EXPECT_TRUE(s.Step(&st)) << st.ToString();
    return static_cast<int>(s.Int(1));
  }

  test::TempDir dir_{"csms-checkpointer"};
};

TEST_F(CheckpointerTest, TheWritersCommitsLeaveTheCheckpointToTheThread) {
  std::unique_ptr<Connection> writer = Open();
  Checkpointer checkpointer(Open(), CheckpointOptions{.wal_pages = 100, .inline_wal_pages = 1000000});
  checkpointer.Attach(writer->db());
  Commit(*writer, 150);
  ASSERT_TRUE(test::WaitUntil([&] { return checkpointer.background_checkpoints() >= 1; }, std::chrono::seconds(30)))
      << "no background checkpoint";
  EXPECT_EQ(checkpointer.inline_checkpoints(), 0);
}

TEST_F(CheckpointerTest, PastTheHardLimitTheCommitCheckpointsInlineAndTheWalStartsOver) {
  std::unique_ptr<Connection> writer = Open();
  Checkpointer checkpointer(Open(), CheckpointOptions{.wal_pages = 1000000, .inline_wal_pages = 50});
  checkpointer.Attach(writer->db());
  Commit(*writer, 60);
  EXPECT_GE(checkpointer.inline_checkpoints(), 1);
  EXPECT_EQ(checkpointer.background_checkpoints(), 0);
  Commit(*writer, 1);  // the first write after a complete checkpoint restarts the WAL
  EXPECT_LT(WalFrames(), 50);
}

}  // namespace
}  // namespace csms::sqlite
