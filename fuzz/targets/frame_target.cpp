// Fuzz target for the product's frame reader: net::ReadFrameFrom, the
// coroutine Connection::ReadFrame runs over its socket, here run over an
// in-memory stream. Input: bytes 0-1 choose the limit (1..65,535), byte 2
// whether it is exact (bit 7) and how the stream is cut into reads (bits
// 0-6), then the stream. A plain walk over the stream is the oracle: every
// frame is exactly what the stream declared, a bad length fails on the
// header before the body is read, and the end is told apart from a
// truncated frame.
#include <algorithm>

#include "fuzz/targets/fuzz_check.hpp"
#include "fuzz/targets/fuzz_targets.hpp"
#include "net/frame.hpp"
#include "net/memory_stream.hpp"

namespace inch::fuzz {

int FuzzFrame(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  net::FrameLimit limit;
  limit.max_len = 1 + ((std::size_t{data[0]} << 8 | data[1]) % net::kMaxFrame);
  limit.exact = (data[2] & 0x80) != 0;
  const std::size_t vary = data[2] & 0x7f;
  const ByteView stream(data + 3, size - 3);

  // Reads of 1..256 bytes, varying with the position so splits land
  // everywhere (vary 0: 256-byte reads).
  const auto got = net::ReadFramesFromMemory(stream, limit, 256, vary);

  std::size_t pos = 0, frames = 0;
  for (;;) {
    const std::size_t left = stream.size() - pos;
    if (left < net::kFrameHeader) {
      // The stream ended: clean only at a frame boundary.
      FUZZ_CHECK(got.error.code == Errc::kUnreachable);
      FUZZ_CHECK(got.state.eof == (left == 0));
      FUZZ_CHECK(got.consumed == stream.size());
      break;
    }
    const std::size_t len = std::size_t{stream[pos]} << 8 | stream[pos + 1];
    if (len == 0 || len > limit.max_len ||
        (limit.exact && len != limit.max_len)) {
      // Refused on the header: not one byte of the body was read.
      FUZZ_CHECK(got.error.code == Errc::kProtocol);
      FUZZ_CHECK(got.consumed == pos + net::kFrameHeader);
      FUZZ_CHECK(!got.state.eof);
      break;
    }
    if (left - net::kFrameHeader < len) {
      // Truncated inside a frame: an error, never a partial frame.
      FUZZ_CHECK(got.error.code == Errc::kUnreachable);
      FUZZ_CHECK(!got.state.eof);
      FUZZ_CHECK(got.consumed == stream.size());
      break;
    }
    FUZZ_CHECK(frames < got.frames.size());
    const Bytes& frame = got.frames[frames];
    const auto body = stream.subspan(pos + net::kFrameHeader, len);
    FUZZ_CHECK(
        std::equal(frame.begin(), frame.end(), body.begin(), body.end()));
    // The encoder gives back the bytes the frame came from.
    auto again = net::EncodeFrame(frame);
    const auto whole = stream.subspan(pos, net::kFrameHeader + len);
    FUZZ_CHECK(again && std::equal(again->begin(), again->end(), whole.begin(),
                                   whole.end()));
    pos += net::kFrameHeader + len;
    ++frames;
  }
  FUZZ_CHECK(got.frames.size() == frames);
  // Only whole frames are counted as read.
  FUZZ_CHECK(got.state.bytes_read == pos);
  return 0;
}

}  // namespace inch::fuzz
