// The one pairing implementation, shared by `inch pair` (pair_command.cpp)
// and the page (ui/pair_job.cpp): show a code and wait (announcing an
// offer on the LAN), or find the laptop showing one (by its offer, or at a
// typed HOST:PORT); both pin each other once the code matched
// (net/pairing.hpp). Comparing the check words afterwards is the front
// end's part: a "no" erases the partner (SharedStore::ErasePartner).
// Printing is the front end's part too: the events below tell it what to
// show, so this file writes nothing for people.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/net_node.hpp"
#include "common/bytes.hpp"
#include "common/error.hpp"
#include "store/shared/shared_store.hpp"

namespace inch::cli {

// The three ways to pair, as `inch pair` takes them.
struct PairPlan {
  // Show a code and wait on ADDR:PORT ("" = any address, a free port),
  // without announcing. nullopt (and no peer, no code): show a code and
  // announce the offer on the LAN.
  std::optional<std::string> listen;
  std::string peer;  // dial HOST:PORT ...
  std::string code;  // ... with the code the other laptop shows; a code
                     // alone finds that laptop by its offer
};

// What the waiting side shows, before it waits.
struct PairOffer {
  std::string code;                    // "1234-5678"
  std::vector<std::string> addresses;  // where the other laptop can dial
  std::string bound;                   // the address bound (--listen's)
  unsigned short port = 0;             // its port
  bool announced = false;              // the offer is heard on the LAN
  std::string why_not_announced;       // when it could not be
};

struct PairEvents {
  // Once, before waiting (waiting side only).
  std::function<void(const PairOffer&)> offered;
  // A dialer's attempt with another code was refused; `left` more failed
  // attempts and the code is used up.
  std::function<void(int left)> attempt_refused;
};

struct Paired {
  Bytes partner_public_key;
  std::string node_id;
  std::vector<std::string> check_words;
};

// kUsage with the words to fix `plan`, kInvalidInput for a malformed code.
Status CheckPairPlan(const PairPlan& plan);

// Runs `plan` on `io` (not running yet; it is run here) and pins the
// partner in `store`. kExists when already paired; the network's errors
// otherwise (kCrypto for a code that did not match, kUnreachable when no
// one came or the other laptop cannot be found). Another thread may stop
// `io` to give up: this then returns kUnreachable, "stopped".
Result<Paired> RunPairing(const NetNode& node, store::SharedStore& store,
                          boost::asio::io_context& io, const PairPlan& plan,
                          const PairEvents& events);

}  // namespace inch::cli
