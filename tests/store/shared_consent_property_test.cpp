// Consent property test (label property): random add / share / withdraw /
// ready / unready / note on both sides with full exchanges in between.
// Checks, against a small model of who knew which consent when:
//  - the partner holds exactly the items the author shared while both
//    consents held (as the author's node knew them) and did not withdraw;
//  - no op of a draft (or of an item the model did not release) is ever in
//    an Outbox: every sealed op is opened and checked;
//  - Preview's "sent" entries are exactly what the partner holds;
//  - the receiver shows only what it holds and its own gate allows now:
//    list items while lists are on for both, notes while notes are.
// INCH_SEED=<n> reruns one case; INCH_CASES=<n> sets the count.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>

#include "shared_test_util.hpp"

namespace inch::store {
namespace {

using testing::MakeNode;
using testing::Node;
using testing::TempDir;

struct ModelItem {
  bool note = false;
  bool shared = false;
  bool withdrawn = false;
  bool released = false;
};

struct Side {
  Node node;
  std::map<std::uint64_t, ModelItem> items;
  bool lists = false, notes = false;  // my consents now
  bool known_lists = false,
       known_notes = false;  // the partner's, as I last heard
};

class ConsentSim {
 public:
  explicit ConsentSim(std::uint64_t seed) : rng_(seed) {
    s_[0].node = MakeNode(dir_.path(), "a");
    s_[1].node = MakeNode(dir_.path(), "b");
    secret_ = testing::Pair(s_[0].node, s_[1].node);
  }
  std::uint64_t R(std::uint64_t k) { return rng_() % k; }

  void Step() {
    const int x = static_cast<int>(R(2));
    Side& side = s_[x];
    std::vector<std::uint64_t> live;
    for (auto& [n, it] : side.items) {
      if (!it.withdrawn) live.push_back(n);
    }
    switch (R(9)) {
      case 0:
      case 1: {
        auto id =
            R(2) ? side.node->edits().AddWish("w", 3)
                 : side.node->edits().AddGive("g", GiveSize::kSmall, {}, {});
        ASSERT_TRUE(id);
        side.items[id->n] = ModelItem{};
        break;
      }
      case 2: {
        auto id = side.node->edits().AddNote("thanks");
        ASSERT_TRUE(id);
        side.items[id->n] = ModelItem{true, true};
        break;
      }
      case 3:
      case 4:
        if (!live.empty()) {
          const auto n = live[R(live.size())];
          ASSERT_TRUE(side.node->edits().Share(ItemId{kMe, n}));
          side.items[n].shared = true;
        }
        break;
      case 5:
        if (!live.empty()) {
          const auto n = live[R(live.size())];
          ASSERT_TRUE(side.node->edits().Withdraw(ItemId{kMe, n}));
          side.items[n].withdrawn = true;
        }
        break;
      case 6: {
        const bool lists = R(2);
        const bool on = R(3) != 0;
        ASSERT_TRUE(side.node->edits().SetConsent(
            lists ? ConsentKind::kLists : ConsentKind::kNotes, on));
        (lists ? side.lists : side.notes) = on;
        break;
      }
      default:
        FullExchange();
        break;
    }
  }

  // The model of one full exchange (a sends first; see SendChecked): a
  // releases with what it knew of b's consent, then b with a's fresh one,
  // then a again with b's fresh one.
  void ModelRelease(Side& me, bool partner_lists, bool partner_notes) {
    for (auto& [n, it] : me.items) {
      if (it.withdrawn || it.released) continue;
      if (it.note ? (me.notes && partner_notes)
                  : (it.shared && me.lists && partner_lists)) {
        it.released = true;
      }
    }
  }

  void FullExchange() {
    Side& a = s_[0];
    Side& b = s_[1];
    ModelRelease(a, a.known_lists, a.known_notes);
    ModelRelease(b, a.lists, a.notes);
    ModelRelease(a, b.lists, b.notes);
    a.known_lists = b.lists, a.known_notes = b.notes;
    b.known_lists = a.lists, b.known_notes = a.notes;
    for (int round = 0; round < 10; ++round) {
      std::size_t n = SendChecked(0) + SendChecked(1);
      if (HasFailure()) return;
      if (n == 0) return;
    }
    FAIL() << "exchange did not converge";
  }

