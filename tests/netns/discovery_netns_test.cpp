// Two hosts with nothing typed but the code: pairing found on the LAN,
// daemons started with no address finding each other, both addresses
// changing under them, and a 30 s outage, each ending in convergence.
//
// needs discovery branch (and the daemon branch for the daemon cases):
// every test here fails on code without LAN discovery, at its first step.
#include <signal.h>

#include "tests/netns/netns_fixture.hpp"

namespace inch::test::netns {
namespace {

class DiscoveryNetnsTest : public TwoHostsTest {
 protected:
  void PairWithTheCode() {
    PairOutcome o = PairByCode(*a_, *b_);
    ASSERT_EQ(o.error, "") << o.first_line;
    first_line_ = nlohmann::json::parse(o.first_line);
    ASSERT_NO_FATAL_FAILURE(ExpectPaired());
  }
  // Pairs by code, moves both hosts to a new subnet (so nothing learned
  // while pairing still works) and starts both daemons with no address.
  void PairRenumberServe() {
    ASSERT_NO_FATAL_FAILURE(PairWithTheCode());
    ReadyForNotes();
    ASSERT_EQ(hosts_->Renumber(), "");
    ASSERT_NO_FATAL_FAILURE(ServeBoth("", ""));
  }
  nlohmann::json first_line_;
};

TEST_F(DiscoveryNetnsTest, PairWithTheCodeAlone) {
  ASSERT_NO_FATAL_FAILURE(PairWithTheCode());
  // The first line offers the LAN address for unusual networks.
  ASSERT_TRUE(first_line_["addresses"].is_array()) << first_line_.dump();
  bool lan_listed = false;
  for (const auto& a : first_line_["addresses"]) {
    const std::string s = a.get<std::string>();
    lan_listed |= s.rfind(hosts_->address(kA) + ":", 0) == 0;
    EXPECT_NE(s.rfind("127.", 0), 0u) << first_line_.dump();
  }
  EXPECT_TRUE(lan_listed) << first_line_.dump();
}

TEST_F(DiscoveryNetnsTest, DaemonsWithNoAddressFindEachOtherAndSync) {
  const auto start = std::chrono::steady_clock::now();
  ASSERT_NO_FATAL_FAILURE(PairRenumberServe());
  std::string note = Thank(*a_, "FOUND");
  double took = SecondsUntil([&] { return AllOnceOnBoth({note}); },
                             std::chrono::seconds(60));
  ASSERT_GE(took, 0) << "the daemons never found each other\n" << Logs();
  Report("daemons started with no address: first sync after",
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
             .count());
}

TEST_F(DiscoveryNetnsTest, BothAddressesChangeAndTheyConvergeAgain) {
  ASSERT_NO_FATAL_FAILURE(PairRenumberServe());
  std::vector<std::string> notes;
  ASSERT_NO_FATAL_FAILURE(FirstNoteCrosses("FIRST", &notes));
  // DHCP hands both laptops addresses on a new subnet.
  ASSERT_EQ(hosts_->Renumber(), "");
  notes.push_back(Thank(*a_, "AFTERA"));
  notes.push_back(Thank(*b_, "AFTERB"));
  double took = SecondsUntil([&] { return AllOnceOnBoth(notes); },
                             std::chrono::seconds(90));
  EXPECT_GE(took, 0) << "no convergence within 90 s of the change:\n"
                     << CountsOf(notes) << Logs();
  Report("converged after both addresses changed", took);
}

TEST_F(DiscoveryNetnsTest, ThirtySecondOutageWithNoAddressGivenConverges) {
  ASSERT_NO_FATAL_FAILURE(PairRenumberServe());
  std::vector<std::string> notes;
  ASSERT_NO_FATAL_FAILURE(FirstNoteCrosses("BEFORE", &notes));
  Report("converged after a 30 s outage, no address given (from link up)",
         OutageWhileBothWrite(&notes));
}

}  // namespace
}  // namespace inch::test::netns
