// Property test of the sync core (label property): two replicas backed by
// real stores make random changes and exchange ops through Outbox /
// ApplyFromPartner in random batches, with stale acks (duplicates), drops,
// reordering (gaps, which must be rejected cleanly), partitions, restarts,
// and crash-restarts from a copy of the files (a third replica taking over).
// After a final full exchange both must hold identical shared state.
//
// 10,000 cases of 10k SQLite-backed cases take ~80 s on this machine, so the
// suite runs 10,000 cases of the pure fold (random valid two-author
// histories folded in random orders with duplicates, and mirrored) plus
// 1,500 cases through the real stores on /dev/shm. INCH_SEED=<n> reruns one
// case of each; INCH_CASES=<n> sets the real-store count.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>

#include "shared_test_util.hpp"

namespace inch::store {
namespace {

using testing::FullExchange;
using testing::MakeNode;
using testing::Node;
using testing::Pair;
using testing::TempDir;

std::uint64_t EnvOr(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

std::size_t items_seen = 0;  // shared items over all cases: the test bites

class Sim {
 public:
  explicit Sim(std::uint64_t seed) : rng_(seed) {
    n_[0] = MakeNode(dir_.path(), "a");
    n_[1] = MakeNode(dir_.path(), "b");
    Pair(n_[0], n_[1]);
    // Half the cases start with both partners ready, so lists really flow.
    if (R(2)) {
      for (auto& n : n_) {
        INCH_CHECK(
            n->edits().SetConsent(ConsentKind::kLists, true).has_value());
        INCH_CHECK(
            n->edits().SetConsent(ConsentKind::kNotes, true).has_value());
      }
    }
  }

  std::uint64_t R(std::uint64_t k) { return rng_() % k; }

  template <class T>
  const T* Pick(const std::vector<T>& v) {
    return v.empty() ? nullptr : &v[R(v.size())];
  }

  void RandomChange(int x) {
    Node& node = n_[x];
    auto st = node->reader().CurrentState();
    ASSERT_TRUE(st) << st.error().message;
    std::vector<ItemId> mine, mine_items, their_wishes, their_gives, any_items;
    for (const auto& [id, item] : st->items) {
      if (id.author == kMe) mine.push_back(id);
      if (item.kind == ItemKind::kNote) continue;
      any_items.push_back(id);
      if (id.author == kMe) mine_items.push_back(id);
      if (id.author == kPartner) {
        (item.kind == ItemKind::kWish ? their_wishes : their_gives)
            .push_back(id);
      }
    }
    const std::string text = "t" + std::to_string(rng_() % 1000);
    switch (R(11)) {
      case 0:
      case 1: {
        auto id = node->edits().AddWish(text, static_cast<int>(1 + R(5)));
        ASSERT_TRUE(id);
        if (R(2)) {
          ASSERT_TRUE(node->edits().Share(*id));
        }
        break;
      }
      case 2: {
        std::optional<ItemId> for_wish, smaller;
        if (auto* w = Pick(their_wishes); w && R(2)) for_wish = *w;
        if (auto* s = Pick(any_items); s && R(3) == 0) smaller = *s;
        auto id = node->edits().AddGive(text, static_cast<GiveSize>(1 + R(3)),
                                        for_wish, smaller);
        ASSERT_TRUE(id);
        if (R(2)) {
          ASSERT_TRUE(node->edits().Share(*id));
        }
        break;
      }
      case 3:
        if (auto* id = Pick(mine_items)) {
          const bool wish = st->items.at(*id).kind == ItemKind::kWish;
          auto s =
              wish ? node->edits().Edit(*id, text, static_cast<int>(1 + R(5)),
                                        std::nullopt)
                   : node->edits().Edit(*id, text, std::nullopt,
                                        GiveSize::kMedium);
          ASSERT_TRUE(s) << s.error().message;
        }
        break;
      case 4:
      case 5:
        if (auto* id = Pick(mine_items)) {
          ASSERT_TRUE(node->edits().Share(*id));
        }
        break;
      case 6:
        if (auto* id = Pick(mine); id && R(2)) {
          ASSERT_TRUE(node->edits().Withdraw(*id));
        }
        break;
      case 7:
        if (R(2)) {
          ASSERT_TRUE(node->edits().SetConsent(
              R(2) ? ConsentKind::kLists : ConsentKind::kNotes, R(4) != 0));
        }
        break;
      case 8:
        if (auto* id = Pick(their_gives)) {
          const auto p = R(3);
          if (p == 2) {
            ASSERT_TRUE(node->edits().MarkThanked(*id));
          } else {
            // A step back is refused; anything else must succeed.
            auto s = node->edits().Respond(
                *id, p ? Progress::kDone : Progress::kChosen);
            if (!s) {
              ASSERT_EQ(s.error().code, Errc::kInvalidInput);
            }
          }
        }
        break;
      case 9:
        ASSERT_TRUE(node->edits().AddNote(text));
        break;
      case 10:
        if (auto* w = Pick(their_wishes)) {
          ASSERT_TRUE(node->edits().AnswerPrivately(
              *w, R(2) ? PrivateAnswer::kNo : PrivateAnswer::kNotYet));
        }
        break;
    }
  }

  // One lossy, reordering, duplicating hop from `from` to the other.
  void LossyExchange(int from) {
    Node& src = n_[from];
    Node& dst = n_[1 - from];
    auto have = dst->sync().ReceivedUpTo();
    ASSERT_TRUE(have);
    const std::uint64_t stale = std::min<std::uint64_t>(*have, R(3));
    auto out = src->sync().Outbox(*have - stale, 1 + R(6), 64 + R(4096));
    ASSERT_TRUE(out) << out.error().message;
    std::vector<Bytes> batch = out->sealed_ops;
    const auto mode = R(6);
    bool may_fail = false;
    if (mode == 0) return;  // dropped on the way
    if (mode == 1 && batch.size() > 1) {
      std::shuffle(batch.begin(), batch.end(), rng_);
      may_fail = true;
    }
    if (mode == 2 && !batch.empty()) batch.push_back(batch[R(batch.size())]);
    if (mode == 3 && !batch.empty()) batch.insert(batch.begin(), batch.back());
    if (mode == 3 && batch.size() > 1) may_fail = true;  // moved forward
    auto r = ApplyFromPartner(dst->sync(), batch);
    if (!r) {
      ASSERT_TRUE(may_fail) << r.error().message;
      ASSERT_EQ(r.error().code, Errc::kProtocol);
      ASSERT_EQ(*dst->sync().ReceivedUpTo(), *have);  // nothing applied
    }
    if (mode == 4) {
      ASSERT_TRUE(ApplyFromPartner(dst->sync(), batch));  // a replayed batch
    }
  }

  void Restart(int x) {
    if (R(2)) {
      n_[x].Reopen();
      return;
    }
    // Crash-restart: a copy of the files as they are on disk right now
    // (db + WAL, no shm) takes over; the old replica is discarded.
    const std::string copy =
        dir_.path() + "/copy" + std::to_string(copies_++) + ".db";
    namespace fs = std::filesystem;
    fs::copy_file(n_[x].path, copy);
    if (fs::exists(n_[x].path + "-wal"))
      fs::copy_file(n_[x].path + "-wal", copy + "-wal");
    n_[x].store.reset();
    n_[x].path = copy;
    n_[x].Reopen();
  }

  void Run(int steps) {
    for (int i = 0; i < steps; ++i) {
      const auto what = R(10);
      const int x = static_cast<int>(R(2));
      if (what < 5) {
        RandomChange(x);
      } else if (what < 9) {
        if (!partitioned_) LossyExchange(x);
      } else if (R(2)) {
        Restart(x);
      } else {
        partitioned_ = !partitioned_;
      }
      if (::testing::Test::HasFatalFailure()) return;
    }
  }

  void CheckConverged() {
    FullExchange(n_[0], n_[1]);
    auto a = n_[0]->reader().SharedState();
    auto b = n_[1]->reader().SharedState();
    ASSERT_TRUE(a && b);
    const std::string ca = Canonical(*a, n_[0]->pairing().MeLow());
    const std::string cb = Canonical(*b, n_[1]->pairing().MeLow());
    ASSERT_EQ(ca, cb);
    items_seen += a->items.size();
    // Nothing is left to send on either side.
    for (int x = 0; x < 2; ++x) {
      auto out =
          n_[x]->sync().Outbox(*n_[1 - x]->sync().ReceivedUpTo(), 10, 1 << 20);
      ASSERT_TRUE(out);
      ASSERT_TRUE(out->sealed_ops.empty());
    }
  }

 private:
  TempDir dir_;
  Node n_[2];
  std::mt19937_64 rng_;
  bool partitioned_ = false;
  int copies_ = 0;
};

TEST(SharedPropertyTest, ReplicasConvergeUnderLossReorderRestart) {
  ASSERT_TRUE(crypto::InitCrypto());
  const std::uint64_t base = EnvOr("INCH_SEED", std::random_device{}());
  const bool one = std::getenv("INCH_SEED") != nullptr;
  const std::uint64_t cases = one ? 1 : EnvOr("INCH_CASES", 1500);
  std::cout << "seed " << base
            << " (rerun: INCH_SEED=<seed of a failing case>), cases " << cases
            << "\n";
  for (std::uint64_t i = 0; i < cases; ++i) {
    const std::uint64_t seed = base + i;
    Sim sim(seed);
    sim.Run(static_cast<int>(8 + seed % 24));
    if (!HasFatalFailure()) sim.CheckConverged();
    if (HasFatalFailure()) {
      std::cout << "failing case: INCH_SEED=" << seed << "\n";
      return;
    }
  }
  std::cout << "shared items held by both replicas, summed over cases: "
            << items_seen << "\n";
  EXPECT_GT(items_seen, cases / 2);  // the random walks really share things
}

// A random valid history: two authors, increasing clocks, items created
// before they are changed, responses only on the other's gives.
std::vector<OpWithAuthor> RandomHistory(std::mt19937_64& rng) {
  auto r = [&](std::uint64_t k) { return rng() % k; };
  std::vector<OpWithAuthor> ops;
  std::vector<std::uint64_t> items[2], gives[2];
  std::uint64_t next[2] = {1, 1};
  std::uint64_t hlc = 1000, last[2] = {0, 0};
  const int steps = static_cast<int>(5 + r(40));
  for (int i = 0; i < steps; ++i) {
    const int a = static_cast<int>(r(2));
    OpWithAuthor o{a, {}};
    hlc += 1 + r(3);
    // Concurrent ops of the two authors may share a clock value; one
    // author's clock strictly increases (the HLC guarantees it).
    const std::uint64_t h = std::max(last[a] + 1, r(4) == 0 ? hlc - 1 : hlc);
    last[a] = h;
    o.op.set_hlc(h);
    const auto what = r(8);
    if (what < 2 || items[a].empty()) {
      auto* c = o.op.mutable_create();
      c->set_n(next[a]);
      const bool give = r(2);
      c->set_type(give ? proto::GIVE : proto::WISH);
      c->set_text("c" + std::to_string(r(100)));
      c->set_importance(give ? 0 : static_cast<std::uint32_t>(1 + r(5)));
      c->set_size(give ? static_cast<proto::GiveSize>(1 + r(3))
                       : proto::SIZE_UNSPECIFIED);
      items[a].push_back(next[a]);
      if (give) gives[a].push_back(next[a]);
      ++next[a];
    } else if (what == 2) {
      auto* e = o.op.mutable_edit();
      e->set_n(items[a][r(items[a].size())]);
      e->set_text("e" + std::to_string(r(100)));
    } else if (what == 3) {
      o.op.mutable_share()->set_n(items[a][r(items[a].size())]);
    } else if (what == 4) {
      o.op.mutable_withdraw()->set_n(items[a][r(items[a].size())]);
    } else if (what == 5 && !gives[1 - a].empty()) {
      o.op.mutable_respond()->set_n(gives[1 - a][r(gives[1 - a].size())]);
      o.op.mutable_respond()->set_kind(
          static_cast<proto::ResponseKind>(1 + r(3)));
    } else if (what == 6) {
      o.op.mutable_consent()->set_kind(r(2) ? proto::LISTS : proto::NOTES);
      o.op.mutable_consent()->set_on(r(2));
    } else {
      o.op.mutable_note()->set_n(next[a]++);
      o.op.mutable_note()->set_text("n" + std::to_string(r(100)));
    }
    ops.push_back(std::move(o));
  }
  return ops;
}

TEST(SharedPropertyTest, FoldIsCommutativeIdempotentAndMirrorable) {
  const std::uint64_t base = EnvOr("INCH_SEED", std::random_device{}());
  const bool one = std::getenv("INCH_SEED") != nullptr;
  const std::uint64_t cases = one ? 1 : 10000;
  std::cout << "seed " << base << ", fold cases " << cases << "\n";
  for (std::uint64_t i = 0; i < cases; ++i) {
    std::mt19937_64 rng(base + i);
    auto ops = RandomHistory(rng);
    const bool me_low = rng() % 2;
    const std::string want = Canonical(Fold(ops, me_low), me_low);
    auto shuffled = ops;
    for (int k = 0; k < 3; ++k) {
      std::shuffle(shuffled.begin(), shuffled.end(), rng);
      // Duplicates of a random prefix: delivery twice changes nothing.
      shuffled.insert(shuffled.end(), shuffled.begin(),
                      shuffled.begin() + static_cast<std::ptrdiff_t>(
                                             rng() % (ops.size() + 1)));
      ASSERT_EQ(Canonical(Fold(shuffled, me_low), me_low), want)
          << "INCH_SEED=" << base + i;
    }
    // The other node sees the same ops with the slots swapped.
    for (auto& o : ops) o.author = 1 - o.author;
    ASSERT_EQ(Canonical(Fold(ops, !me_low), !me_low), want)
        << "INCH_SEED=" << base + i;
  }
}

}  // namespace
}  // namespace inch::store
