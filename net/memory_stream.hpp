// An in-memory Asio AsyncReadStream: it hands out a fixed byte string in
// pieces of at most `chunk` bytes (sizes varying with the position when
// `vary` is not 0), then end-of-file. The frame reader
// (ReadFrameFrom, frame.hpp) is a template over its stream, so the fuzz
// target and the frame tests run the product's reader over this, with
// every split a TCP stream could make. Not used by the product itself.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <utility>
#include <vector>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "net/asio.hpp"
#include "net/frame.hpp"

namespace inch::net {

class MemoryReadStream {
 public:
  using executor_type = asio::any_io_executor;

  // `data` must outlive the stream; a chunk of 0 counts as 1.
  MemoryReadStream(executor_type executor, ByteView data, std::size_t chunk,
                   std::size_t vary = 0)
      : executor_(std::move(executor)),
        data_(data),
        chunk_(std::max<std::size_t>(chunk, 1)),
        vary_(vary) {}

  executor_type get_executor() { return executor_; }
  std::size_t consumed() const { return pos_; }

  // Copies up to `chunk` bytes; EOF once everything was read. Completes
  // through the handler's executor, never inline (Asio's rule).
  template <class MutableBufferSequence, class Token>
  auto async_read_some(const MutableBufferSequence& buffers, Token&& token) {
    return asio::async_initiate<Token,
                                void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const MutableBufferSequence& bufs) {
          boost::system::error_code ec;
          std::size_t n = 0;
          if (asio::buffer_size(bufs) > 0) {
            if (pos_ == data_.size()) {
              ec = asio::error::eof;
            } else {
              const std::size_t want = std::min(Piece(), data_.size() - pos_);
              n = asio::buffer_copy(bufs,
                                    asio::buffer(data_.data() + pos_, want));
              pos_ += n;
            }
          }
          auto ex = asio::get_associated_executor(handler, executor_);
          asio::post(ex, [h = std::move(handler), ec, n]() mutable {
            std::move(h)(ec, n);
          });
        },
        token, buffers);
  }

 private:
  std::size_t Piece() const {
    return vary_ == 0 ? chunk_ : 1 + (vary_ * 31 + pos_ * 7) % chunk_;
  }

  executor_type executor_;
  ByteView data_;
  std::size_t chunk_;
  std::size_t vary_;
  std::size_t pos_ = 0;
};

// Every frame ReadFrameFrom returns from `data` (read as MemoryReadStream
// cuts it), up to the error that ends it: kUnreachable at the end of the data
// (state.eof when it ended between frames), or kProtocol for a bad length.
struct MemoryReadResult {
  std::vector<Bytes> frames;
  Error error{Errc::kIo, {}};  // always replaced by the error that ended it
  FrameReadState state;
  std::size_t consumed = 0;  // bytes taken from `data`
};

inline MemoryReadResult ReadFramesFromMemory(ByteView data, FrameLimit limit,
                                             std::size_t chunk,
                                             std::size_t vary = 0) {
  asio::io_context io;
  MemoryReadStream stream(io.get_executor(), data, chunk, vary);
  MemoryReadResult out;
  auto loop = [&]() -> awaitable<void> {
    for (;;) {
      auto frame = co_await ReadFrameFrom(stream, limit, out.state);
      if (!frame) {
        out.error = std::move(frame.error());
        co_return;
      }
      out.frames.push_back(std::move(*frame));
    }
  };
  std::exception_ptr failure;
  asio::co_spawn(io, loop(), [&](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);
  out.consumed = stream.consumed();
  return out;
}

}  // namespace inch::net
