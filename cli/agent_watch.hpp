// Notices when the unlock agent of a home may have come or gone (`inch
// unlock`, `inch lock`, its idle timeout, a kill): inotify on the socket's
// folder for events naming the socket, and a slow periodic tick as the
// fallback (a killed agent leaves its socket behind; inotify may overflow;
// the folder may be removed). It only says "look again"; the caller asks
// the agent what changed. Runs on the caller's io_context; Close() ends it
// (pending handlers keep their own state alive, so destroying the watch
// right after Close() is safe).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/error.hpp"
#include "net/asio.hpp"

namespace inch::cli {

class AgentWatch {
 public:
  enum class Why { kSocketEvent, kTick };
  using Callback = std::function<void(Why)>;

  // kIo if the socket's folder cannot be watched.
  static Result<AgentWatch> Start(boost::asio::io_context& io,
                                  const std::string& socket_path,
                                  std::chrono::milliseconds tick,
                                  Callback on_change);
  AgentWatch(AgentWatch&&) = default;
  AgentWatch& operator=(AgentWatch&&) = default;
  ~AgentWatch() { Close(); }

  void Close();

  struct Impl;

 private:
  explicit AgentWatch(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace inch::cli
