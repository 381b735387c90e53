// The one pairing or unpairing the page runs at a time. Pairing is a long
// network exchange (up to the code's 10 minutes), so it runs on a thread
// of its own with its own io_context, calling the same cli::RunPairing as
// `inch pair` (and cli::UnpairAndTell as `inch unpair`); the page polls a
// snapshot (GET /api/pair). The job's Context holds the home's key lock
// (shared) for as long as the thread uses the key, as a command would.
//
// States (the snapshot's "state"):
//   none      --StartPairing / StartUnpair--> working
//   working   --paired (the partner is pinned)--> comparing
//   working   --unpaired--> done;  --an error, the code expired, Cancel-->
//   failed comparing --Confirm(true)--> done comparing --Confirm(false): the
//   partner is erased here--> failed done, failed --a new start--> working;
//   --Cancel (dismiss)--> none
// Invariants: at most one thread runs, and only in `working`; the thread
// alone touches its io_context and store (Cancel only stops the
// io_context, which is thread-safe); the snapshot is read and written
// under mu_.
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "cli/context.hpp"
#include "cli/pair_flow.hpp"
#include "common/bytes.hpp"
#include "common/error.hpp"
#include "net/asio.hpp"

namespace inch::ui {

class PairJob {
 public:
  PairJob() = default;
  ~PairJob();  // stops a running job and waits for its thread
  PairJob(const PairJob&) = delete;
  PairJob& operator=(const PairJob&) = delete;

  // Starts pairing with `ctx` (unlocked: RequireKey done). kExists while
  // a job is working or its words wait for an answer.
  Status StartPairing(cli::Context ctx, cli::PairPlan plan);
  // Starts unpairing (UnpairAndTell) with `ctx`, unlocked. kExists as above.
  Status StartUnpair(cli::Context ctx);
  // The answer to "do both screens show these words?". kExists unless
  // comparing. "No" erases the partner through `ctx` (unlocked), only if
  // it is still the one this job paired with.
  Status Confirm(cli::Context ctx, bool same);
  // Stops a working job (it ends as failed, "stopped"), or forgets a
  // finished one (back to none).
  void Cancel();
  // {"task", "state", "code", "addresses", "found_by_itself",
  //  "check_words", "message"} (docs/API.md).
  nlohmann::json Snapshot() const;

 private:
  Status Begin(std::string task);  // under no lock; joins an old thread
  void RunPair(cli::Context ctx, const cli::PairPlan& plan);
  void RunUnpair(cli::Context ctx);
  void Finish(const std::string& state, const std::string& message);

  mutable std::mutex mu_;
  std::thread worker_;
  std::shared_ptr<boost::asio::io_context> io_;  // while working
  bool cancelled_ = false;
  Bytes partner_key_;  // the partner this job pinned, while comparing
  nlohmann::json snap_ = {{"task", nullptr}, {"state", "none"}};
};

}  // namespace inch::ui
