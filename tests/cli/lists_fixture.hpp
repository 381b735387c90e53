// The one-node fixture of the lists end-to-end tests (tests/cli/lists_*):
// an initialised, unlocked home driven through the real binary, and the
// text helpers that read what a person sees.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/inch_process.hpp"

namespace inch::test {

class ListsE2eTest : public ::testing::Test {
 protected:
  using json = nlohmann::json;

  void SetUp() override {
    RunResult init = box_.RunWithPassphrase({"init"});
    ASSERT_EQ(init.exit_code, 0) << Describe(init);
    RunResult unlock = box_.RunWithPassphrase({"unlock"});
    ASSERT_EQ(unlock.exit_code, 0) << Describe(unlock);
  }
  // `inch ARGS --json`, which must succeed and print one JSON document.
  json RunJson(std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = box_.Run(args);
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    json doc = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << "not one JSON document:\n" << r.out;
    return doc;
  }
  InchSandbox box_;
};

// The lines of `text` that contain `needle`.
inline std::vector<std::string> LinesWith(const std::string& text,
                                          const std::string& needle) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) out.push_back(line);
  }
  return out;
}

// The screen column (in code points) where `needle` starts in `line`.
inline std::size_t Column(const std::string& line, const std::string& needle) {
  const std::size_t at = line.find(needle);
  EXPECT_NE(at, std::string::npos) << needle << " in " << line;
  std::size_t col = 0;
  for (std::size_t i = 0; i < std::min(at, line.size()); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++col;
  }
  return col;
}

// The one line of `text` containing `needle` ("" and a failure otherwise).
inline std::string LineWith(const std::string& text,
                            const std::string& needle) {
  auto lines = LinesWith(text, needle);
  EXPECT_EQ(lines.size(), 1u) << "'" << needle << "' in:\n" << text;
  return lines.empty() ? "" : lines.front();
}

}  // namespace inch::test
