// What the networking commands share: the unlocked node (keys, files and
// the shared store opener), and running one coroutine on an io_context.
#pragma once

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cli/context.hpp"
#include "cli/home.hpp"
#include "crypto/identity.hpp"
#include "crypto/secret.hpp"
#include "net/asio.hpp"
#include "store/shared/shared_store.hpp"

namespace inch::cli {

// What every networking command needs from the home.
struct NetNode {
  HomeFiles files;
  crypto::Secret master;
  crypto::Identity identity;

  // Opens (or creates) shared.db; an unpair notice an older inch kept in a
  // file of its own moves into it first (legacy_unpair_notice.hpp).
  Result<std::unique_ptr<store::SharedStore>> OpenStore() const;
};

// Unlocks (or fails kLocked) and opens the node's identity.
Result<NetNode> LoadNode(Context& ctx);

// What RunTask returns (as kUnreachable) when another thread stopped the
// io_context before the task ended (the page gave up a pairing).
inline constexpr std::string_view kStoppedWords = "stopped before it finished";

// Runs `task` to completion on a fresh io_context. The context stops when
// the task ends: work it leaves behind (a pairing offer's announcer, say)
// must not keep the command waiting. T is a Result.
template <class T>
T RunTask(boost::asio::io_context& io, net::awaitable<T> task) {
  std::optional<T> out;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(task),
                        [&](std::exception_ptr e, T value) {
                          failure = e;
                          if (!e) out.emplace(std::move(value));
                          io.stop();
                        });
  io.run();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      return T(Fail(Errc::kIo, std::string("network error: ") + e.what()));
    }
  }
  if (!out) return T(Fail(Errc::kUnreachable, std::string(kStoppedWords)));
  return std::move(*out);
}

}  // namespace inch::cli
