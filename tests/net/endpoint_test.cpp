// "host:port" forms: SplitHostPort (resolve.hpp) is the one split, and
// ParseEndpoint (connection.hpp) is that split followed by a numeric
// address. Both see the same edge cases: IPv6 brackets, a missing port,
// port 0 and past 65535, an empty host.
#include <gtest/gtest.h>

#include <string>

#include "net/connection.hpp"
#include "net/resolve.hpp"

namespace inch::net {
namespace {

// Both parsers refuse `form` as kInvalidInput.
void ExpectBoth(const std::string& form) {
  auto split = SplitHostPort(form);
  ASSERT_FALSE(split) << form;
  EXPECT_EQ(split.error().code, Errc::kInvalidInput) << form;
  auto parsed = ParseEndpoint(form);
  ASSERT_FALSE(parsed) << form;
  EXPECT_EQ(parsed.error().code, Errc::kInvalidInput) << form;
}

TEST(SplitHostPortTest, SplitsNamesAndAddresses) {
  auto v4 = SplitHostPort("192.168.1.20:47470");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->first, "192.168.1.20");
  EXPECT_EQ(v4->second, 47470);
  auto name = SplitHostPort("laptop.local:80");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->first, "laptop.local");
  EXPECT_EQ(name->second, 80);
}

TEST(SplitHostPortTest, RemovesIpv6Brackets) {
  auto v6 = SplitHostPort("[fe80::1%eth0]:9");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->first, "fe80::1%eth0");
  EXPECT_EQ(v6->second, 9);
}

TEST(SplitHostPortTest, PortZeroAndTheLargestPortAreKept) {
  auto zero = SplitHostPort("0.0.0.0:0");
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->second, 0);
  auto top = SplitHostPort("h:65535");
  ASSERT_TRUE(top);
  EXPECT_EQ(top->second, 65535);
}

TEST(EndpointFormsTest, MissingPortIsRefusedByBoth) {
  for (const char* form : {"10.0.0.1", "10.0.0.1:", "[::1]", "[::1]:", ""}) {
    ExpectBoth(form);
  }
}

TEST(EndpointFormsTest, BadPortsAreRefusedByBoth) {
  for (const char* form :
       {"10.0.0.1:65536", "10.0.0.1:99999999999", "10.0.0.1:-1", "10.0.0.1:80x",
        "10.0.0.1: 80", "[::1]:65536"}) {
    ExpectBoth(form);
  }
}

TEST(EndpointFormsTest, EmptyHostIsRefusedByBoth) {
  for (const char* form : {":80", "[]:80"}) ExpectBoth(form);
  EXPECT_NE(SplitHostPort("[]:80").error().message.find("no host"),
            std::string::npos);
}

TEST(ParseEndpointTest, ParsesNumericForms) {
  auto v4 = ParseEndpoint("192.168.1.20:47470");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->address().to_string(), "192.168.1.20");
  EXPECT_EQ(v4->port(), 47470);
  auto v6 = ParseEndpoint("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->address().is_v6());
  EXPECT_TRUE(v6->address().is_loopback());
  EXPECT_EQ(v6->port(), 0);
}

TEST(ParseEndpointTest, LocalhostIsIpv4Loopback) {
  auto ep = ParseEndpoint("localhost:5");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->address().to_string(), "127.0.0.1");
  EXPECT_EQ(ep->port(), 5);
}

TEST(ParseEndpointTest, NamesSplitButAreNotEndpoints) {
  ASSERT_TRUE(SplitHostPort("laptop.local:80"));
  auto ep = ParseEndpoint("laptop.local:80");
  ASSERT_FALSE(ep);
  EXPECT_EQ(ep.error().code, Errc::kInvalidInput);
  EXPECT_NE(ep.error().message.find("not an IP address"), std::string::npos);
}

TEST(ParseEndpointTest, FormatRoundTrips) {
  for (const char* form : {"10.1.2.3:1", "[2001:db8::7]:65535", "[::]:0"}) {
    auto ep = ParseEndpoint(form);
    ASSERT_TRUE(ep) << form;
    EXPECT_EQ(FormatEndpoint(*ep), form);
  }
}

}  // namespace
}  // namespace inch::net