  // Sends everything from side x, opening every sealed op on the way.
  std::size_t SendChecked(int x) {
    Side& from = s_[x];
    Side& to = s_[1 - x];
    const crypto::Secret key = PairOpKey(secret_);
    std::size_t applied = 0;
    for (;;) {
      auto out =
          from.node->sync().Outbox(*to.node->sync().ReceivedUpTo(), 7, 1 << 20);
      EXPECT_TRUE(out);
      if (!out) return applied;
      for (const Bytes& wire : out->sealed_ops) {
        auto op = OpenWireOp(key, from.node.pk, wire);
        EXPECT_TRUE(op);
        if (!op) return applied;
        auto item = ItemOf(*op);
        if (item && !item->first) {
          const ModelItem& m = from.items[item->second];
          // Content ops (and withdrawals) only of items the model released.
          EXPECT_TRUE(m.released) << op->DebugString();
          if (op->has_create() || op->has_edit() || op->has_share()) {
            EXPECT_TRUE(m.shared) << "a draft op left the node";
          }
        }
      }
      auto r = ApplyFromPartner(to.node->sync(), out->sealed_ops);
      EXPECT_TRUE(r);
      if (!r) return applied;
      applied += r->applied;
      if (!out->more) return applied;
    }
  }

  void Check() {
    FullExchange();
    if (HasFailure()) return;
    for (int x = 0; x < 2; ++x) {
      std::set<std::uint64_t> expected;
      for (auto& [n, it] : s_[x].items) {
        if (it.released && !it.withdrawn) expected.insert(n);
      }
      auto held = s_[1 - x].node->reader().SharedState();
      ASSERT_TRUE(held);
      std::set<std::uint64_t> got;
      for (auto& [id, it] : held->items) {
        if (id.author == kPartner) got.insert(id.n);
      }
      ASSERT_EQ(got, expected) << "side " << x;
      // What the receiver shows: held, and allowed by its own gate now.
      const bool lists = s_[0].lists && s_[1].lists;
      const bool notes = s_[0].notes && s_[1].notes;
      std::set<std::uint64_t> may_show;
      for (auto n : expected) {
        if (s_[x].items[n].note ? notes : lists) may_show.insert(n);
      }
      auto shown = s_[1 - x].node->reader().CurrentState();
      ASSERT_TRUE(shown);
      std::set<std::uint64_t> seen;
      for (auto& [id, it] : shown->items) {
        if (id.author == kPartner) seen.insert(id.n);
      }
      ASSERT_EQ(seen, may_show) << "shown by side " << 1 - x;
      auto preview = s_[x].node->reader().Preview();
      ASSERT_TRUE(preview);
      std::set<std::uint64_t> sent;
      for (auto& e : *preview) {
        if (e.state == PreviewState::kSent) sent.insert(e.item.id.n);
      }
      ASSERT_EQ(sent, got) << "preview of side " << x;
      released_total += got.size();
    }
  }

  static inline std::size_t released_total = 0;

 private:
  static bool HasFailure() { return ::testing::Test::HasFailure(); }
  TempDir dir_;
  Side s_[2];
  crypto::Secret secret_;
  std::mt19937_64 rng_;
};

TEST(SharedConsentPropertyTest, PartnerHoldsExactlyWhatConsentAllowed) {
  ASSERT_TRUE(crypto::InitCrypto());
  const char* env = std::getenv("INCH_SEED");
  const std::uint64_t base =
      env ? std::strtoull(env, nullptr, 10) : std::random_device{}();
  const char* cases_env = std::getenv("INCH_CASES");
  const std::uint64_t cases =
      env ? 1 : (cases_env ? std::strtoull(cases_env, nullptr, 10) : 1000);
  std::cout << "seed " << base << ", cases " << cases << "\n";
  for (std::uint64_t i = 0; i < cases; ++i) {
    ConsentSim sim(base + i);
    const int steps = static_cast<int>(10 + (base + i) % 30);
    for (int k = 0; k < steps && !HasFailure(); ++k) sim.Step();
    if (!HasFailure()) sim.Check();
    if (HasFailure()) {
      std::cout << "failing case: INCH_SEED=" << base + i << "\n";
      return;
    }
  }
  std::cout << "items released and held, summed: " << ConsentSim::released_total
            << "\n";
  EXPECT_GT(ConsentSim::released_total,
            cases / 4);  // the test really releases things
}

}  // namespace
}  // namespace inch::store
