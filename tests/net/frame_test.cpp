// The product's frame reader, ReadFrameFrom (what Connection::ReadFrame
// runs): round trips at every split, byte flips, truncation, zero and
// over-declared lengths, the exact 65,535 limit (style.md: decoders get all
// of these). Most cases run it over an in-memory stream; the last ones go
// through Connection::ReadFrame on a loopback TCP socket.
#include "net/frame.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <random>

#include "net/connection.hpp"
#include "net/memory_stream.hpp"

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

// True when the stream ended cleanly after its last whole frame.
bool CleanEnd(const MemoryReadResult& r) {
  return r.error.code == Errc::kUnreachable && r.state.eof;
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
    auto got = ReadFramesFromMemory(stream, {}, step);
    EXPECT_TRUE(CleanEnd(got)) << "step " << step << ": " << got.error.message;
    EXPECT_EQ(got.frames, payloads) << "step " << step;
    EXPECT_EQ(got.state.bytes_read, stream.size()) << "step " << step;
  }
  auto varied = ReadFramesFromMemory(stream, {}, 256, /*vary=*/5);
  EXPECT_TRUE(CleanEnd(varied));
  EXPECT_EQ(varied.frames, payloads);
}

TEST(FrameTest, ReadsAFrameOfExactly65535Bytes) {
  Bytes stream = Stream({Payload(kMaxFrame, 9)});
  ASSERT_EQ(stream[0], 0xff);
  ASSERT_EQ(stream[1], 0xff);
  for (FrameLimit limit : {FrameLimit{}, FrameLimit{kMaxFrame, true}}) {
    auto got = ReadFramesFromMemory(stream, limit, 4096);
    ASSERT_EQ(got.frames.size(), 1u) << got.error.message;
    EXPECT_EQ(got.frames[0], Payload(kMaxFrame, 9));
    EXPECT_TRUE(CleanEnd(got));
  }
}

TEST(FrameTest, TruncationNeverYieldsAPartialFrame) {
  std::vector<Bytes> payloads = {Payload(10, 1), Payload(200, 2)};
  Bytes stream = Stream(payloads);
  for (std::size_t cut = 0; cut < stream.size(); ++cut) {
    ByteView prefix(stream.data(), cut);
    auto got = ReadFramesFromMemory(prefix, {}, 1 + cut % 7);
    const bool boundary = cut == 0 || cut == 12;  // between whole frames
    EXPECT_EQ(got.frames.size(), cut < 12 ? 0u : 1u) << "cut at " << cut;
    EXPECT_EQ(got.error.code, Errc::kUnreachable) << "cut at " << cut;
    EXPECT_EQ(got.state.eof, boundary) << "cut at " << cut;
    EXPECT_EQ(got.state.bytes_read, cut < 12 ? 0u : 12u) << "cut at " << cut;
  }
}

TEST(FrameTest, TruncatedMaxFrameIsAnErrorNotAFrame) {
  Bytes stream = Stream({Payload(kMaxFrame, 1)});
  stream.pop_back();
  auto got = ReadFramesFromMemory(stream, {}, 1000);
  EXPECT_TRUE(got.frames.empty());
  EXPECT_EQ(got.error.code, Errc::kUnreachable);
  EXPECT_FALSE(got.state.eof);
}

TEST(FrameTest, RejectsZeroLength) {
  Bytes stream = {0, 0, 1, 2, 3};
  auto got = ReadFramesFromMemory(stream, {}, 5);
  EXPECT_TRUE(got.frames.empty());
  EXPECT_EQ(got.error.code, Errc::kProtocol);
  EXPECT_EQ(got.consumed, kFrameHeader);  // refused on the header
}

TEST(FrameTest, OverDeclaredLengthFailsBeforeTheBodyIsRead) {
  Bytes stream = Stream({Payload(49, 0)});  // e.g. a handshake limit of 48
  auto got = ReadFramesFromMemory(stream, {48, false}, 64);
  EXPECT_TRUE(got.frames.empty());
  EXPECT_EQ(got.error.code, Errc::kProtocol);
  EXPECT_EQ(got.consumed, kFrameHeader);
  // The same bytes are fine under a larger limit.
  EXPECT_EQ(ReadFramesFromMemory(stream, {49, false}, 64).frames.size(), 1u);
}

TEST(FrameTest, ExactLimitRefusesShorterFrames) {
  Bytes stream = Stream({Payload(47, 0)});
  auto got = ReadFramesFromMemory(stream, {48, true}, 64);
  EXPECT_TRUE(got.frames.empty());
  EXPECT_EQ(got.error.code, Errc::kProtocol);
  EXPECT_EQ(ReadFramesFromMemory(stream, {47, true}, 64).frames.size(), 1u);
}

