// The interface's HTTP server; see http_server.hpp.
#include "ui/http_server.hpp"

#include <fcntl.h>
#include <sodium.h>

#include <array>

namespace inch::ui {
namespace {

namespace asio = net::asio;
using boost::system::error_code;

// After refusing an oversized request, what the client still sends is
// read and dropped (up to this much, or for this long), so that it reads
// our 413 instead of a connection reset.
constexpr std::size_t kDrainBytes = 1 << 20;
constexpr std::chrono::milliseconds kDrainTime{2000};

bool TooBig(const error_code& ec) {
  return ec == http::error::body_limit || ec == http::error::header_limit ||
         ec == http::error::buffer_overflow;
}

// A request that failed to parse: the parser's own errors (not the
// socket's, nor a timeout).
bool Malformed(const error_code& ec) {
  return ec.category() ==
             http::make_error_code(http::error::bad_target).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

// No child process (xdg-open, a browser it starts) may inherit a socket
// of the interface and keep its port open.
void CloseOnExec(int fd) {
  ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
}

Response Refusal(http::status status, std::string_view text) {
  Response res{status, 11};
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body() = std::string(text);
  res.keep_alive(false);
  return res;
}

}  // namespace

bool IsLoopback(const asio::ip::address& address) {
  if (address.is_v4()) return address.to_v4().is_loopback();
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).is_loopback();
  }
  return v6.is_loopback();
}

HttpServer::HttpServer(asio::io_context& io, net::tcp::acceptor acceptor,
                       HttpLimits limits, HttpHandler handler)
    : io_(io),
      acceptor_(std::move(acceptor)),
      limits_(limits),
      handler_(std::move(handler)) {}

Result<std::unique_ptr<HttpServer>> HttpServer::Bind(
    asio::io_context& io, const net::tcp::endpoint& endpoint, HttpLimits limits,
    HttpHandler handler) {
  if (!IsLoopback(endpoint.address())) {
    return Fail(Errc::kInvalidInput,
                "inch ui listens on this laptop only: " +
                    endpoint.address().to_string() +
                    " is not a loopback address; use 127.0.0.1:PORT or "
                    "[::1]:PORT");
  }
  net::tcp::acceptor acceptor(io);
  error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) CloseOnExec(acceptor.native_handle());
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Fail(Errc::kIo,
                "cannot listen on " + endpoint.address().to_string() + ":" +
                    std::to_string(endpoint.port()) + ": " + ec.message());
  }
  return std::make_unique<HttpServer>(io, std::move(acceptor), limits,
                                      std::move(handler));
}

net::tcp::endpoint HttpServer::local_endpoint() const {
  error_code ec;
  return acceptor_.local_endpoint(ec);
}

void HttpServer::Stop() {
  stopping_ = true;
  error_code ec;
  acceptor_.close(ec);
  for (const auto& stream : open_) stream->socket().close(ec);
}

net::awaitable<void> HttpServer::Run() {
  while (!stopping_) {
    error_code ec;
    net::tcp::socket socket = co_await acceptor_.async_accept(
        asio::redirect_error(net::use_awaitable, ec));
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) break;
      spdlog::warn("ui: accept failed: {}", ec.message());
      continue;  // e.g. out of descriptors: the next one may succeed
    }
    if (open_.size() >= limits_.max_connections) {
      socket.close(ec);  // over the cap: no work for it at all
      continue;
    }
    CloseOnExec(socket.native_handle());
    auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
    open_.insert(stream);
    asio::co_spawn(io_, Serve(stream), net::LogCompletion{"ui connection"});
  }
}

net::awaitable<void> HttpServer::Serve(
    std::shared_ptr<beast::tcp_stream> stream) {
  try {
    beast::flat_buffer buffer(limits_.max_header_bytes +
                              limits_.max_body_bytes);
    for (std::size_t n = 0; n < limits_.max_requests_per_connection; ++n) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
      parser.body_limit(limits_.max_body_bytes);
      stream->expires_after(limits_.idle_timeout);
      error_code ec;
      co_await http::async_read(*stream, buffer, parser,
                                asio::redirect_error(net::use_awaitable, ec));
      std::optional<Response> refusal;
      if (TooBig(ec)) {
        refusal = Refusal(http::status::payload_too_large,
                          "That request was too large for inch.\n");
      } else if (ec && Malformed(ec)) {
        refusal = Refusal(http::status::bad_request,
                          "inch could not read that request.\n");
      } else if (ec) {
        break;  // closed, reset or idle too long
      }
      Response res;
      Request req;
      if (refusal) {
        res = std::move(*refusal);
      } else {
        req = parser.release();
        res = handler_(req);
        // A passphrase may have travelled in it; best effort only.
        sodium_memzero(req.body().data(), req.body().size());
        const bool more = n + 1 < limits_.max_requests_per_connection;
        res.keep_alive(res.keep_alive() && req.keep_alive() && more);
      }
      res.prepare_payload();
      stream->expires_after(limits_.idle_timeout);
      co_await http::async_write(*stream, res,
                                 asio::redirect_error(net::use_awaitable, ec));
      if (ec) break;
      if (refusal) {
        stream->socket().shutdown(net::tcp::socket::shutdown_send, ec);
        stream->expires_after(kDrainTime);
        std::size_t drained = 0;
        std::array<char, 4096> sink{};
        while (drained < kDrainBytes) {
          const std::size_t got = co_await stream->async_read_some(
              asio::buffer(sink), asio::redirect_error(net::use_awaitable, ec));
          if (ec) break;
          drained += got;
        }
        break;
      }
      if (!res.keep_alive()) break;
    }
  } catch (const std::exception& e) {
    spdlog::warn("ui: a connection failed: {}", e.what());
  }
  error_code ignored;
  stream->socket().shutdown(net::tcp::socket::shutdown_both, ignored);
  stream->socket().close(ignored);
  open_.erase(stream);
}

}  // namespace inch::ui
