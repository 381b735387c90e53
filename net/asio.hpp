// The one way net/ includes Boost.Asio. Boost 1.74's awaitable.hpp uses
// std::exchange without including <utility>, which g++ 12 rejects, so
// <utility> comes first. Also: short aliases and a completion handler for
// co_spawn that logs instead of dropping errors (we never use `detached`).
#pragma once

// g++ 12 reports a false -Wmismatched-new-delete when it inlines Asio's
// recycling coroutine-frame allocator (operator new/delete are a matched
// pair in awaitable_frame_base). It is silenced for every file that uses
// coroutines through this header, and only that warning.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

// clang-format off
#include <utility>
#include <boost/asio.hpp>
// clang-format on

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <string>

namespace inch::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
template <class T>
using awaitable = asio::awaitable<T>;
using asio::use_awaitable;

// Completion handler for co_spawn: logs an escaped exception (a bug: every
// coroutine root catches its own) and otherwise does nothing. `what` names
// the coroutine in the log line.
struct LogCompletion {
  std::string what;
  void operator()(std::exception_ptr e) const { Report(e); }
  template <class T>
  void operator()(std::exception_ptr e, const T&) const {
    Report(e);
  }
  void Report(std::exception_ptr e) const {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("{}: unexpected exception: {}", what, ex.what());
    } catch (...) {
      spdlog::error("{}: unexpected exception", what);
    }
  }
};

// Waits on `timer` until `at`, or until someone cancels the timer to wake
// the waiter early (not an error: the caller re-checks its state either
// way).
inline awaitable<void> SleepUntil(asio::steady_timer& timer,
                                  std::chrono::steady_clock::time_point at) {
  timer.expires_at(at);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
}

inline awaitable<void> Sleep(asio::steady_timer& timer,
                             std::chrono::steady_clock::duration d) {
  co_await SleepUntil(timer, std::chrono::steady_clock::now() + d);
}

}  // namespace inch::net
