// Framing: 2-byte big-endian length prefix, hard limit kMaxFrame, checked
// before allocation (frame.hpp).
#include "net/frame.hpp"

#include <string>

#include "common/check.hpp"

namespace inch::net {

Result<Bytes> EncodeFrame(ByteView payload) {
  if (payload.empty() || payload.size() > kMaxFrame) {
    return Fail(Errc::kInvalidInput, "frame payload must be 1.." +
                                         std::to_string(kMaxFrame) + " bytes");
  }
  auto header = FrameHeader(payload.size());
  Bytes out;
  out.reserve(kFrameHeader + payload.size());
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::array<std::uint8_t, kFrameHeader> FrameHeader(std::size_t size) {
  INCH_CHECK(size >= 1 && size <= kMaxFrame);
  return {static_cast<std::uint8_t>(size >> 8),
          static_cast<std::uint8_t>(size & 0xff)};
}

Result<std::size_t> CheckFrameHeader(
    const std::array<std::uint8_t, kFrameHeader>& header, FrameLimit limit) {
  const std::size_t len = std::size_t{header[0]} << 8 | header[1];
  if (len == 0 || len > limit.max_len ||
      (limit.exact && len != limit.max_len)) {
    return Fail(Errc::kProtocol, "unexpected frame length " +
                                     std::to_string(len) + " (expected " +
                                     (limit.exact ? "" : "1..") +
                                     std::to_string(limit.max_len) + ")");
  }
  return len;
}

}  // namespace inch::net
