// The interface's HTTP/1.1 server (Boost.Beast on one io_context, C++20
// coroutines): it binds a loopback address only, bounds what each request
// and each connection may cost, and hands every well-formed request to one
// handler (ui/web_app.hpp) that knows nothing about sockets.
//
// A connection's states:  READING --a whole request within the limits-->
// HANDLING --> WRITING --keep-alive and requests left--> READING; from
// READING: oversize -> 413 and close, malformed -> 400 and close, idle past
// the timeout or the peer closing -> close. Invariants: at most
// max_connections are open (more are closed at once), a request never
// holds more than max_header_bytes + max_body_bytes, and one bad
// connection never stops the server.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <set>

#include "common/error.hpp"
#include "ui/http_types.hpp"

namespace inch::ui {

struct HttpLimits {
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_connections = 32;
  std::size_t max_requests_per_connection = 200;
  std::chrono::milliseconds idle_timeout{30'000};
};

// Answers one request; runs on the io_context's thread.
using HttpHandler = std::function<Response(Request&)>;

class HttpServer {
 public:
  // Binds `endpoint`, which must be a loopback address (kInvalidInput
  // otherwise, saying so); kIo if it cannot be bound. `io` and the server
  // must outlive Run().
  static Result<std::unique_ptr<HttpServer>> Bind(
      net::asio::io_context& io, const net::tcp::endpoint& endpoint,
      HttpLimits limits, HttpHandler handler);

  // The bound address (port 0 became a free port).
  net::tcp::endpoint local_endpoint() const;
  // Accepts until Stop(); each connection runs as its own coroutine.
  net::awaitable<void> Run();
  // Closes the listener and every open connection.
  void Stop();
  std::size_t open_connections() const { return open_.size(); }

  HttpServer(net::asio::io_context& io, net::tcp::acceptor acceptor,
             HttpLimits limits, HttpHandler handler);

 private:
  net::awaitable<void> Serve(std::shared_ptr<beast::tcp_stream> stream);

  net::asio::io_context& io_;
  net::tcp::acceptor acceptor_;
  HttpLimits limits_;
  HttpHandler handler_;
  std::set<std::shared_ptr<beast::tcp_stream>> open_;
  bool stopping_ = false;
};

// Whether `address` is a loopback address (127.0.0.0/8 or ::1).
bool IsLoopback(const net::asio::ip::address& address);

}  // namespace inch::ui
