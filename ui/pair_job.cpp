// The page's pairing and unpairing job; see pair_job.hpp.
#include "ui/pair_job.hpp"

#include "cli/net_node.hpp"
#include "cli/partner_state.hpp"

namespace inch::ui {
namespace {

using nlohmann::json;

// A pairing error in words for the page (the net/ messages name commands).
std::string PairFailedWords(const Error& e, bool waited) {
  switch (e.code) {
    case Errc::kExists:
      return "This laptop is already paired. To pair again, unpair first.";
    case Errc::kCrypto:
      return waited ? "The code did not match (a typo, or someone else's "
                      "attempt), so it is used up. Start again for a new "
                      "code."
                    : "The code did not match. Check the code on your "
                      "partner's screen and try again; if it still fails, "
                      "ask your partner to start again for a new code.";
    case Errc::kUnreachable:
      if (e.message == cli::kStoppedWords)
        return "Pairing stopped. Nothing was changed.";
      return waited ? "Your partner did not arrive within the 10 minutes the "
                      "code lasts. Start again for a new code."
                    : "inch could not find your partner's laptop. Check that "
                      "both laptops are on the same network and that your "
                      "partner's screen still shows the code; or type the "
                      "address shown under the code.";
    default:
      break;
  }
  return "Pairing did not work: " + e.message + ".";
}

}  // namespace

PairJob::~PairJob() {
  Cancel();
  if (worker_.joinable()) worker_.join();
}

Status PairJob::Begin(std::string task) {
  std::unique_lock lock(mu_);
  const std::string state = snap_["state"];
  if (state == "working" || state == "comparing") {
    return Fail(Errc::kExists,
                state == "working"
                    ? "inch is already busy with this: wait for it, or stop it"
                    : "first answer whether both screens show the same words");
  }
  // The old thread has finished (it set a final state); reap it.
  std::thread old = std::move(worker_);
  lock.unlock();
  if (old.joinable()) old.join();
  lock.lock();
  io_ = std::make_shared<boost::asio::io_context>();
  cancelled_ = false;
  partner_key_.clear();
  snap_ = {{"task", std::move(task)},
           {"state", "working"},
           {"code", nullptr},
           {"addresses", json::array()},
           {"port", nullptr},
           {"found_by_itself", false},
           {"check_words", json::array()},
           {"message", ""}};
  return {};
}

Status PairJob::StartPairing(cli::Context ctx, cli::PairPlan plan) {
  const bool waits = plan.code.empty();
  if (auto st = Begin(waits ? "offer" : "join"); !st) return st;
  {
    std::lock_guard lock(mu_);
    snap_["message"] =
        waits ? "Making a code..." : "Looking for your partner's laptop...";
  }
  worker_ =
      std::thread([this, c = std::move(ctx), p = std::move(plan)]() mutable {
        RunPair(std::move(c), p);
      });
  return {};
}

Status PairJob::StartUnpair(cli::Context ctx) {
  if (auto st = Begin("unpair"); !st) return st;
  {
    std::lock_guard lock(mu_);
    snap_["message"] = "Unpairing...";
  }
  worker_ = std::thread(
      [this, c = std::move(ctx)]() mutable { RunUnpair(std::move(c)); });
  return {};
}

void PairJob::Finish(const std::string& state, const std::string& message) {
  std::lock_guard lock(mu_);
  snap_["state"] = state;
  snap_["message"] = message;
  snap_["code"] = nullptr;
  snap_["addresses"] = json::array();
  snap_["port"] = nullptr;
  io_.reset();
}

void PairJob::RunPair(cli::Context ctx, const cli::PairPlan& plan) {
  const bool waits = plan.code.empty();
  auto node = cli::LoadNode(ctx);  // the key is the agent's, cached in ctx
  if (!node) return Finish("failed", PairFailedWords(node.error(), waits));
  auto store = node->OpenStore();
  if (!store) return Finish("failed", PairFailedWords(store.error(), waits));
  cli::PairEvents events;
  events.offered = [this](const cli::PairOffer& offer) {
    std::lock_guard lock(mu_);
    snap_["code"] = offer.code;
    snap_["addresses"] = offer.addresses;
    snap_["port"] = offer.port;
    snap_["found_by_itself"] = offer.announced;
    snap_["message"] =
        offer.announced
            ? "Waiting for your partner. On their laptop, open inch, choose "
              "Pairing, and type this code. It works for 10 minutes."
            : "Waiting for your partner. This network does not let laptops "
              "find each other, so on their laptop type this code and one of "
              "the addresses below. The code works for 10 minutes.";
  };
  events.attempt_refused = [this](int left) {
    std::lock_guard lock(mu_);
    snap_["message"] =
        "Someone tried another code (a typo, or another couple pairing "
        "nearby). Still waiting; the code survives " +
        std::to_string(left) +
        (left == 1 ? " more wrong try." : " more wrong tries.");
  };
  std::shared_ptr<boost::asio::io_context> io;
  {
    std::lock_guard lock(mu_);
    io = io_;
  }
  auto paired = cli::RunPairing(*node, **store, *io, plan, events);
  std::lock_guard lock(mu_);
  if (paired && cancelled_) {
    // Stopped while the last message crossed: undo, as the person asked.
    (void)(*store)
        ->pairing()
        .ErasePartner();  // best effort: status shows the truth
    paired = Fail(Errc::kUnreachable, std::string(cli::kStoppedWords));
  }
  io_.reset();
  snap_["code"] = nullptr;
  snap_["addresses"] = json::array();
  snap_["port"] = nullptr;
  if (!paired) {
    snap_["state"] = "failed";
    snap_["message"] = PairFailedWords(paired.error(), waits);
    return;
  }
  partner_key_ = paired->partner_public_key;
  snap_["state"] = "comparing";
  snap_["check_words"] = paired->check_words;
  snap_["message"] =
      "Your partner's laptop answered. Do both screens show these four "
      "words, in the same order?";
}

void PairJob::RunUnpair(cli::Context ctx) {
  auto node = cli::LoadNode(ctx);
  if (!node)
    return Finish("failed",
                  "Unpairing did not work: " + node.error().message + ".");
  auto store = node->OpenStore();
  if (!store)
    return Finish("failed",
                  "Unpairing did not work: " + store.error().message + ".");
  auto told = cli::UnpairAndTell(*node, **store);
  if (!told) {
    return Finish(
        "failed",
        told.error().code == Errc::kNotFound
            ? "This laptop is not paired, so there is nothing to "
              "undo."
            : "Unpairing did not work: " + told.error().message + ".");
  }
  Finish("done",
         *told ? "Unpaired. Your partner's laptop was told, and it has "
                 "erased what you shared with it."
               : "Unpaired here. Your partner's laptop could not be reached "
                 "just now: it will be told the next time the two laptops "
                 "reach each other, and will then erase what you shared.");
}

Status PairJob::Confirm(cli::Context ctx, bool same) {
  std::lock_guard lock(mu_);
  if (snap_["state"] != "comparing") {
    return Fail(Errc::kExists, "there are no check words to compare now");
  }
  if (same) {
    snap_["state"] = "done";
    snap_["message"] =
        "Paired. Your lists reach each other once you are both ready.";
    return {};
  }
  auto node = cli::LoadNode(ctx);
  if (!node) return std::unexpected(node.error());
  auto store = node->OpenStore();
  if (!store) return std::unexpected(store.error());
  auto partner = (*store)->pairing().Partner();
  if (!partner) return std::unexpected(partner.error());
  if (*partner && (*partner)->public_key == partner_key_) {
    if (auto st = (*store)->pairing().ErasePartner(); !st) return st;
  }
  snap_["state"] = "failed";
  snap_["message"] =
      "Not paired: the words differed, so this laptop forgot your "
      "partner's. Someone may have been in the middle. On your partner's "
      "laptop, answer No as well (or unpair there), then start again.";
  return {};
}

void PairJob::Cancel() {
  std::lock_guard lock(mu_);
  const std::string state = snap_["state"];
  if (state == "working") {
    if (snap_["task"] == "unpair") return;  // short, and not undone halfway
    cancelled_ = true;
    if (io_) io_->stop();  // thread-safe; RunPairing returns "stopped"
    return;
  }
  if (state == "comparing") return;  // the words need an answer first
  snap_ = {{"task", nullptr}, {"state", "none"}};
}

json PairJob::Snapshot() const {
  std::lock_guard lock(mu_);
  return snap_;
}

}  // namespace inch::ui
