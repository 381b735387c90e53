// Framing: every message on an inch connection is a 2-byte big-endian
// length followed by that many bytes (1..65,535, Noise's limit). The length
// is checked against the reader's limit before anything is allocated.
//
// There is one frame reader, ReadFrameFrom: Connection::ReadFrame runs it
// over its TCP socket, and the frame fuzz target and tests/net/frame_test.cpp
// run the same template over an in-memory stream (net/memory_stream.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "net/asio.hpp"

namespace inch::net {

inline constexpr std::size_t kMaxFrame = 65535;
inline constexpr std::size_t kFrameHeader = 2;

// What a reader accepts as the next frame: 1..max_len bytes, or exactly
// max_len bytes when `exact` (fixed-size handshake and pairing messages).
struct FrameLimit {
  std::size_t max_len = kMaxFrame;
  bool exact = false;
};

// Returns the 2-byte header followed by `payload`; kInvalidInput when the
// payload is empty or longer than kMaxFrame.
Result<Bytes> EncodeFrame(ByteView payload);

// The header for a payload of `size` bytes (1..kMaxFrame, checked).
std::array<std::uint8_t, kFrameHeader> FrameHeader(std::size_t size);

// The body length a header declares, once it is checked against `limit`:
// kProtocol for 0, above max_len, or other than max_len when exact.
Result<std::size_t> CheckFrameHeader(
    const std::array<std::uint8_t, kFrameHeader>& header, FrameLimit limit);

// What a reader learned besides the frame itself.
struct FrameReadState {
  bool eof = false;              // the peer closed cleanly between frames
  std::uint64_t bytes_read = 0;  // headers included, whole frames only
};

// Reads one frame from an Asio AsyncReadStream. kProtocol for a length
// outside `limit` (checked on the header, before the body is allocated or
// read); kUnreachable when the stream ends or fails, with state.eof set
// only when it ended cleanly before a frame's first byte.
template <class AsyncReadStream>
awaitable<Result<Bytes>> ReadFrameFrom(AsyncReadStream& stream,
                                       FrameLimit limit,
                                       FrameReadState& state) {
  std::array<std::uint8_t, kFrameHeader> header{};
  boost::system::error_code ec;
  std::size_t got = co_await asio::async_read(
      stream, asio::buffer(header), asio::redirect_error(use_awaitable, ec));
  if (ec) {
    state.eof = (ec == asio::error::eof && got == 0);
    co_return Fail(Errc::kUnreachable, state.eof
                                           ? "connection closed"
                                           : "read failed: " + ec.message());
  }
  auto len = CheckFrameHeader(header, limit);
  if (!len) co_return std::unexpected(len.error());
  Bytes body(*len);
  co_await asio::async_read(stream, asio::buffer(body),
                            asio::redirect_error(use_awaitable, ec));
  if (ec) {
    co_return Fail(Errc::kUnreachable,
                   "read failed inside a frame: " + ec.message());
  }
  state.bytes_read += kFrameHeader + *len;
  co_return body;
}

}  // namespace inch::net
