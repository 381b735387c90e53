// TwoHosts (two_hosts.hpp): namespaces, veth, addresses and routes through
// the `ip` command, so what the tests do is what a person would type.
#include "tests/netns/two_hosts.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace inch::test::netns {
namespace {

// Every namespace we make is named kPrefix + pid + "-" + sequence + side.
constexpr std::string_view kPrefix = "inchT-";

EnvVars IpEnv() {
  const char* path = std::getenv("PATH");
  return {{"PATH", path != nullptr ? path : "/usr/sbin:/usr/bin:/sbin:/bin"},
          {"LC_ALL", "C"}};
}

// Runs `ip args...` in the root namespace: "" on success, else its output.
std::string RunIp(const std::vector<std::string>& args) {
  RunResult r =
      RunProcess(IpBinary(), args, IpEnv(), "", std::chrono::seconds(20));
  if (r.exit_code == 0) return "";
  std::string cmd = "ip";
  for (const auto& a : args) cmd += " " + a;
  return cmd + ": exit " + std::to_string(r.exit_code) + ": " + r.err + r.out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// Kills what still runs in `ns` (only ever our own tests' processes: the
// namespace carries our prefix), then removes it.
void KillAndDelete(const std::string& ns) {
  RunResult pids = RunProcess(IpBinary(), {"netns", "pids", ns}, IpEnv(), "",
                              std::chrono::seconds(20));
  for (const auto& line : Lines(pids.out)) {
    const long pid = std::strtol(line.c_str(), nullptr, 10);
    if (pid > 1) ::kill(static_cast<pid_t>(pid), SIGKILL);
  }
  (void)RunIp({"netns", "del", ns});
}

int NextSequence() {
  static std::atomic<int> seq{0};
  return seq++;
}

}  // namespace

const std::string& IpBinary() {
  static const std::string ip = [] {
    for (const char* p : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"})
      if (::access(p, X_OK) == 0) return std::string(p);
    return std::string();
  }();
  return ip;
}

const std::string& UnavailableReason() {
  static const std::string reason = []() -> std::string {
    if (IpBinary().empty())
      return "no `ip` command (iproute2) on this machine; install iproute2";
    const std::string probe =
        std::string(kPrefix) + std::to_string(::getpid()) + "-probe";
    std::string err = RunIp({"netns", "add", probe});
    if (!err.empty()) {
      std::string who = ::geteuid() == 0
                            ? "running as root, but "
                            : "not running as root (uid " +
                                  std::to_string(::geteuid()) + "), and ";
      return who +
             "a network namespace cannot be made (needs CAP_NET_ADMIN "
             "and CAP_SYS_ADMIN; CI runs these tests as root): " +
             err;
    }
    err = RunIp({"-n", probe, "link", "set", "lo", "up"});
    (void)RunIp({"netns", "del", probe});
    if (!err.empty()) return "a namespace was made but not usable: " + err;
    return "";
  }();
  return reason;
}

void ReapStaleNamespaces() {
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator("/run/netns", ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(kPrefix)) continue;
    const long pid = std::strtol(name.c_str() + kPrefix.size(), nullptr, 10);
    if (pid <= 0 || pid == ::getpid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    KillAndDelete(name);
  }
}

TwoHosts::TwoHosts() {
  ReapStaleNamespaces();
  subnet_ = static_cast<int>(::getpid() % 250) + 1;
  const std::string base = std::string(kPrefix) + std::to_string(::getpid()) +
                           "-" + std::to_string(NextSequence());
  ns_[kA] = base + "a";
  ns_[kB] = base + "b";
  for (int h : {kA, kB}) {
    Check(RunIp({"netns", "add", ns_[h]}));
    Check(Ip(h, {"link", "set", "lo", "up"}));
  }
  if (!ok()) return;
  Check(RunIp({"link", "add", "lan0", "netns", ns_[kA], "type", "veth", "peer",
               "name", "lan0", "netns", ns_[kB]}));
  for (int h : {kA, kB}) {
    Check(Ip(h, {"link", "set", "lo", "multicast", "on"}));
    Check(Ip(h, {"link", "set", "lan0", "multicast", "on", "up"}));
    Check(SetAddress(
        h, "10.77." + std::to_string(subnet_) + "." + (h == kA ? "1" : "2")));
  }
}

TwoHosts::~TwoHosts() {
  for (int h : {kA, kB}) {
    if (!ns_[h].empty()) KillAndDelete(ns_[h]);
    if (!wan_ns_[h].empty()) KillAndDelete(wan_ns_[h]);
  }
}

void TwoHosts::Check(const std::string& step_error) {
  if (!step_error.empty() && error_.empty()) error_ = step_error;
}

std::string TwoHosts::Ip(int host, const std::vector<std::string>& args) const {
  std::vector<std::string> all{"-n", ns_[host]};
  all.insert(all.end(), args.begin(), args.end());
  return RunIp(all);
}

RunResult TwoHosts::Exec(int host, const std::string& binary,
                         const std::vector<std::string>& args,
                         const EnvVars& env, std::string_view stdin_text,
                         std::chrono::seconds deadline) const {
  std::vector<std::string> all{"netns", "exec", ns_[host], binary};
  all.insert(all.end(), args.begin(), args.end());
  return RunProcess(IpBinary(), all, env, stdin_text, deadline);
}

std::unique_ptr<BackgroundProcess> TwoHosts::Start(
    int host, const std::string& binary, const std::vector<std::string>& args,
    const EnvVars& env) const {
  std::vector<std::string> all{"netns", "exec", ns_[host], binary};
  all.insert(all.end(), args.begin(), args.end());
  return std::make_unique<BackgroundProcess>(IpBinary(), all, env);
}

std::string TwoHosts::SetAddress(int host, const std::string& address) {
  if (auto e = Ip(host, {"addr", "flush", "dev", "lan0", "scope", "global"});
      !e.empty())
    return e;
  if (auto e = Ip(host, {"addr", "add", address + "/24", "dev", "lan0"});
      !e.empty())
    return e;
  address_[host] = address;
  // The home router sits at .254 of whatever subnet DHCP handed out. A
  // second interface may hold the default route instead (kept if so).
  const std::string router = address.substr(0, address.rfind('.')) + ".254";
  RunResult routes = RunProcess(
      IpBinary(), {"-n", ns_[host], "route", "show", "default"}, IpEnv());
  if (routes.out.find("wan0") != std::string::npos) return "";
  return Ip(host,
            {"route", "replace", "default", "via", router, "dev", "lan0"});
}

std::string TwoHosts::Renumber() {
  ++generation_;
  const std::string net = "10." + std::to_string(77 + generation_) + "." +
                          std::to_string(subnet_) + ".";
  if (auto e = SetAddress(kA, net + "1"); !e.empty()) return e;
  return SetAddress(kB, net + "2");
}

std::string TwoHosts::LinkDown() {
  return Ip(kA, {"link", "set", "lan0", "down"});
}

std::string TwoHosts::LinkUp() {
  if (auto e = Ip(kA, {"link", "set", "lan0", "up"}); !e.empty()) return e;
  // Routes through lan0 left with the link; put the default one back.
  const std::string& a = address_[kA];
  return Ip(kA, {"route", "replace", "default", "via",
                 a.substr(0, a.rfind('.')) + ".254", "dev", "lan0"});
}

std::string TwoHosts::RemoveDefaultRoute(int host) {
  return Ip(host, {"route", "flush", "exact", "0.0.0.0/0"});
}

std::string TwoHosts::AddDefaultRouteInterface(int host) {
  // The other network is a third namespace at the end of a second veth
  // (no dummy module needed), holding the gateway 10.99.N.254.
  const std::string net = "10.99." + std::to_string(subnet_) + ".";
  const std::string& other = wan_ns_[host] = ns_[host] + "w";
  for (auto args : std::vector<std::vector<std::string>>{
           {"netns", "add", other},
           {"link", "add", "wan0", "netns", ns_[host], "type", "veth", "peer",
            "name", "wan0", "netns", other},
           {"-n", other, "addr", "add", net + "254/24", "dev", "wan0"},
           {"-n", other, "link", "set", "wan0", "up"},
           {"-n", ns_[host], "link", "set", "wan0", "multicast", "on", "up"},
           {"-n", ns_[host], "addr", "add",
            net + (host == kA ? "1" : "2") + "/24", "dev", "wan0"},
           {"-n", ns_[host], "route", "replace", "default", "via", net + "254",
            "dev", "wan0"}}) {
    if (auto e = RunIp(args); !e.empty()) return e;
  }
  return "";
}

std::string TwoHosts::AddMulticastRoute(int host) {
  return Ip(host, {"route", "replace", "224.0.0.0/4", "dev", "lan0"});
}

}  // namespace inch::test::netns
