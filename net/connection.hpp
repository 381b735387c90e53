// One TCP connection carrying frames (frame.hpp), with a deadline that
// closes the socket when it expires. Owned by a shared_ptr; the deadline's
// handler holds only a weak_ptr, so a dropped connection is freed at once.
// Not thread-safe: one io_context thread, one read and one write in flight.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "net/asio.hpp"
#include "net/frame.hpp"

namespace inch::net {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  static std::shared_ptr<Connection> Create(tcp::socket socket);

  // Closes the socket `timeout` from now unless replaced or cleared; an
  // expired deadline makes pending and later I/O fail with kUnreachable.
  void SetDeadline(std::chrono::steady_clock::duration timeout);
  void ClearDeadline();

  // Reads one frame of 1..max_len bytes (exactly max_len when `exact`).
  // kProtocol for a length outside that (checked before allocating);
  // kUnreachable when the peer closed, reset or the deadline expired
  // (eof() then tells whether it closed cleanly between frames).
  awaitable<Result<Bytes>> ReadFrame(std::size_t max_len, bool exact = false);
  // Writes one frame. kInvalidInput for an empty/oversized payload,
  // kUnreachable if the connection fails.
  awaitable<Status> WriteFrame(ByteView payload);

  void ShutdownSend();  // half-close: the peer reads EOF after our data
  void Close();         // idempotent
  bool eof() const { return read_state_.eof; }
  bool timed_out() const { return timed_out_; }
  // "address:port" of the peer, for logs; empty if unknown.
  const std::string& peer() const { return peer_; }
  tcp::socket& socket() { return socket_; }
  // Bytes read and written so far, headers included (benchmarks, tests).
  std::uint64_t bytes_in() const { return read_state_.bytes_read; }
  std::uint64_t bytes_out() const { return bytes_out_; }

  explicit Connection(tcp::socket socket);  // use Create

 private:
  tcp::socket socket_;
  asio::steady_timer deadline_;
  std::string peer_;
  FrameReadState read_state_;  // eof and bytes in
  bool timed_out_ = false;
  std::uint64_t bytes_out_ = 0;
};

// "host:port" parsing and printing; IPv6 hosts in brackets. Parsing is
// SplitHostPort (resolve.hpp) then a numeric address ("localhost" means
// 127.0.0.1); kInvalidInput for anything else.
Result<tcp::endpoint> ParseEndpoint(const std::string& host_port);
std::string FormatEndpoint(const tcp::endpoint& endpoint);

}  // namespace inch::net
