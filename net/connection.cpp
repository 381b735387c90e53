// Frame I/O over one TCP socket with a closing deadline (connection.hpp).
#include "net/connection.hpp"

#include <array>

#include "net/resolve.hpp"

namespace inch::net {

std::shared_ptr<Connection> Connection::Create(tcp::socket socket) {
  return std::make_shared<Connection>(std::move(socket));
}

Connection::Connection(tcp::socket socket)
    : socket_(std::move(socket)), deadline_(socket_.get_executor()) {
  boost::system::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  if (!ec) peer_ = FormatEndpoint(ep);
  socket_.set_option(tcp::no_delay(true), ec);  // small acks and pushes
}

void Connection::SetDeadline(std::chrono::steady_clock::duration timeout) {
  deadline_.expires_after(timeout);  // cancels the previous wait
  deadline_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;  // replaced, cleared or destroyed
    if (auto self = weak.lock()) {
      self->timed_out_ = true;
      self->Close();
    }
  });
}

void Connection::ClearDeadline() { deadline_.cancel(); }

awaitable<Result<Bytes>> Connection::ReadFrame(std::size_t max_len,
                                               bool exact) {
  // The one frame reader (frame.hpp), also fuzzed over an in-memory stream.
  co_return co_await ReadFrameFrom(socket_, FrameLimit{max_len, exact},
                                   read_state_);
}

awaitable<Status> Connection::WriteFrame(ByteView payload) {
  if (payload.empty() || payload.size() > kMaxFrame) {
    co_return Fail(Errc::kInvalidInput, "frame payload size out of range");
  }
  auto header = FrameHeader(payload.size());
  std::array<asio::const_buffer, 2> buffers{
      asio::buffer(header), asio::buffer(payload.data(), payload.size())};
  boost::system::error_code ec;
  co_await asio::async_write(socket_, buffers,
                             asio::redirect_error(use_awaitable, ec));
  if (ec) co_return Fail(Errc::kUnreachable, "write failed: " + ec.message());
  bytes_out_ += kFrameHeader + payload.size();
  co_return Status{};
}

void Connection::ShutdownSend() {
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
}

void Connection::Close() {
  boost::system::error_code ec;
  deadline_.cancel();
  socket_.close(ec);
}

Result<tcp::endpoint> ParseEndpoint(const std::string& host_port) {
  auto split = SplitHostPort(host_port);
  if (!split) return std::unexpected(split.error());
  auto& [host, port] = *split;
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) {
    return Fail(
        Errc::kInvalidInput,
        "'" + host + "' is not an IP address (use the numeric address)");
  }
  return tcp::endpoint(address, port);
}

std::string FormatEndpoint(const tcp::endpoint& endpoint) {
  auto address = endpoint.address();
  std::string host = address.to_string();
  if (address.is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(endpoint.port());
}

}  // namespace inch::net
