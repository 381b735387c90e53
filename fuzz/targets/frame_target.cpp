// Fuzz target for net::FrameDecoder. Input: 2 bytes choosing the decoder's
// limit, 1 byte choosing how the rest is cut into Feed() chunks, then the
// stream. Checks that every frame is exactly what the stream declared, that
// a bad length kills the decoder for good, and that nothing is lost.
#include <algorithm>

#include "fuzz/targets/fuzz_check.hpp"
#include "fuzz/targets/fuzz_targets.hpp"
#include "net/frame.hpp"

namespace inch::fuzz {

int FuzzFrame(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::size_t max_frame =
      1 + ((std::size_t{data[0]} << 8 | data[1]) % net::kMaxFrame);
  const std::size_t chunk_seed = data[2];
  const ByteView stream(data + 3, size - 3);

  net::FrameDecoder decoder(max_frame);
  std::size_t fed = 0, consumed = 0;  // bytes fed; bytes returned as frames
  bool dead = false;
  while (fed < stream.size() && !dead) {
    // Chunk sizes 1..256 vary with the position so splits land everywhere.
    std::size_t chunk = 1 + (chunk_seed * 31 + fed * 7) % 256;
    chunk = std::min(chunk, stream.size() - fed);
    FUZZ_CHECK(decoder.Feed(stream.subspan(fed, chunk)).has_value());
    fed += chunk;
    for (;;) {
      auto next = decoder.Next();
      if (!next) {
        // Only a zero or over-limit declared length is an error.
        FUZZ_CHECK(fed - consumed >= net::kFrameHeader);
        std::size_t len = net::DecodeFrameLength(stream.data() + consumed);
        FUZZ_CHECK(len == 0 || len > max_frame);
        dead = true;
        break;
      }
      if (!*next) break;
      const Bytes& frame = **next;
      FUZZ_CHECK(!frame.empty() && frame.size() <= max_frame);
      std::size_t len = net::DecodeFrameLength(stream.data() + consumed);
      FUZZ_CHECK(len == frame.size());
      FUZZ_CHECK(std::equal(
          frame.begin(), frame.end(),
          stream.begin() +
              static_cast<std::ptrdiff_t>(consumed + net::kFrameHeader)));
      // The encoder gives back the bytes the frame came from.
      auto again = net::EncodeFrame(frame);
      FUZZ_CHECK(
          again &&
          std::equal(again->begin(), again->end(),
                     stream.begin() + static_cast<std::ptrdiff_t>(consumed)));
      consumed += net::kFrameHeader + len;
      FUZZ_CHECK(consumed <= fed);
    }
  }
  if (dead) {
    // After an error every call fails.
    FUZZ_CHECK(!decoder.Feed(stream.first(0)).has_value());
    FUZZ_CHECK(!decoder.Next().has_value());
  } else {
    // Whatever was not returned is one incomplete frame, still buffered.
    FUZZ_CHECK(decoder.idle() == (consumed == fed));
    if (fed - consumed >= net::kFrameHeader) {
      std::size_t len = net::DecodeFrameLength(stream.data() + consumed);
      FUZZ_CHECK(len >= 1 && len <= max_frame &&
                 fed - consumed < net::kFrameHeader + len);
    }
  }
  return 0;
}

}  // namespace inch::fuzz
