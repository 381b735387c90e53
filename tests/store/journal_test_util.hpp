// Helpers shared by the journal and SQLite tests: a temporary directory
// that removes itself, a fixed test key, and whole-file reads.
#pragma once

#include <gtest/gtest.h>
#include <sodium.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "common/bytes.hpp"
#include "crypto/secret.hpp"

namespace inch::testing {

// mkdtemp under /tmp; removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/inch-journal-test-XXXXXX";
    char* made = ::mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A deterministic 32-byte key: `seed` repeated.
inline crypto::Secret TestKey(std::uint8_t seed = 7) {
  EXPECT_TRUE(crypto::InitCrypto());
  Bytes raw(32, seed);
  return crypto::Secret::CopyOf(raw);
}

// The whole file, or empty if it does not exist.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace inch::testing
