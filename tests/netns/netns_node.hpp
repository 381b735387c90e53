// One inch node on one of the TwoHosts: its own sandbox (home, runtime
// folder for its unlock agent, passphrase file) and every `inch` command
// run inside its host's namespace, with this process's discovery port so
// concurrent test runs never hear each other. Plus the flows the two-host
// tests and the bench share: pairing (explicit or by code alone), daemons,
// notes. No GoogleTest here; failures come back as text.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/netns/two_hosts.hpp"

namespace inch::test::netns {

// The UDP discovery port for this process (INCH_DISCOVERY_PORT): from the
// pid, never inch's own 47470/47471.
int DiscoveryPort();

class Node {
 public:
  Node(const TwoHosts& hosts, int host);
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  int host() const { return host_; }
  const InchSandbox& box() const { return box_; }
  EnvVars Env() const;

  // `inch args...` in this node's namespace.
  RunResult Run(const std::vector<std::string>& args,
                std::string_view stdin_text = "") const;
  std::unique_ptr<BackgroundProcess> Start(
      const std::vector<std::string>& args) const;

  // `inch init` + `inch unlock`: "" on success.
  std::string InitAndUnlock() const;
  // How many times `text` stands in `inch --json notes`.
  std::size_t NotesCount(const std::string& text) const;

 private:
  const TwoHosts& hosts_;
  int host_;
  InchSandbox box_;
};

struct PairOutcome {
  std::string error;       // "" when both sides paired
  std::string first_line;  // the listener's first JSON line
  RunResult listener, dialer;
};

// `inch --json pair --listen LISTEN` on `listener`, then `inch pair
// ADDRESS --code CODE` on `dialer`, ADDRESS being `dial_address` or, when
// empty, the "address" the listener printed.
PairOutcome PairExplicit(const Node& listener, const Node& dialer,
                         const std::string& listen,
                         const std::string& dial_address = "");
// `inch --json pair` on `listener` (a code and addresses, no address
// typed), then `inch pair --code CODE --yes` on `dialer`.
PairOutcome PairByCode(const Node& listener, const Node& dialer);

// `inch --json serve [--listen LISTEN]`; `first_line` gets what it printed
// once listening ("" if nothing within 30 s).
std::unique_ptr<BackgroundProcess> Serve(const Node& node,
                                         const std::string& listen,
                                         std::string* first_line);

// Polls `pred` every 200 ms until it holds or `cap` passes; returns the
// seconds it took, or a negative number if it never held.
template <class Pred>
double SecondsUntil(Pred pred, std::chrono::seconds cap) {
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + cap;
  for (;;) {
    if (pred()) {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                           start)
          .count();
    }
    if (std::chrono::steady_clock::now() >= end) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace inch::test::netns
