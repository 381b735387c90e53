// Framing decoder suites: round trips at every split point, byte flips,
// truncation and over-declared lengths (style.md: decoders get all three).
#include "net/frame.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <random>

namespace inch::net {
namespace {

Bytes Payload(std::size_t n, std::uint8_t seed) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i)
    b[i] = static_cast<std::uint8_t>(seed + i);
  return b;
}

Bytes Stream(const std::vector<Bytes>& payloads) {
  Bytes out;
  for (const auto& p : payloads) {
    auto f = EncodeFrame(p);
    EXPECT_TRUE(f.has_value());
    out.insert(out.end(), f->begin(), f->end());
  }
  return out;
}

// Feeds `stream` in pieces of `step` bytes; returns the frames decoded,
// or the error.
Result<std::vector<Bytes>> DecodeAll(ByteView stream, std::size_t step,
                                     std::size_t max = kMaxFrame) {
  FrameDecoder d(max);
  std::vector<Bytes> out;
  for (std::size_t i = 0; i < stream.size(); i += step) {
    auto piece = stream.subspan(i, std::min(step, stream.size() - i));
    if (auto st = d.Feed(piece); !st) return std::unexpected(st.error());
    for (;;) {
      auto next = d.Next();
      if (!next) return std::unexpected(next.error());
      if (!*next) break;
      out.push_back(std::move(**next));
    }
  }
  if (!d.idle()) return Fail(Errc::kProtocol, "truncated");
  return out;
}

TEST(FrameTest, EncodesBigEndianLength) {
  auto f = EncodeFrame(Payload(0x1234, 7));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ((*f)[0], 0x12);
  EXPECT_EQ((*f)[1], 0x34);
  EXPECT_EQ(f->size(), 0x1234u + 2);
}

TEST(FrameTest, RejectsEmptyAndOversizedPayloads) {
  EXPECT_FALSE(EncodeFrame(Bytes{}).has_value());
  EXPECT_TRUE(EncodeFrame(Payload(kMaxFrame, 1)).has_value());
  EXPECT_FALSE(EncodeFrame(Payload(kMaxFrame + 1, 1)).has_value());
}

TEST(FrameTest, RoundTripsAtEverySplit) {
  std::vector<Bytes> payloads = {Payload(1, 1), Payload(300, 2),
                                 Payload(kMaxFrame, 3), Payload(48, 4)};
  Bytes stream = Stream(payloads);
  for (std::size_t step : {1u, 2u, 3u, 47u, 1000u, 70000u}) {
    auto got = DecodeAll(stream, step);
    ASSERT_TRUE(got.has_value()) << "step " << step;
    EXPECT_EQ(*got, payloads) << "step " << step;
  }
}

TEST(FrameTest, TruncationNeverYieldsAPartialFrame) {
  std::vector<Bytes> payloads = {Payload(10, 1), Payload(200, 2)};
  Bytes stream = Stream(payloads);
  for (std::size_t cut = 0; cut < stream.size(); ++cut) {
    ByteView prefix(stream.data(), cut);
    auto got = DecodeAll(prefix, 1 + cut % 7);
    if (cut == 0 || cut == 12) {
      ASSERT_TRUE(got.has_value()) << cut;  // a clean frame boundary
      EXPECT_EQ(got->size(), cut == 0 ? 0u : 1u);
    } else {
      EXPECT_FALSE(got.has_value()) << "cut at " << cut;
    }
  }
}

TEST(FrameTest, RejectsZeroLength) {
  Bytes stream = {0, 0, 1, 2, 3};
  auto got = DecodeAll(stream, 5);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, Errc::kProtocol);
}

TEST(FrameTest, OverDeclaredLengthFailsBeforeTheBodyArrives) {
  FrameDecoder d(48);  // e.g. a handshake message
  ASSERT_TRUE(d.Feed(Bytes{0x00, 49}).has_value());
  auto next = d.Next();
  ASSERT_FALSE(next.has_value());  // rejected on the header alone
  EXPECT_EQ(next.error().code, Errc::kProtocol);
  // Dead afterwards: more input does not revive it.
  EXPECT_FALSE(d.Feed(Payload(49, 0)).has_value());
  EXPECT_FALSE(d.Next().has_value());
}

TEST(FrameTest, DeclaredLengthBeyondDataWaitsWithoutAFrame) {
  FrameDecoder d;
  ASSERT_TRUE(d.Feed(Bytes{0xff, 0xff, 1, 2, 3}).has_value());
  auto next = d.Next();
  ASSERT_TRUE(next.has_value());
  EXPECT_FALSE(next->has_value());
  EXPECT_FALSE(d.idle());
}

TEST(FrameTest, ByteFlipsNeverCrashOrOverrun) {
  const char* env = std::getenv("INCH_SEED");
  std::uint64_t seed =
      env ? std::strtoull(env, nullptr, 10) : std::random_device{}();
  std::cout << "INCH_SEED=" << seed << "\n";
  std::mt19937_64 rng(seed);
  std::vector<Bytes> payloads = {Payload(5, 1), Payload(100, 2), Payload(3, 3)};
  Bytes stream = Stream(payloads);
  for (std::size_t pos = 0; pos < stream.size(); ++pos) {
    Bytes flipped = stream;
    flipped[pos] ^= static_cast<std::uint8_t>(1 + rng() % 255);
    auto got = DecodeAll(flipped, 1 + rng() % 16, 200);
    if (!got) continue;  // rejected: fine
    std::size_t total = 0;
    for (const auto& f : *got) {
      EXPECT_GE(f.size(), 1u);
      EXPECT_LE(f.size(), 200u);
      total += f.size() + kFrameHeader;
    }
    EXPECT_EQ(total, flipped.size());  // idle at the end: all bytes used
    bool in_header =
        pos <= 1 || pos == 7 || pos == 8 || pos == 109 || pos == 110;
    if (!in_header) {
      // A flip inside a body keeps the framing: same sizes, one changed byte.
      ASSERT_EQ(got->size(), payloads.size()) << pos;
      EXPECT_NE(*got, payloads) << pos;
    }
  }
}

}  // namespace
}  // namespace inch::net
