// Replays every saved fuzz input (fuzz/corpus/<target>/*) through its target
// as an ordinary test, so a fixed crasher stays fixed in CI without clang.
// A crash or a broken invariant aborts the binary, which fails the test run.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "fuzz/targets/fuzz_targets.hpp"

namespace inch::fuzz {

// Names the target in failure messages (found by ADL).
void PrintTo(const Target& target, std::ostream* os) { *os << target.name; }

namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(INCH_SOURCE_DIR) / "fuzz" / "corpus";

std::vector<std::uint8_t> ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class CorpusReplay : public ::testing::TestWithParam<Target> {};

TEST_P(CorpusReplay, EveryInputReturnsZero) {
  const Target& target = GetParam();
  const fs::path dir = kCorpus / std::string(target.name);
  ASSERT_TRUE(fs::is_directory(dir)) << dir << " is missing";
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    SCOPED_TRACE(entry.path().string());
    const auto bytes = ReadAll(entry.path());
    EXPECT_EQ(target.fn(bytes.data(), bytes.size()), 0);
    // Prefixes too (a cheap truncation suite): up to 64 per input, spread
    // evenly, so slow targets (handshake) stay fast.
    const std::size_t stride = bytes.size() / 64 + 1;
    for (std::size_t n = 0; n < bytes.size(); n += stride) {
      ASSERT_EQ(target.fn(bytes.data(), n), 0) << "prefix of " << n << " bytes";
    }
    ++files;
  }
  EXPECT_GT(files, 0u) << dir << " has no seed inputs";
  std::cout << target.name << ": " << files << " inputs replayed\n";
}

TEST_P(CorpusReplay, ToleratesEmptyAndTinyInputs) {
  const Target& target = GetParam();
  EXPECT_EQ(target.fn(nullptr, 0), 0);
  for (int b = 0; b < 256; ++b) {
    const auto byte = static_cast<std::uint8_t>(b);
    ASSERT_EQ(target.fn(&byte, 1), 0) << "byte " << b;
  }
}

INSTANTIATE_TEST_SUITE_P(Fuzz, CorpusReplay,
                         ::testing::ValuesIn(AllTargets().begin(),
                                             AllTargets().end()),
                         [](const auto& p) {
                           return std::string(p.param.name);
                         });

// A corpus folder without a target (a typo, a renamed target) would never
// be replayed: every folder must belong to a registered target.
TEST(CorpusLayout, EveryFolderHasATarget) {
  std::set<std::string> names;
  for (const auto& t : AllTargets()) names.emplace(t.name);
  std::size_t folders = 0;
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    if (!entry.is_directory()) continue;
    ++folders;
    EXPECT_TRUE(names.count(entry.path().filename().string()))
        << entry.path() << " matches no fuzz target";
  }
  EXPECT_EQ(folders, names.size());
}

}  // namespace
}  // namespace inch::fuzz
