// Prints (never asserts) two figures from two REAL `inch serve` processes on
// two hosts simulated as network namespaces joined by a veth (the harness
// of tests/netns): (a) the time from both daemons started, with no address
// known to either (paired by code alone, then both renumbered), to the
// first note synced; (b) the time to converge after both addresses change.
// Needs root (network namespaces) and LAN discovery; says plainly when
// either is missing. Usage: two_hosts_bench [ROUNDS] (default 3).
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "tests/netns/netns_node.hpp"
#include "tests/netns/two_hosts.hpp"
#include "tests/support/marker_search.hpp"

namespace {

using namespace inch::test;
using namespace inch::test::netns;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

bool Thank(const Node& node, const std::string& marker) {
  return node.Run({"thank", "Thank you for " + marker}).exit_code == 0;
}

struct Round {
  double first_sync = -1, after_change = -1;
  std::string failure;
};

Round RunRound() {
  Round r;
  TwoHosts hosts;
  if (!hosts.ok()) {
    r.failure = "cannot make the two hosts: " + hosts.error();
    return r;
  }
  Node a(hosts, TwoHosts::kA), b(hosts, TwoHosts::kB);
  for (const Node* n : {&a, &b}) {
    if (auto e = n->InitAndUnlock(); !e.empty()) {
      r.failure = "init failed: " + e;
      return r;
    }
  }
  PairOutcome paired = PairByCode(a, b);
  if (!paired.error.empty()) {
    r.failure =
        "discovery not available: pairing with the code alone failed "
        "(`inch pair` with no address). First line of its error:\n  " +
        paired.error.substr(0, paired.error.find("\n--- stdout"));
    return r;
  }
  for (const Node* n : {&a, &b}) (void)n->Run({"ready", "notes"});
  // Nothing learned while pairing may help: new addresses on both ends.
  if (auto e = hosts.Renumber(); !e.empty()) {
    r.failure = "renumbering failed: " + e;
    return r;
  }
  const std::string first = RandomMarker("FIRST");
  if (!Thank(a, first)) {
    r.failure = "`inch thank` failed on A";
    return r;
  }
  const auto started = Clock::now();
  std::string line_a, line_b;
  auto serve_a = Serve(a, "", &line_a);
  auto serve_b = Serve(b, "", &line_b);
  if (line_a.empty() || line_b.empty()) {
    r.failure = "`inch serve` printed nothing";
    return r;
  }
  if (SecondsUntil([&] { return b.NotesCount(first) == 1; },
                   std::chrono::seconds(120)) < 0) {
    r.failure =
        "discovery not available: daemons started with no address never "
        "synced within 120 s";
    return r;
  }
  r.first_sync = Since(started);
  if (auto e = hosts.Renumber(); !e.empty()) {
    r.failure = "renumbering failed: " + e;
    return r;
  }
  const auto changed = Clock::now();
  const std::string second = RandomMarker("SECOND");
  (void)Thank(a, second);
  if (SecondsUntil([&] { return b.NotesCount(second) == 1; },
                   std::chrono::seconds(120)) < 0) {
    r.failure = "no convergence within 120 s after both addresses changed";
    return r;
  }
  r.after_change = Since(changed);
  serve_a->Signal(SIGTERM);
  serve_b->Signal(SIGTERM);
  return r;
}

void Print(const char* what, std::vector<double> v) {
  if (v.empty()) return;
  double lo = v[0], hi = v[0], sum = 0;
  for (double x : v) {
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    sum += x;
  }
  std::printf("%-58s min %6.2f s  mean %6.2f s  max %6.2f s  (%zu rounds)\n",
              what, lo, sum / static_cast<double>(v.size()), hi, v.size());
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  if (const std::string& why = UnavailableReason(); !why.empty()) {
    std::printf(
        "two_hosts_bench: no figures: network namespaces cannot be "
        "made here: %s\n",
        why.c_str());
    return 0;
  }
  std::vector<double> first, change;
  for (int i = 0; i < rounds; ++i) {
    Round r = RunRound();
    if (!r.failure.empty()) {
      std::printf("two_hosts_bench: no figures: %s\n", r.failure.c_str());
      break;
    }
    first.push_back(r.first_sync);
    change.push_back(r.after_change);
  }
  Print("daemons started, no address known -> first sync:", first);
  Print("both addresses changed -> converged:", change);
  return 0;
}
