#include "tests/support/lan_namespace.hpp"

#include <unistd.h>

#include <cstdlib>

namespace inch::test {

LanNamespace::LanNamespace(const std::string& name_prefix) {
  if (geteuid() != 0) {
    why_ = "not root: cannot create a network namespace";
    return;
  }
  const std::string ns = name_prefix + std::to_string(getpid());
  const std::string ip = kIp;
  const std::string script =
      ip + " netns add " + ns + " && " + ip + " netns exec " + ns +
      " sh -c 'ip link add pa type veth peer name pb && "
      "ip addr add 10.77.0.1/24 dev pa && ip addr add 10.77.0.2/24 dev pb "
      "&& ip link set pa up && ip link set pb up && ip link set lo up' "
      ">/dev/null 2>&1";
  if (std::system(script.c_str()) != 0) {
    std::system((ip + " netns del " + ns + " 2>/dev/null").c_str());
    why_ = "`ip netns add` or a veth pair failed here";
    return;
  }
  name_ = ns;
}

LanNamespace::~LanNamespace() {
  if (name_.empty()) return;
  std::system(
      (std::string(kIp) + " netns del " + name_ + " 2>/dev/null").c_str());
}

std::vector<std::string> LanNamespace::Exec(
    const std::string& binary, const std::vector<std::string>& args) const {
  std::vector<std::string> out{"netns", "exec", name_, binary};
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

}  // namespace inch::test
