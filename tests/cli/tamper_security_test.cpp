// A disk edited without the key cannot release a draft, through the real
// binary (issue 8, point 3): with write access to the home for a minute and
// no passphrase, an attacker marks a private draft as shared in shared.db.
// `inch sync` must then refuse, say so in plain words, and send nothing;
// `inch preview` must refuse too rather than call the draft private.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/cli/net_fixture.hpp"

namespace inch::test {
namespace {

using TamperE2eTest = TwoNodes;

// Runs `sql` on shared.db in `home`, as someone with the disk would.
int EditSharedDb(const std::string& home, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open((home + "/shared.db").c_str(), &db) != SQLITE_OK) return -1;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  const int changed = sqlite3_total_changes(db);
  sqlite3_close(db);
  return rc == SQLITE_OK ? changed : -1;
}

TEST_F(TamperE2eTest, ADraftMarkedSharedOnDiskIsNotSent) {
  ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
  Ok(a_, {"ready", "lists"});
  Ok(b_, {"ready", "lists"});
  const std::string draft = RandomMarker("DRAFT");
  Ok(a_, {"wish", "add", draft});
  std::string address;
  auto serve_b = Serve(b_, &address);
  ASSERT_EQ(a_.Run({"sync", "--peer", address}).exit_code, 0);
  ASSERT_FALSE(PartnerListHas(b_, draft));
  // The edit: every pending op of a's now claims to share its item.
  ASSERT_GT(EditSharedDb(a_.home(), "UPDATE pending SET gate = gate | 1"), 0);
  RunResult sync = a_.Run({"sync", "--peer", address});
  EXPECT_EQ(sync.exit_code, 1) << Describe(sync);
  EXPECT_NE(sync.err.find("changed outside inch"), std::string::npos)
      << sync.err;
  RunResult preview = a_.Run({"preview"});
  EXPECT_EQ(preview.exit_code, 1) << Describe(preview);
  EXPECT_NE(preview.err.find("changed outside inch"), std::string::npos)
      << preview.err;
  EXPECT_FALSE(PartnerListHas(b_, draft));
  EXPECT_TRUE(FindMarkerInTree(b_.home(), draft).empty());
  serve_b->Signal(SIGTERM);
  EXPECT_EQ(serve_b->Wait().exit_code, 0);
}

}  // namespace
}  // namespace inch::test
