// A log line per change of state: a daemon retrying every few seconds says
// "cannot reach your partner's laptop" once, at info level, and again only
// when what it says changes (repeats go to debug).
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace inch::net {

class StateChangeLog {
 public:
  // Logs `message` at info level when `state` differs from the last one.
  void Note(const std::string& state, const std::string& message) {
    if (state == state_) {
      spdlog::debug("{}", message);
      return;
    }
    state_ = state;
    if (!message.empty()) spdlog::info("{}", message);
  }
  // Forgets the last state: the next Note is logged.
  void Reset() { state_.clear(); }

 private:
  std::string state_;
};

}  // namespace inch::net
