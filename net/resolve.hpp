// "host:port" where host may be a name (laptop.local, a DNS name): resolved
// through the system resolver (getaddrinfo, so /etc/hosts, DNS and mDNS via
// nss-mdns all work). Numeric forms never touch the resolver
// (ParseEndpoint in connection.hpp).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "net/asio.hpp"

namespace inch::net {

// Splits "host:port" / "[v6]:port" (brackets removed) without resolving;
// the one split every endpoint form goes through (ParseEndpoint too).
// kInvalidInput for a missing or bad port (port 0 is allowed: "pick one")
// or an empty host.
Result<std::pair<std::string, unsigned short>> SplitHostPort(
    const std::string& host_port);

// Every address `host_port` names, IPv4 first (home LANs route IPv4 more
// often than IPv6), duplicates removed. kUnreachable with a message a person
// can act on when the name is unknown; kInvalidInput for a malformed form.
awaitable<Result<std::vector<tcp::endpoint>>> ResolveAsync(
    std::string host_port);

// The same on a private io_context, for commands that are not yet in a
// coroutine.
Result<std::vector<tcp::endpoint>> Resolve(const std::string& host_port);

}  // namespace inch::net
