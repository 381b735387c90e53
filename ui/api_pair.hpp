// The pairing group's handlers that live apart from api_pair.cpp (the
// partner's status, api_status.cpp), and the words they share.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cli/partner_state.hpp"
#include "ui/api.hpp"

namespace inch::ui {

// GET /api/partner: whether paired, the check words, the last time the
// partner's laptop was reached, in words (docs/API.md).
Result<ApiResponse> GetPartner(const Api& api, const ApiRequest& req,
                               std::string_view id);

// "Your partner's laptop was reached 5 minutes ago." and the like.
std::string PartnerWords(const cli::PartnerStatus& seen, std::int64_t now_ms);

}  // namespace inch::ui
