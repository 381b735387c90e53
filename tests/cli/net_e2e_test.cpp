// Two real nodes on 127.0.0.1 (free ports, temporary homes): pairing, sync
// through `inch serve` + `inch sync`, changes made apart converging, withdraw
// and unpair propagating, and connected daemons pushing a note unasked.
#include <gtest/gtest.h>

#include "tests/cli/net_fixture.hpp"

namespace inch::test {
namespace {

using nlohmann::json;
using NetE2eTest = TwoNodes;

TEST_F(NetE2eTest, PairShowsTheSameCheckWordsOnBothSides) {
  auto [l, d] = Pair(a_, b_);
  ASSERT_EQ(l, 0);
  ASSERT_EQ(d, 0);
  json sa = Status(a_), sb = Status(b_);
  ASSERT_TRUE(sa["partner"].is_object()) << sa.dump();
  ASSERT_TRUE(sb["partner"].is_object()) << sb.dump();
  EXPECT_EQ(sa["partner"]["node_id"], NodeId(b_));
  EXPECT_EQ(sb["partner"]["node_id"], NodeId(a_));
  EXPECT_EQ(sa["partner"]["check_words"], sb["partner"]["check_words"]);
  EXPECT_EQ(sa["partner"]["check_words"].size(), 4u);
}

TEST_F(NetE2eTest, WrongCodePinsNothingOnEitherSide) {
  auto [l, d] = Pair(a_, b_, "0000-0000");
  EXPECT_NE(l, 0);
  EXPECT_NE(d, 0);
  EXPECT_TRUE(Status(a_)["partner"].is_null()) << Status(a_).dump();
  EXPECT_TRUE(Status(b_)["partner"].is_null()) << Status(b_).dump();
  // The code was used up, and a correct pairing still works afterwards.
  auto [l2, d2] = Pair(a_, b_);
  EXPECT_EQ(l2, 0);
  EXPECT_EQ(d2, 0);
}

TEST_F(NetE2eTest, APairedNodeRefusesASecondPartner) {
  ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
  RunResult again = a_.Run({"pair", "--listen", "127.0.0.1:0"});
  EXPECT_EQ(again.exit_code, 1) << Describe(again);
  EXPECT_NE(again.err.find("unpair"), std::string::npos) << again.err;
}

TEST_F(NetE2eTest, SyncWithoutAReachablePartnerExitsFour) {
  ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
  RunResult r = a_.Run({"sync", "--peer", "127.0.0.1:1"});
  EXPECT_EQ(r.exit_code, 4) << Describe(r);
}

TEST_F(NetE2eTest, ChangesMadeApartConvergeAfterOneSync) {
  ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
  std::string wish_a = RandomMarker("WISHA"), wish_b = RandomMarker("WISHB");
  SharedWish(a_, wish_a);
  SharedWish(b_, wish_b);
  Ok(a_, {"ready", "lists"});
  Ok(b_, {"ready", "lists"});
  std::string address;
  auto serve_b = Serve(b_, &address);
  RunResult sync = a_.Run({"sync", "--peer", address});
  ASSERT_EQ(sync.exit_code, 0) << Describe(sync);
  EXPECT_TRUE(PartnerListHas(a_, wish_b));
  EXPECT_TRUE(PartnerListHas(b_, wish_a));
  // A second sync after more changes apart, without --peer (the address
  // was learned from the daemon's Hello).
  std::string more_a = RandomMarker("MOREA"), more_b = RandomMarker("MOREB");
  SharedWish(a_, more_a);
  SharedWish(b_, more_b);
  RunResult sync2 = a_.Run({"sync"});
  ASSERT_EQ(sync2.exit_code, 0) << Describe(sync2);
  EXPECT_TRUE(PartnerListHas(a_, more_b));
  EXPECT_TRUE(PartnerListHas(b_, more_a));
  serve_b->Signal(SIGTERM);
  EXPECT_EQ(serve_b->Wait().exit_code, 0);
}

TEST_F(NetE2eTest, WithdrawAndUnpairEraseContentOnThePartner) {
  ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
  std::string gone = RandomMarker("GONE"), kept = RandomMarker("KEPT");
  std::string gone_id = SharedWish(a_, gone);
  SharedWish(a_, kept);
  Ok(a_, {"ready", "lists"});
  Ok(b_, {"ready", "lists"});
  std::string address;
  auto serve_b = Serve(b_, &address);
  ASSERT_EQ(a_.Run({"sync", "--peer", address}).exit_code, 0);
  ASSERT_TRUE(PartnerListHas(b_, gone));

  Ok(a_, {"withdraw", gone_id});
  ASSERT_EQ(a_.Run({"sync", "--peer", address}).exit_code, 0);
  EXPECT_FALSE(PartnerListHas(b_, gone));
  EXPECT_TRUE(PartnerListHas(b_, kept));
  Ok(b_, {"status"});  // a reader opening the store after the checkpoint
  EXPECT_TRUE(FindMarkerInTree(b_.home(), gone).empty())
      << "withdrawn text left on b";

  RunResult unpair = a_.Run({"--json", "unpair"});
  ASSERT_EQ(unpair.exit_code, 0) << Describe(unpair);
  EXPECT_TRUE(json::parse(unpair.out)["partner_told"].get<bool>())
      << unpair.out;
  EXPECT_TRUE(Status(a_)["partner"].is_null());
  EXPECT_TRUE(Status(b_)["partner"].is_null());
  EXPECT_TRUE(FindMarkerInTree(b_.home(), kept).empty())
      << "a's item left on b";
  serve_b->Signal(SIGTERM);
  EXPECT_EQ(serve_b->Wait().exit_code, 0);
}

TEST_F(NetE2eTest, UnpairWhileApartIsDeliveredLater) {
  ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
  std::string address;
  {
    auto serve_b = Serve(b_, &address);
    ASSERT_EQ(a_.Run({"sync", "--peer", address}).exit_code, 0);
    serve_b->Signal(SIGTERM);
    serve_b->Wait();
  }
  RunResult unpair = a_.Run({"--json", "unpair"});  // b is not reachable now
  ASSERT_EQ(unpair.exit_code, 0) << Describe(unpair);
  EXPECT_FALSE(json::parse(unpair.out)["partner_told"].get<bool>());
  ASSERT_TRUE(Status(b_)["partner"].is_object());
  // b's daemon comes back; a delivers the notice on its next sync.
  auto serve_b = Serve(b_, &address);
  RunResult deliver = a_.Run({"sync", "--peer", address});
  EXPECT_EQ(deliver.exit_code, 0) << Describe(deliver);
  EXPECT_TRUE(Eventually([&] { return Status(b_)["partner"].is_null(); }));
}

// The demo's story, checked as each partner would see it: every step needs
// exactly one `inch sync` (here through a relay, as in the demo), including
// a consent that arrives in the same session as the content it unlocks.
TEST_F(NetE2eTest, EachStepOfTheStoryArrivesAfterOneSync) {
  ASSERT_EQ(Pair(b_, a_), std::make_pair(0, 0));
  std::string address;
  auto serve_b = Serve(b_, &address);
  TcpRelay relay(PortOf(address));
  auto sync = [&] {
    RunResult r = a_.Run({"sync", "--peer", relay.address()});
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
  };
  auto item = [](const InchSandbox& box, const std::string& id) {
    json list = json::parse(box.Run({"--json", "list"}).out, nullptr, false);
    if (list.is_array()) {
      for (const json& it : list) {
        if (it.value("id", "") == id) return it;
      }
    }
    return json();
  };
  auto id_of = [](const std::string& out) {
    json doc = json::parse(out, nullptr, false);
    return doc.is_object() ? doc.value("id", "") : "";
  };

  std::string wish_b = SharedWish(b_, "Hold my hand on our evening walk");
  SharedWish(a_, "Ask me about my day");
  Ok(a_, {"ready", "lists"});
  Ok(b_, {"ready", "lists"});
  sync();  // both consents and both lists cross in one session
  EXPECT_TRUE(PartnerListHas(a_, "Hold my hand"));
  EXPECT_TRUE(PartnerListHas(b_, "Ask me about my day"));

  std::string give =
      id_of(Ok(a_, {"--json", "give", "add", "Your hand for five minutes",
                    "--size", "small", "--for", wish_b}));
  ASSERT_FALSE(give.empty());
  Ok(a_, {"share", give});
  sync();
  EXPECT_EQ(item(b_, give).value("progress", ""), "offered");
  Ok(b_, {"choose", give});
  sync();
  EXPECT_EQ(item(a_, give).value("progress", ""), "chosen");
  Ok(b_, {"done", give});
  Ok(a_, {"ready", "notes"});
  Ok(b_, {"ready", "notes"});
  std::string note = RandomMarker("THANKS");
  Ok(b_, {"thank", "Thank you " + note, "--for", give});
  sync();  // done, both note consents, the note and its thanked mark
  json given = item(a_, give);
  EXPECT_EQ(given.value("progress", ""), "done") << given.dump();
  EXPECT_EQ(given.value("thanked", false), true) << given.dump();
  EXPECT_NE(a_.Run({"notes"}).out.find(note), std::string::npos);
  // What a sees is what b sees of the same give.
  json seen_by_b = item(b_, give);
  EXPECT_EQ(seen_by_b.value("progress", ""), "done");
  EXPECT_EQ(seen_by_b.value("thanked", false), true);
  serve_b->Signal(SIGTERM);
  EXPECT_EQ(serve_b->Wait().exit_code, 0);
}

// An unpaired daemon waits to be dialled without spinning: its own opening
// of shared.db is a file event too, and only a real change (a new local op,
// a pairing) may wake its dial loop. Each wake logs one line.
TEST_F(NetE2eTest, AnUnpairedDaemonWaitsQuietly) {
  std::string address;
  auto serve = Serve(a_, &address);
  constexpr int kChanges = 3;
  for (int i = 0; i < kChanges; ++i) {
    Ok(a_, {"status"});  // reads: events, but no change
    Ok(a_, {"wish", "add", "wish " + std::to_string(i)});
  }
  // However long it waits, a correct daemon logs one line per change at
  // most; a spinning one logs thousands within this pause.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  serve->Signal(SIGTERM);
  RunResult daemon = serve->Wait();
  EXPECT_EQ(daemon.exit_code, 0) << Describe(daemon);
  const std::size_t waits = Count(daemon.err, "waiting to be dialled");
  EXPECT_GE(waits, 1u) << daemon.err;
  EXPECT_LE(waits, 1u + kChanges) << daemon.err;
}

TEST_F(NetE2eTest, ConnectedDaemonsDeliverANoteWithoutAManualSync) {
  std::string address_a;
  std::unique_ptr<BackgroundProcess> serve_a, serve_b;
  ASSERT_NO_FATAL_FAILURE(ServeBoth(&address_a, &serve_a, &serve_b));
  std::string note = RandomMarker("THANKS");
  // The daemons connect on their own; the note is written afterwards and
  // must arrive without any `inch sync`.
  Ok(b_, {"thank", "Thank you for " + note});
  EXPECT_TRUE(Eventually([&] { return NotesHave(a_, note); }))
      << "the note never reached a";
  // a never ran `inch sync`: its daemon's sessions say when it last synced.
  EXPECT_TRUE(Status(a_)["last_sync"].is_string()) << Status(a_).dump();
  serve_a->Signal(SIGTERM);
  serve_b->Signal(SIGTERM);
  EXPECT_EQ(serve_a->Wait().exit_code, 0);
  EXPECT_EQ(serve_b->Wait().exit_code, 0);
}

}  // namespace
}  // namespace inch::test
