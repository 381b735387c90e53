// One network namespace with a LAN of its own: a veth pair whose two ends
// (10.77.0.1/24 and 10.77.0.2/24) are both inside it, and `lo` up. Programs
// run in it see two multicast-capable interfaces, so two homes in it find
// each other's offers and daemons as two laptops on one Wi-Fi would,
// while a browser in it still reaches each `inch ui` on 127.0.0.1.
//
// Root only: where the namespace cannot be made, ok() is false and why()
// says so, for the test to skip with the reason.
#pragma once

#include <string>
#include <vector>

namespace inch::test {

class LanNamespace {
 public:
  static constexpr const char* kIp = "/usr/sbin/ip";

  // `name_prefix` + this process's pid names the namespace.
  explicit LanNamespace(const std::string& name_prefix);
  ~LanNamespace();
  LanNamespace(const LanNamespace&) = delete;
  LanNamespace& operator=(const LanNamespace&) = delete;

  bool ok() const { return !name_.empty(); }
  const std::string& why() const { return why_; }

  // The arguments to `kIp` that run `binary args...` inside it.
  std::vector<std::string> Exec(const std::string& binary,
                                const std::vector<std::string>& args) const;

 private:
  std::string name_, why_;
};

}  // namespace inch::test
