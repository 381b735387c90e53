// Property test: a random sequence of writes, edits, deletes and reopens
// leaves the journal equal to a plain in-memory model. Prints its seed;
// rerun a failure with INCH_SEED=<seed>.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>

#include "journal_test_util.hpp"
#include "store/journal/journal.hpp"

namespace inch::store {
namespace {

using inch::testing::TempDir;
using inch::testing::TestKey;

std::uint64_t Seed() {
  if (const char* env = std::getenv("INCH_SEED")) {
    return std::strtoull(env, nullptr, 10);
  }
  return std::random_device{}();
}

// Random text, sometimes multi-byte, sometimes invalid (blank or bad UTF-8).
std::string RandomText(std::mt19937_64& rng, bool& valid) {
  static const char* kPieces[] = {"a", "b", " ", "é", "✓", "🙂", "\n", "x"};
  std::string s;
  const std::size_t n = rng() % 40;
  for (std::size_t i = 0; i < n; ++i) s += kPieces[rng() % 8];
  valid = s.find_first_not_of(" \n") != std::string::npos;
  if (rng() % 10 == 0) {
    s += "\xc3";  // truncated sequence
    valid = false;
  }
  return s;
}

TEST(JournalModelProperty, MatchesAnInMemoryModel) {
  const std::uint64_t seed = Seed();
  std::printf("INCH_SEED=%llu\n", static_cast<unsigned long long>(seed));
  SCOPED_TRACE("INCH_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  TempDir dir;
  const auto path = dir.File("j.db");
  auto opened = Journal::Open(path, TestKey(), true);
  ASSERT_TRUE(opened);
  std::unique_ptr<Journal> j = std::move(*opened);
  std::map<std::int64_t, JournalEntry> model;
  std::int64_t highest = 0;
  int writes = 0, edits = 0, deletes = 0;
  for (int step = 0; step < 150; ++step) {
    const auto op = rng() % 10;
    const std::int64_t now = step;
    bool valid = false;
    if (op < 5) {
      std::string text = RandomText(rng, valid);
      std::vector<std::string> tags;
      if (rng() % 2) tags.push_back("tag" + std::to_string(rng() % 5));
      auto id = j->Write(text, std::nullopt, tags, now);
      ASSERT_EQ(id.has_value(), valid) << "step " << step;
      if (id) {
        ASSERT_GT(*id, highest);
        highest = *id;
        ++writes;
        model[*id] = {*id, text, std::nullopt, tags, now, now};
      }
    } else if (op < 7) {
      std::string text = RandomText(rng, valid);
      std::int64_t id = model.empty() || rng() % 4 == 0
                            ? highest + 1
                            : std::next(model.begin(),
                                        static_cast<long>(rng() % model.size()))
                                  ->first;
      auto st = j->Edit(id, text, now);
      const bool exists = model.count(id) > 0;
      ASSERT_EQ(st.has_value(), valid && exists) << "step " << step;
      if (st) {
        model[id].text = text;
        model[id].updated_ms = now;
        ++edits;
      }
    } else if (op < 9) {
      std::int64_t id = model.empty()
                            ? 1
                            : std::next(model.begin(),
                                        static_cast<long>(rng() % model.size()))
                                  ->first;
      auto st = j->Delete(id);
      ASSERT_EQ(st.has_value(), model.erase(id) == 1) << "step " << step;
      deletes += st.has_value() ? 1 : 0;
    } else {
      j.reset();
      auto again = Journal::Open(path, TestKey(), false);
      ASSERT_TRUE(again) << again.error().message;
      j = std::move(*again);
    }
    auto list = j->List(1000);
    ASSERT_TRUE(list) << list.error().message;
    ASSERT_EQ(list->size(), model.size()) << "step " << step;
    auto it = model.rbegin();
    for (const auto& e : *list) {
      ASSERT_EQ(e.id, it->first);
      ASSERT_EQ(e.text, it->second.text);
      ASSERT_EQ(e.tags, it->second.tags);
      ASSERT_EQ(e.created_ms, it->second.created_ms);
      ASSERT_EQ(e.updated_ms, it->second.updated_ms);
      ++it;
    }
  }
  std::printf("writes %d, edits %d, deletes %d, left %zu\n", writes, edits,
              deletes, model.size());
  // The sequence must have exercised every operation.
  EXPECT_GT(writes, 0);
  EXPECT_GT(edits, 0);
  EXPECT_GT(deletes, 0);
}

}  // namespace
}  // namespace inch::store
