// The daemon's presence on the LAN (daemon_presence.hpp).
#include "net/daemon_presence.hpp"

#include <spdlog/spdlog.h>

namespace inch::net {

PresenceFollower::PresenceFollower(
    asio::any_io_executor executor, Bytes my_public_key,
    const tcp::endpoint& listening,
    PresenceService::SeenFunction on_partner_seen,
    PresenceService::Options options)
    : executor_(std::move(executor)),
      my_public_key_(std::move(my_public_key)),
      listening_(listening),
      options_(options) {
  const bool v4_only = listening_.address().is_v4();
  on_partner_seen_ =
      [v4_only, seen = std::move(on_partner_seen)](const tcp::endpoint& where) {
        if (v4_only && where.address().is_v6() &&
            !where.address().to_v6().is_v4_mapped()) {
          return;
        }
        seen(where);
      };
}

PresenceFollower::~PresenceFollower() { Stop(); }

void PresenceFollower::Stop() {
  if (service_) service_->Stop();
  service_.reset();
  announcing_for_.reset();
  followed_.reset();
}

void PresenceFollower::Follow(store::PartnerLink& store) {
  auto generation = store.PairingGeneration();
  if (!generation || followed_ == *generation) return;
  auto partner = store.Partner();
  if (!partner) return;
  if (!*partner) {
    if (service_) spdlog::info("unpaired: no longer announcing on the LAN");
    Stop();
    followed_ = *generation;
    return;
  }
  auto secret = store.PairSecret();
  if (!secret) return;
  if (service_ && announcing_for_ && announcing_for_->Equals(*secret)) {
    followed_ = *generation;
    return;
  }
  Stop();
  auto started = PresenceService::Start(
      executor_, *secret, my_public_key_, (*partner)->public_key,
      listening_.port(), on_partner_seen_, options_);
  if (!started) {
    if (!said_unavailable_) {
      spdlog::info(
          "cannot announce this laptop on the LAN ({}): your partner's "
          "laptop can still reach it at its last address",
          started.error().message);
    }
    said_unavailable_ = true;
    return;
  }
  said_unavailable_ = false;
  service_ = std::move(*started);
  announcing_for_.emplace(std::move(*secret));
  followed_ = *generation;
  spdlog::info("announcing this laptop to the partner's on the LAN");
}

}  // namespace inch::net
