// The buffered randomness behind Seal's nonces and RandomKey: values never
// repeat across buffer refills, threads, or a fork() (the child must not
// replay the parent's buffered bytes: a repeated nonce under one key breaks
// XChaCha20-Poly1305).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <thread>
#include <vector>

#include "crypto/aead.hpp"
#include "crypto/secret.hpp"

namespace inch::crypto {
namespace {

constexpr std::size_t kNonce = 24;

Bytes NonceOf(const Bytes& sealed) {
  return Bytes(sealed.begin() + 1, sealed.begin() + 1 + kNonce);
}

std::vector<Bytes> Nonces(const Secret& key, int n) {
  std::vector<Bytes> out;
  for (int i = 0; i < n; ++i)
    out.push_back(NonceOf(Seal(key, AsBytes("x"), AsBytes("ad"))));
  return out;
}

std::vector<Bytes> Keys(int n) {
  std::vector<Bytes> out;
  Secret key(kKeyBytes);
  for (int i = 0; i < n; ++i) {
    RandomKey(key);
    out.emplace_back(key.data(), key.data() + key.size());
  }
  return out;
}

// Runs `make` in a forked child and returns what it produced (each value
// kNonce or kKeyBytes long, written through a pipe).
template <class Make>
std::vector<Bytes> InChild(Make make, std::size_t width) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    for (const Bytes& v : make()) {
      if (::write(fds[1], v.data(), v.size()) != static_cast<ssize_t>(v.size()))
        ::_exit(1);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::vector<Bytes> out;
  Bytes v(width);
  while (::read(fds[0], v.data(), v.size()) == static_cast<ssize_t>(width))
    out.push_back(v);
  ::close(fds[0]);
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return out;
}

std::size_t Distinct(const std::vector<Bytes>& a, const std::vector<Bytes>& b) {
  std::set<Bytes> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  return all.size();
}

TEST(AeadRandom, NoncesNeverRepeatAcrossRefills) {
  ASSERT_TRUE(InitCrypto());
  const Secret key = Secret::Random(kKeyBytes);
  const auto nonces = Nonces(key, 20'000);  // over a hundred refills
  EXPECT_EQ(Distinct(nonces, {}), nonces.size());
}

TEST(AeadRandom, ThreadsDrawDifferentNonces) {
  ASSERT_TRUE(InitCrypto());
  const Secret key = Secret::Random(kKeyBytes);
  std::vector<Bytes> a, b;
  std::thread other([&] { b = Nonces(key, 1000); });
  a = Nonces(key, 1000);
  other.join();
  EXPECT_EQ(Distinct(a, b), 2000u);
}

TEST(AeadRandom, ForkedChildDoesNotReplayTheParentsNonces) {
  ASSERT_TRUE(InitCrypto());
  const Secret key = Secret::Random(kKeyBytes);
  (void)Nonces(key, 1);  // the buffer is full of not yet used nonces
  auto child = InChild([&] { return Nonces(key, 50); }, kNonce);
  ASSERT_EQ(child.size(), 50u);
  auto parent = Nonces(key, 50);
  EXPECT_EQ(Distinct(parent, child), 100u);
}

TEST(AeadRandom, KeysNeverRepeatAcrossRefillsOrFork) {
  ASSERT_TRUE(InitCrypto());
  auto keys = Keys(1000);
  EXPECT_EQ(Distinct(keys, {}), keys.size());
  auto child = InChild([] { return Keys(20); }, kKeyBytes);
  ASSERT_EQ(child.size(), 20u);
  auto parent = Keys(20);
  EXPECT_EQ(Distinct(parent, child), 40u);
}

}  // namespace
}  // namespace inch::crypto
