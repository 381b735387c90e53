// Node and the shared flows (netns_node.hpp).
#include "tests/netns/netns_node.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

namespace inch::test::netns {
namespace {

std::string Text(const RunResult& r, const char* who) {
  return std::string(who) + ": " + Describe(r);
}

}  // namespace

int DiscoveryPort() { return 20000 + static_cast<int>(::getpid() % 20000); }

Node::Node(const TwoHosts& hosts, int host) : hosts_(hosts), host_(host) {}

EnvVars Node::Env() const {
  return box_.Env({{"INCH_DISCOVERY_PORT", std::to_string(DiscoveryPort())}});
}

RunResult Node::Run(const std::vector<std::string>& args,
                    std::string_view stdin_text) const {
  return hosts_.Exec(host_, INCH_BINARY, args, Env(), stdin_text);
}

std::unique_ptr<BackgroundProcess> Node::Start(
    const std::vector<std::string>& args) const {
  return hosts_.Start(host_, INCH_BINARY, args, Env());
}

std::string Node::InitAndUnlock() const {
  for (const char* step : {"init", "unlock"}) {
    RunResult r = Run({step, "--passphrase-file", box_.passphrase_file()});
    if (r.exit_code != 0) return Text(r, step);
  }
  return "";
}

std::size_t Node::NotesCount(const std::string& text) const {
  const std::string out = Run({"--json", "notes"}).out;
  std::size_t n = 0;
  for (auto at = out.find(text); at != std::string::npos;
       at = out.find(text, at + 1))
    ++n;
  return n;
}

namespace {

// Reads the listener's first line, runs the dialer with `dial_args(line)`,
// then waits for the listener.
template <class DialArgs>
PairOutcome PairWith(const Node& listener, const Node& dialer,
                     const std::vector<std::string>& listen_args,
                     DialArgs dial_args) {
  PairOutcome o;
  auto bg = listener.Start(listen_args);
  o.first_line = bg->ReadLine(std::chrono::seconds(30));
  auto line = nlohmann::json::parse(o.first_line, nullptr, false);
  if (!line.is_object() || !line.contains("code")) {
    o.listener = bg->Wait(std::chrono::seconds(5));
    o.error = "the listener printed no {\"code\", ...} line: " +
              Text(o.listener, "listener");
    return o;
  }
  std::vector<std::string> args = dial_args(line);
  if (args.empty()) {
    o.listener = bg->Wait(std::chrono::seconds(1));
    o.error = "the listener's line lacks an address: " + o.first_line;
    return o;
  }
  o.dialer = dialer.Run(args);
  o.listener = bg->Wait(std::chrono::seconds(30));
  if (o.dialer.exit_code != 0 || o.listener.exit_code != 0) {
    o.error = "pairing failed:\n" + Text(o.listener, "listener") + "\n" +
              Text(o.dialer, "dialer");
  }
  return o;
}

}  // namespace

PairOutcome PairExplicit(const Node& listener, const Node& dialer,
                         const std::string& listen,
                         const std::string& dial_address) {
  return PairWith(
      listener, dialer, {"--json", "pair", "--listen", listen},
      [&](const nlohmann::json& line) -> std::vector<std::string> {
        std::string address = dial_address;
        if (address.empty() && line.contains("address") &&
            line["address"].is_string())
          address = line["address"].get<std::string>();
        if (address.empty()) return {};
        return {"pair", address, "--code", line["code"].get<std::string>()};
      });
}

PairOutcome PairByCode(const Node& listener, const Node& dialer) {
  return PairWith(
      listener, dialer, {"--json", "pair"},
      [](const nlohmann::json& line) -> std::vector<std::string> {
        return {"pair", "--code", line["code"].get<std::string>(), "--yes"};
      });
}

std::unique_ptr<BackgroundProcess> Serve(const Node& node,
                                         const std::string& listen,
                                         std::string* first_line) {
  std::vector<std::string> args{"--json", "serve"};
  if (!listen.empty()) {
    args.push_back("--listen");
    args.push_back(listen);
  }
  auto bg = node.Start(args);
  *first_line = bg->ReadLine(std::chrono::seconds(30));
  return bg;
}

}  // namespace inch::test::netns
