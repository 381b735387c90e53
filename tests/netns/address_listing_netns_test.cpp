// What `inch pair --listen` (a wildcard bind) prints for the other laptop
// to type: every LAN address, never loopback. Checked in a namespace whose
// LAN holds the default route (today's code gets this one right), with no
// default route at all, and with a second interface holding it.
#include <signal.h>

#include <algorithm>

#include "tests/netns/netns_fixture.hpp"

namespace inch::test::netns {
namespace {

class AddressListingNetnsTest : public TwoHostsTest {
 protected:
  bool NeedsB() const override { return false; }
  // The hosts (without ports) that a wildcard `inch --json pair --listen`
  // on A prints: "addresses" when present, else the lone "address".
  std::vector<std::string> ListedHosts(std::string* raw) {
    auto bg = a_->Start({"--json", "pair", "--listen"});
    *raw = bg->ReadLine(std::chrono::seconds(30));
    bg->Signal(SIGTERM);
    RunResult done = bg->Wait(std::chrono::seconds(10));
    auto line = nlohmann::json::parse(*raw, nullptr, false);
    EXPECT_TRUE(line.is_object()) << Describe(done);
    std::vector<std::string> out;
    if (!line.is_object()) return out;
    std::vector<std::string> listed;
    if (line.contains("addresses") && line["addresses"].is_array()) {
      for (const auto& a : line["addresses"]) listed.push_back(a);
    } else if (line.contains("address")) {
      listed.push_back(line["address"]);
    }
    for (const auto& a : listed) out.push_back(a.substr(0, a.rfind(':')));
    return out;
  }
  static bool Has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  }
};

// Control: the LAN holds the default route, as on most home networks.
TEST_F(AddressListingNetnsTest, TheLanHoldingTheDefaultRouteIsListed) {
  std::string raw;
  auto hosts = ListedHosts(&raw);
  EXPECT_TRUE(Has(hosts, hosts_->address(kA))) << raw;
  EXPECT_FALSE(Has(hosts, "127.0.0.1")) << raw;
}

// needs discovery branch: today's code guesses from the default route and
// prints 127.0.0.1 when there is none.
TEST_F(AddressListingNetnsTest, NoDefaultRouteListsTheLanNotLoopback) {
  ASSERT_EQ(hosts_->RemoveDefaultRoute(kA), "");
  std::string raw;
  auto hosts = ListedHosts(&raw);
  EXPECT_FALSE(Has(hosts, "127.0.0.1")) << raw;
  EXPECT_TRUE(Has(hosts, hosts_->address(kA))) << raw;
}

// needs discovery branch: today's code prints only the interface holding
// the default route, which the partner on the LAN cannot reach.
TEST_F(AddressListingNetnsTest, ASecondInterfaceWithTheDefaultRouteListsBoth) {
  ASSERT_EQ(hosts_->AddDefaultRouteInterface(kA), "");
  std::string raw;
  auto hosts = ListedHosts(&raw);
  EXPECT_TRUE(Has(hosts, hosts_->address(kA))) << raw;
  EXPECT_TRUE(Has(hosts, "10.99." + std::to_string(hosts_->subnet()) + ".1"))
      << "every LAN address is listed: " << raw;
  EXPECT_FALSE(Has(hosts, "127.0.0.1")) << raw;
}

}  // namespace
}  // namespace inch::test::netns
