// Two "laptops" on one home LAN, simulated with two network namespaces the
// test makes itself and a veth pair between them (each end is `lan0`).
// Names carry this process's pid, so parallel ctest runs never collide, and
// a reaper removes namespaces left by processes that died. Commands run in
// a namespace through `ip netns exec NS ...` (which execs in place, so a
// BackgroundProcess's pid is the program's own).
//
// No GoogleTest here: the bench uses the same harness.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/background_process.hpp"
#include "tests/support/inch_process.hpp"

namespace inch::test::netns {

// Why two-host tests cannot run here, or "" when they can: not root, no
// `ip`, or the kernel refused to make a namespace (no CAP_NET_ADMIN or
// CAP_SYS_ADMIN, a container without netns). Probed once per process.
const std::string& UnavailableReason();

// The `ip` binary ("" when there is none).
const std::string& IpBinary();

// Removes namespaces named with our prefix whose owning process is gone,
// after killing what still runs in them (processes an earlier test run of
// ours started). Safe to call while other test processes run.
void ReapStaleNamespaces();

class TwoHosts {
 public:
  static constexpr int kA = 0;
  static constexpr int kB = 1;

  // Makes both namespaces with `lo` up, the veth, 10.77.N.1/24 on A and
  // 10.77.N.2/24 on B, and a default route through an on-link "router"
  // (10.77.N.254) as a home LAN has. ok() says whether all of it worked.
  TwoHosts();
  ~TwoHosts();
  TwoHosts(const TwoHosts&) = delete;
  TwoHosts& operator=(const TwoHosts&) = delete;

  bool ok() const { return error_.empty(); }
  // What failed while making the hosts ("" when ok()).
  const std::string& error() const { return error_; }

  const std::string& ns(int host) const { return ns_[host]; }
  // The host's current LAN address without prefix length ("10.77.N.1").
  const std::string& address(int host) const { return address_[host]; }
  // N in 10.77.N.x: from the pid, so concurrent runs differ where they can.
  int subnet() const { return subnet_; }

  // `binary args...` inside host's namespace, with exactly `env`.
  RunResult Exec(
      int host, const std::string& binary, const std::vector<std::string>& args,
      const EnvVars& env, std::string_view stdin_text = "",
      std::chrono::seconds deadline = std::chrono::seconds(120)) const;
  // The same, started in the background.
  std::unique_ptr<BackgroundProcess> Start(int host, const std::string& binary,
                                           const std::vector<std::string>& args,
                                           const EnvVars& env) const;

  // Each returns "" on success, else what `ip` said.
  // Moves host's lan0 to `address`/24 (flush + add), as DHCP renumbering
  // would; the default route through .254 of the new subnet comes back.
  std::string SetAddress(int host, const std::string& address);
  // Moves both hosts to a fresh subnet 10.(77+k).N.{1,2}, k counting up.
  std::string Renumber();
  // Takes the link down (A's end: both ends lose carrier) or up again.
  std::string LinkDown();
  std::string LinkUp();
  std::string RemoveDefaultRoute(int host);
  // A second interface (`wan0`, 10.99.N.{1,2}/24, a veth to a third
  // namespace) that takes the default route, as a second network (another
  // Wi-Fi, tethering) would.
  std::string AddDefaultRouteInterface(int host);
  // An explicit 224.0.0.0/4 route on lan0 (some LANs set one; default off).
  std::string AddMulticastRoute(int host);
  // `ip -n NS args...` ("" on success, else its output).
  std::string Ip(int host, const std::vector<std::string>& args) const;

 private:
  std::string IpRoot(const std::vector<std::string>& args) const;
  void Check(const std::string& step_error);

  std::string error_;
  std::string ns_[2];
  std::string address_[2];
  std::string wan_ns_[2];  // the far end of wan0, when made
  int subnet_ = 0;
  int generation_ = 0;
};

}  // namespace inch::test::netns
