// What `inch unpair` and `inch status` do with the partner, shared with the
// page (ui/api_pair.cpp, ui/api_status.cpp) so both describe and unpair the
// same way. Nothing here is written for people: each front end words it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/net_node.hpp"
#include "common/error.hpp"
#include "store/shared/shared_store.hpp"

namespace inch::cli {

struct PartnerStatus {
  std::optional<store::PartnerInfo> partner;  // nullopt: not paired
  std::vector<std::string> check_words;       // empty when not paired
  std::int64_t last_sync_ms = 0;  // the last sync that converged; 0: never
  bool notice_owed = false;       // an old partner not yet told we unpaired
};

// The partner, its check words and the last sync, as `inch status` shows.
Result<PartnerStatus> ReadPartnerStatus(const NetNode& node,
                                        store::SharedStore& store);

// `inch unpair`: erases the partner here and owes it a notice in one step,
// then tries once to deliver the notice at the partner's last address
// (kConnectTimeout at most). Returns whether the partner was told now
// (else the daemon, `inch sync` or `inch serve` tells it when they next
// reach each other). kNotFound "not paired".
Result<bool> UnpairAndTell(const NetNode& node, store::SharedStore& store);

}  // namespace inch::cli