TEST(FrameTest, CheckFrameHeaderBounds) {
  using H = std::array<std::uint8_t, kFrameHeader>;
  EXPECT_FALSE(CheckFrameHeader(H{0, 0}, {}).has_value());
  EXPECT_EQ(CheckFrameHeader(H{0, 1}, {}).value_or(0), 1u);
  EXPECT_EQ(CheckFrameHeader(H{0xff, 0xff}, {}).value_or(0), kMaxFrame);
  EXPECT_FALSE(CheckFrameHeader(H{0xff, 0xff}, {kMaxFrame - 1, false}));
  EXPECT_FALSE(CheckFrameHeader(H{0xff, 0xfe}, {kMaxFrame, true}));
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
    auto got = ReadFramesFromMemory(flipped, {200, false}, 1 + rng() % 16);
    std::size_t total = 0;
    for (const auto& f : got.frames) {
      EXPECT_GE(f.size(), 1u);
      EXPECT_LE(f.size(), 200u);
      total += f.size() + kFrameHeader;
    }
    EXPECT_LE(total, flipped.size());
    EXPECT_EQ(got.state.bytes_read, total);
    bool in_header =
        pos <= 1 || pos == 7 || pos == 8 || pos == 109 || pos == 110;
    if (!in_header) {
      // A flip inside a body keeps the framing: same sizes, one changed byte.
      EXPECT_TRUE(CleanEnd(got)) << pos;
      ASSERT_EQ(got.frames.size(), payloads.size()) << pos;
      EXPECT_NE(got.frames, payloads) << pos;
    }
  }
}

// Connection::ReadFrame over a real socket: the same reader, the same
// limits, and eof()/bytes_in() taken from it.
class ConnectionFrameTest : public ::testing::Test {
 protected:
  // Sends `raw` from one end of a loopback connection, closes it, and reads
  // frames on the other end with Connection::ReadFrame until one fails.
  std::vector<Result<Bytes>> ReadOver(const Bytes& raw, FrameLimit limit,
                                      bool* eof, std::uint64_t* bytes_in) {
    asio::io_context io;
    tcp::acceptor acceptor(io,
                           tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    std::vector<Result<Bytes>> out;
    auto reader = [&]() -> awaitable<void> {
      auto conn =
          Connection::Create(co_await acceptor.async_accept(use_awaitable));
      for (;;) {
        out.push_back(co_await conn->ReadFrame(limit.max_len, limit.exact));
        if (!out.back()) break;
      }
      *eof = conn->eof();
      *bytes_in = conn->bytes_in();
    };
    auto writer = [&]() -> awaitable<void> {
      tcp::socket socket(io);
      co_await socket.async_connect(acceptor.local_endpoint(), use_awaitable);
      co_await asio::async_write(socket, asio::buffer(raw), use_awaitable);
      socket.shutdown(tcp::socket::shutdown_send);
      // Keep the socket open until the reader is done (no reset).
      char byte = 0;
      boost::system::error_code ec;
      co_await socket.async_read_some(asio::buffer(&byte, 1),
                                      asio::redirect_error(use_awaitable, ec));
    };
    std::exception_ptr failure;
    auto note = [&](std::exception_ptr e) {
      if (e) failure = e;
    };
    asio::co_spawn(io, reader(), note);
    asio::co_spawn(io, writer(), note);
    io.run();
    if (failure) std::rethrow_exception(failure);
    return out;
  }
};

TEST_F(ConnectionFrameTest, ReadsWholeFramesAndACleanEnd) {
  Bytes raw = Stream({Payload(kMaxFrame, 1), Payload(3, 2)});
  bool eof = false;
  std::uint64_t bytes_in = 0;
  auto got = ReadOver(raw, {}, &eof, &bytes_in);
  ASSERT_EQ(got.size(), 3u);
  ASSERT_TRUE(got[0].has_value());
  EXPECT_EQ(*got[0], Payload(kMaxFrame, 1));
  ASSERT_TRUE(got[1].has_value());
  EXPECT_EQ(*got[1], Payload(3, 2));
  EXPECT_EQ(got[2].error().code, Errc::kUnreachable);
  EXPECT_TRUE(eof);
  EXPECT_EQ(bytes_in, raw.size());
}

TEST_F(ConnectionFrameTest, RefusesOverLimitZeroAndTruncatedFrames) {
  bool eof = true;
  std::uint64_t bytes_in = 1;
  auto over = ReadOver(Stream({Payload(49, 0)}), {48, false}, &eof, &bytes_in);
  ASSERT_EQ(over.size(), 1u);
  EXPECT_EQ(over[0].error().code, Errc::kProtocol);
  EXPECT_FALSE(eof);
  EXPECT_EQ(bytes_in, 0u);

  auto zero = ReadOver(Bytes{0, 0, 1}, {}, &eof, &bytes_in);
  ASSERT_EQ(zero.size(), 1u);
  EXPECT_EQ(zero[0].error().code, Errc::kProtocol);

  Bytes cut = Stream({Payload(100, 0)});
  cut.resize(50);
  auto truncated = ReadOver(cut, {}, &eof, &bytes_in);
  ASSERT_EQ(truncated.size(), 1u);
  EXPECT_EQ(truncated[0].error().code, Errc::kUnreachable);
  EXPECT_FALSE(eof);  // ended inside a frame, not between frames
}

}  // namespace
}  // namespace inch::net
