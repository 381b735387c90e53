// Framing: every message on an inch connection is a 2-byte big-endian
// length followed by that many bytes (1..65,535, Noise's limit). The length
// is checked against the caller's limit before anything is allocated. The
// decoder is pure (no I/O) so it can be fuzzed and unit-tested alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/bytes.hpp"
#include "common/error.hpp"

namespace inch::net {

inline constexpr std::size_t kMaxFrame = 65535;
inline constexpr std::size_t kFrameHeader = 2;

// Returns the 2-byte header followed by `payload`; kInvalidInput when the
// payload is empty or longer than kMaxFrame.
Result<Bytes> EncodeFrame(ByteView payload);

// Reads the header's declared length (the header must be 2 bytes).
std::size_t DecodeFrameLength(const std::uint8_t header[kFrameHeader]);

// Incremental decoder for a byte stream.
//
// States: kHeader (fewer than 2 bytes of the next frame buffered) ->
// kBody (length known and accepted, waiting for it) -> frame returned ->
// kHeader. Invariant: a declared length of 0 or above `max_frame` is
// rejected as soon as the header is complete, before the body is buffered;
// after any error the decoder is dead and every call fails.
class FrameDecoder {
 public:
  explicit FrameDecoder(std::size_t max_frame = kMaxFrame);

  // Appends bytes from the stream (call Next until it returns nullopt
  // before feeding more, to bound the buffer). kProtocol once dead.
  Status Feed(ByteView data);
  // The next complete frame; nullopt if more bytes are needed; kProtocol
  // for a zero or over-limit declared length.
  Result<std::optional<Bytes>> Next();
  // True when no partial frame is buffered (a clean place for EOF).
  bool idle() const { return buf_.empty(); }

 private:
  std::size_t max_frame_;
  Bytes buf_;
  bool dead_ = false;
};

}  // namespace inch::net
