// Name resolution through Asio's resolver (resolve.hpp).
#include "net/resolve.hpp"

#include <algorithm>
#include <charconv>

#include "net/connection.hpp"

namespace inch::net {
namespace {

std::string NotFoundMessage(const std::string& host) {
  std::string msg = "could not find '" + host +
                    "' on this network: is the other laptop on and on the "
                    "same Wi-Fi?";
  if (host.ends_with(".local")) {
    msg +=
        " (names ending in .local need mDNS: Avahi with nss-mdns; otherwise "
        "use an address `inch pair --listen` prints)";
  }
  return msg;
}

}  // namespace

Result<std::pair<std::string, unsigned short>> SplitHostPort(
    const std::string& host_port) {
  std::string host, port;
  if (!host_port.empty() && host_port.front() == '[') {
    auto end = host_port.find("]:");
    if (end == std::string::npos)
      return Fail(Errc::kInvalidInput, "expected [IPv6]:PORT");
    host = host_port.substr(1, end - 1);
    port = host_port.substr(end + 2);
  } else {
    auto colon = host_port.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return Fail(Errc::kInvalidInput,
                  "expected HOST:PORT, got '" + host_port + "'");
    }
    host = host_port.substr(0, colon);
    port = host_port.substr(colon + 1);
  }
  if (host.empty()) {
    return Fail(Errc::kInvalidInput, "no host in '" + host_port + "'");
  }
  unsigned value = 0;
  auto [end, err] =
      std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || err != std::errc() || end != port.data() + port.size() ||
      value > 65535) {
    return Fail(Errc::kInvalidInput, "bad port in '" + host_port + "'");
  }
  return std::pair{host, static_cast<unsigned short>(value)};
}

awaitable<Result<std::vector<tcp::endpoint>>> ResolveAsync(
    std::string host_port) {
  // Numeric forms (and "localhost") keep their one exact meaning.
  if (auto numeric = ParseEndpoint(host_port)) {
    co_return std::vector<tcp::endpoint>{*numeric};
  }
  auto split = SplitHostPort(host_port);
  if (!split) co_return std::unexpected(split.error());
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  boost::system::error_code ec;
  auto results = co_await resolver.async_resolve(
      split->first, std::to_string(split->second),
      tcp::resolver::numeric_service, asio::redirect_error(use_awaitable, ec));
  if (ec) co_return Fail(Errc::kUnreachable, NotFoundMessage(split->first));
  std::vector<tcp::endpoint> out;
  for (const auto& entry : results) {
    auto ep = entry.endpoint();
    if (std::find(out.begin(), out.end(), ep) == out.end()) out.push_back(ep);
  }
  std::stable_partition(out.begin(), out.end(),
                        [](const auto& ep) { return ep.address().is_v4(); });
  if (out.empty())
    co_return Fail(Errc::kUnreachable, NotFoundMessage(split->first));
  co_return out;
}

Result<std::vector<tcp::endpoint>> Resolve(const std::string& host_port) {
  asio::io_context io;
  std::optional<Result<std::vector<tcp::endpoint>>> out;
  asio::co_spawn(
      io, ResolveAsync(host_port),
      [&](std::exception_ptr e, Result<std::vector<tcp::endpoint>> value) {
        if (e) {
          out = Fail(Errc::kIo, "name resolution failed");
        } else {
          out = std::move(value);
        }
      });
  io.run();
  if (!out) return Fail(Errc::kIo, "name resolution did not finish");
  return std::move(*out);
}

}  // namespace inch::net
