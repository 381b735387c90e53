// Two hosts joined by a veth, with today's explicit forms: `inch pair
// --listen ADDR:0` on A and `inch pair ADDR:PORT --code C` on B, a sync,
// two daemons on ADDR:47470 pushing a note across, and a 30 s outage while
// both write, after which both converge with nothing lost or doubled.
#include <signal.h>

#include "tests/netns/netns_fixture.hpp"

namespace inch::test::netns {
namespace {

constexpr int kDaemonPort = 47470;

class ExplicitPairingNetnsTest : public TwoHostsTest {
 protected:
  // Pairs by the explicit forms, both ready for notes, and starts both
  // daemons on their LAN address; B knows A from pairing, and A learns B
  // from B's hello.
  void PairAndServeBoth() {
    PairOutcome o = PairExplicit(*a_, *b_, At(kA, 0));
    ASSERT_EQ(o.error, "") << o.first_line;
    ReadyForNotes();
    ASSERT_NO_FATAL_FAILURE(
        ServeBoth(At(kA, kDaemonPort), At(kB, kDaemonPort)));
  }
};

TEST_F(ExplicitPairingNetnsTest, PairAcrossTheVethAndSyncOnce) {
  PairOutcome o = PairExplicit(*a_, *b_, At(kA, 0));
  ASSERT_EQ(o.error, "");
  auto line = nlohmann::json::parse(o.first_line);
  EXPECT_EQ(line["address"].get<std::string>().rfind(hosts_->address(kA), 0),
            0u)
      << "the bound address is the one to type: " << o.first_line;
  ASSERT_NO_FATAL_FAILURE(ExpectPaired());
  ReadyForNotes();
  std::string line_a;
  auto serve_a = Serve(*a_, At(kA, kDaemonPort), &line_a);
  ASSERT_NE(line_a, "") << Describe(serve_a->Wait(std::chrono::seconds(1)));
  std::string from_a = Thank(*a_, "FROMA"), from_b = Thank(*b_, "FROMB");
  // No --peer: B learned A's host at pairing, and the default port.
  RunResult sync = b_->Run({"sync"});
  ASSERT_EQ(sync.exit_code, 0) << Describe(sync);
  EXPECT_EQ(b_->NotesCount(from_a), 1u);
  EXPECT_TRUE(SecondsUntil([&] { return a_->NotesCount(from_b) == 1; },
                           std::chrono::seconds(10)) >= 0)
      << CountsOf({from_a, from_b});
  serve_a->Signal(SIGTERM);
  EXPECT_EQ(serve_a->Wait().exit_code, 0);
}

// A note written on A reaches B unasked.
TEST_F(ExplicitPairingNetnsTest, TwoDaemonsCarryANoteFromAToB) {
  ASSERT_NO_FATAL_FAILURE(PairAndServeBoth());
  std::string note = Thank(*a_, "ATOB");
  double took = SecondsUntil([&] { return b_->NotesCount(note) == 1; },
                             std::chrono::seconds(60));
  EXPECT_GE(took, 0) << "the note never reached B\n"
                     << Describe(serve_b_->Wait(std::chrono::seconds(1)));
  Report("note from A's daemon to B's", took);
}

// The link is down for 30 s while both sides write, then comes back: every
// note ends up exactly once on both nodes. The time is printed; only the
// outcome is asserted, with a generous cap.
TEST_F(ExplicitPairingNetnsTest, ThirtySecondOutageWhileBothWriteConverges) {
  ASSERT_NO_FATAL_FAILURE(PairAndServeBoth());
  std::vector<std::string> notes;
  ASSERT_NO_FATAL_FAILURE(FirstNoteCrosses("BEFORE", &notes));
  Report("converged after a 30 s outage (from link up)",
         OutageWhileBothWrite(&notes));
}

}  // namespace
}  // namespace inch::test::netns
