// The API's pairing routes: GET /api/pair (the job), POST /api/pair/offer,
// /api/pair/join, /api/pair/confirm, /api/pair/cancel, POST /api/unpair,
// and GET /api/partner (api_status.cpp). The work runs in the page's one
// PairJob (pair_job.hpp) through the same cli::RunPairing and
// cli::UnpairAndTell as `inch pair` and `inch unpair`; these handlers only
// check the request and answer with the job's snapshot.
#include "ui/api_pair.hpp"

#include "net/pairing.hpp"
#include "ui/api.hpp"
#include "ui/pair_job.hpp"

namespace inch::ui {
namespace {

constexpr std::size_t kMaxAddressBytes = 300;

// A context with the key (423 when locked) and the partner as status sees
// it: the start of every handler that changes something.
struct Unlocked {
  cli::Context ctx;
  bool paired = false;
};
Result<Unlocked> Open(const Api& api) {
  Unlocked out{api.NewContext()};
  if (auto st = RequireKey(out.ctx); !st) return std::unexpected(st.error());
  auto store = out.ctx.OpenSharedStore();
  if (!store) return std::unexpected(store.error());
  auto partner = (*store)->pairing().Partner();
  if (!partner) return std::unexpected(partner.error());
  out.paired = partner->has_value();
  return out;
}

ApiResponse Snapshot(const Api& api, unsigned status = 200) {
  return {status, api.pair_job().Snapshot()};
}

Result<ApiResponse> GetPair(const Api& api, const ApiRequest&,
                            std::string_view) {
  return Snapshot(api);
}

Result<ApiResponse> Start(const Api& api, cli::PairPlan plan) {
  auto open = Open(api);
  if (!open) return std::unexpected(open.error());
  if (open->paired) {
    return Fail(Errc::kExists,
                "this laptop is already paired: to pair again, unpair first");
  }
  if (auto st =
          api.pair_job().StartPairing(std::move(open->ctx), std::move(plan));
      !st) {
    return std::unexpected(st.error());
  }
  return Snapshot(api, 202);
}

Result<ApiResponse> PostOffer(const Api& api, const ApiRequest&,
                              std::string_view) {
  return Start(api, cli::PairPlan{});  // a code, announced on the LAN
}

Result<ApiResponse> PostJoin(const Api& api, const ApiRequest& req,
                             std::string_view) {
  const auto code = req.body.find("code");
  if (code == req.body.end() || !code->is_string() ||
      !net::NormalizeCode(code->get_ref<const std::string&>())) {
    return Fail(Errc::kInvalidInput,
                "type the code your partner's screen shows: eight digits, "
                "like 1234-5678");
  }
  cli::PairPlan plan;
  plan.code = code->get<std::string>();
  if (const auto address = req.body.find("address");
      address != req.body.end() && !address->is_null()) {
    if (!address->is_string() ||
        address->get_ref<const std::string&>().size() > kMaxAddressBytes) {
      return Fail(Errc::kInvalidInput,
                  "type the address as your partner's screen shows it");
    }
    plan.peer = address->get<std::string>();  // "" = find it by itself
  }
  return Start(api, std::move(plan));
}

Result<ApiResponse> PostConfirm(const Api& api, const ApiRequest& req,
                                std::string_view) {
  const auto same = req.body.find("same");
  if (same == req.body.end() || !same->is_boolean()) {
    return Fail(Errc::kInvalidInput,
                "answer whether both screens show the same words");
  }
  cli::Context ctx = api.NewContext();
  if (auto st = RequireKey(ctx); !st) return std::unexpected(st.error());
  if (auto st = api.pair_job().Confirm(std::move(ctx), same->get<bool>());
      !st) {
    return std::unexpected(st.error());
  }
  return Snapshot(api);
}

Result<ApiResponse> PostCancel(const Api& api, const ApiRequest&,
                               std::string_view) {
  api.pair_job().Cancel();
  return Snapshot(api);
}

Result<ApiResponse> PostUnpair(const Api& api, const ApiRequest& req,
                               std::string_view) {
  const auto confirm = req.body.find("confirm");
  if (confirm == req.body.end() || *confirm != true) {
    return Fail(Errc::kInvalidInput,
                "unpairing erases your partner's lists here: confirm it first");
  }
  auto open = Open(api);
  if (!open) return std::unexpected(open.error());
  if (!open->paired) {
    return Fail(Errc::kNotFound,
                "this laptop is not paired, so there is nothing to undo");
  }
  if (auto st = api.pair_job().StartUnpair(std::move(open->ctx)); !st) {
    return std::unexpected(st.error());
  }
  return Snapshot(api, 202);
}

}  // namespace

std::shared_ptr<PairJob> NewPairJob() { return std::make_shared<PairJob>(); }

std::vector<Api::Route> PairRoutes() {
  return {{"GET", "/api/pair", GetPair},
          {"POST", "/api/pair/offer", PostOffer},
          {"POST", "/api/pair/join", PostJoin},
          {"POST", "/api/pair/confirm", PostConfirm},
          {"POST", "/api/pair/cancel", PostCancel},
          {"POST", "/api/unpair", PostUnpair},
          {"GET", "/api/partner", GetPartner}};
}

}  // namespace inch::ui
