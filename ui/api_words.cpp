// Words for people; see api_words.hpp.
#include "ui/api_words.hpp"

#include <chrono>

namespace inch::ui {

std::string ConsentWords(bool mine, bool partner) {
  if (mine && partner) return "You are both ready.";
  if (mine) return "You are ready; waiting for your partner.";
  if (partner) return "Your partner is ready; you are not yet.";
  return "Neither of you is ready yet.";
}

nlohmann::json ConsentsJson(const store::SharedCounts& c) {
  auto half = [&](int kind) {
    const bool mine = c.consent[store::kMe][kind];
    const bool partner = c.consent[store::kPartner][kind];
    return nlohmann::json{{"mine", mine},
                          {"partner", partner},
                          {"words", ConsentWords(mine, partner)}};
  };
  return {{"lists", half(0)}, {"notes", half(1)}};
}

std::string LastSyncWords(std::int64_t last_ms, std::int64_t now_ms) {
  if (last_ms <= 0) return "not yet";
  const std::int64_t minutes = (now_ms - last_ms) / 60'000;
  if (minutes < 2) return "just now";
  if (minutes < 60) return std::to_string(minutes) + " minutes ago";
  const std::int64_t hours = minutes / 60;
  if (hours < 2) return "an hour ago";
  if (hours < 24) return std::to_string(hours) + " hours ago";
  const std::int64_t days = hours / 24;
  if (days < 2) return "yesterday";
  return std::to_string(days) + " days ago";
}

std::string BackgroundWords(cli::daemon_state::State state) {
  switch (state) {
    case cli::daemon_state::State::kRunning:
      return "This laptop keeps in touch with your partner's by itself.";
    case cli::daemon_state::State::kWaitingForUnlock:
      return "This laptop keeps in touch with your partner's once inch is "
             "unlocked.";
    case cli::daemon_state::State::kNotRunning:
      break;
  }
  return "This laptop does not keep in touch with your partner's by itself "
         "yet.";
}

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace inch::ui
