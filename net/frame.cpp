// Framing: 2-byte big-endian length prefix, hard limit kMaxFrame, checked
// before allocation. See frame.hpp for the decoder's states.
#include "net/frame.hpp"

#include <string>

#include "common/check.hpp"

namespace inch::net {

Result<Bytes> EncodeFrame(ByteView payload) {
  if (payload.empty() || payload.size() > kMaxFrame) {
    return Fail(Errc::kInvalidInput, "frame payload must be 1.." +
                                         std::to_string(kMaxFrame) + " bytes");
  }
  Bytes out;
  out.reserve(kFrameHeader + payload.size());
  out.push_back(static_cast<std::uint8_t>(payload.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(payload.size() & 0xff));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::size_t DecodeFrameLength(const std::uint8_t header[kFrameHeader]) {
  return static_cast<std::size_t>(header[0]) << 8 | header[1];
}

FrameDecoder::FrameDecoder(std::size_t max_frame) : max_frame_(max_frame) {
  INCH_CHECK(max_frame >= 1 && max_frame <= kMaxFrame);
}

Status FrameDecoder::Feed(ByteView data) {
  if (dead_) return Fail(Errc::kProtocol, "frame decoder failed earlier");
  buf_.insert(buf_.end(), data.begin(), data.end());
  return {};
}

Result<std::optional<Bytes>> FrameDecoder::Next() {
  if (dead_) return Fail(Errc::kProtocol, "frame decoder failed earlier");
  if (buf_.size() < kFrameHeader) return std::optional<Bytes>{};
  std::size_t len = DecodeFrameLength(buf_.data());
  if (len == 0 || len > max_frame_) {
    dead_ = true;
    buf_.clear();
    return Fail(Errc::kProtocol,
                "frame length " + std::to_string(len) + " out of range");
  }
  if (buf_.size() < kFrameHeader + len) return std::optional<Bytes>{};
  auto first = buf_.begin() + kFrameHeader;
  Bytes frame(first, first + static_cast<std::ptrdiff_t>(len));
  buf_.erase(buf_.begin(), first + static_cast<std::ptrdiff_t>(len));
  return std::optional<Bytes>(std::move(frame));
}

}  // namespace inch::net
