// Pairing between two in-process nodes on 127.0.0.1 (net/pairing.hpp):
// right and wrong codes, an expired code, malformed codes. Every run ends
// with the io_context out of work (tests/net/two_node_harness.hpp).
#include "net/pairing.hpp"

#include <gtest/gtest.h>

#include "tests/net/two_node_harness.hpp"

namespace inch::net {
namespace {

using namespace testing;  // the harness

class PairingTest : public NetTest {
 protected:
  // A pin function that only counts its calls in `*pins`.
  static PinFunction Counting(int* pins) {
    return [pins](const PairResult&) {
      ++*pins;
      return Status{};
    };
  }

  struct Outcome {
    std::optional<Result<PairResult>> listener, dialer;
    int pins_listener = 0, pins_dialer = 0;
  };
  // b listens showing `shown`, a dials typing `typed`.
  Outcome RunPairing(Node& a, Node& b, const std::string& shown,
                     const std::string& typed) {
    Outcome out;
    auto acceptor = Listen();
    Spawn(io_,
          PairAsListener(acceptor, shown, b.id.public_key,
                         Counting(&out.pins_listener)),
          out.listener);
    Spawn(io_,
          PairAsDialer(acceptor.local_endpoint(), typed, a.id.public_key,
                       Counting(&out.pins_dialer)),
          out.dialer);
    EXPECT_TRUE(RunToCompletion(io_));
    io_.restart();
    return out;
  }
};

TEST_F(PairingTest, PairingAgreesOnKeysSecretAndWords) {
  Node a, b;
  std::string code = NewPairingCode();
  ASSERT_TRUE(NormalizeCode(code).has_value());
  auto out = RunPairing(a, b, code, code);
  ASSERT_TRUE(out.listener && out.dialer);
  ASSERT_TRUE(out.listener->has_value()) << out.listener->error().message;
  ASSERT_TRUE(out.dialer->has_value()) << out.dialer->error().message;
  EXPECT_EQ((*out.listener)->partner_public_key, a.id.public_key);
  EXPECT_EQ((*out.dialer)->partner_public_key, b.id.public_key);
  EXPECT_TRUE((*out.listener)->pair_secret.Equals((*out.dialer)->pair_secret));
  EXPECT_EQ((*out.listener)->check_words, (*out.dialer)->check_words);
  EXPECT_EQ((*out.listener)->check_words.size(), 4u);
  EXPECT_EQ(out.pins_listener, 1);
  EXPECT_EQ(out.pins_dialer, 1);
}

TEST_F(PairingTest, WrongCodePinsNothingAndUsesTheCode) {
  Node a, b;
  auto out = RunPairing(a, b, "1234-5678", "1234-5679");
  ASSERT_TRUE(out.listener && out.dialer);
  EXPECT_FALSE(out.listener->has_value());  // the listener gave up
  EXPECT_FALSE(out.dialer->has_value());
  EXPECT_EQ(out.dialer->error().code, Errc::kCrypto);
  EXPECT_EQ(out.pins_listener, 0);
  EXPECT_EQ(out.pins_dialer, 0);
}

TEST_F(PairingTest, AnExpiredCodePinsNothing) {
  Node a, b;
  std::string code = NewPairingCode();
  int pins = 0;
  std::optional<Result<PairResult>> listener, dialer;
  auto acceptor = std::make_unique<tcp::acceptor>(Listen());
  const auto endpoint = acceptor->local_endpoint();
  // A code whose lifetime is already over when the listener starts.
  Spawn(io_,
        PairAsListener(*acceptor, code, b.id.public_key, Counting(&pins),
                       std::chrono::milliseconds(0)),
        listener);
  ASSERT_TRUE(RunToCompletion(io_));
  ASSERT_TRUE(listener);
  ASSERT_FALSE(listener->has_value());
  EXPECT_EQ(listener->error().code, Errc::kUnreachable);
  EXPECT_NE(listener->error().message.find("expired"), std::string::npos);
  // The listener is gone (as `inch pair --listen` exits): typing the code
  // now reaches no one and pins nothing.
  acceptor.reset();
  io_.restart();
  Spawn(io_, PairAsDialer(endpoint, code, a.id.public_key, Counting(&pins)),
        dialer);
  ASSERT_TRUE(RunToCompletion(io_));
  ASSERT_TRUE(dialer);
  EXPECT_FALSE(dialer->has_value());
  EXPECT_EQ(pins, 0);
}

TEST_F(PairingTest, MalformedCodesAreRejected) {
  EXPECT_FALSE(NormalizeCode("1234-567").has_value());
  EXPECT_FALSE(NormalizeCode("1234-567a").has_value());
  EXPECT_EQ(*NormalizeCode(" 1234 5678 "), "12345678");
}

}  // namespace
}  // namespace inch::net
