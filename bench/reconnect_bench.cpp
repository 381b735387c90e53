// Prints (never asserts) two liveness figures on 127.0.0.1, in-process,
// with the daemon's default options: (a) the time a live session takes to
// notice a peer that went silent with its socket still open, (b) the time
// two daemons take to reconnect after an outage of N seconds (one daemon
// stopped, then started again on the same port), from the restart to the
// live session. Usage: reconnect_bench [OUTAGE_SECONDS] (default 10).
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "crypto/identity.hpp"
#include "net/client.hpp"
#include "net/daemon.hpp"
#include "net/secure_channel.hpp"
#include "store/shared/shared_store.hpp"

namespace {

namespace fs = std::filesystem;
using namespace inch;
using namespace inch::net;
using Clock = std::chrono::steady_clock;

struct Node {
  fs::path dir;
  crypto::Identity id = crypto::GenerateIdentity();
  crypto::Secret key = crypto::Secret::Random(32);
  Node() {
    std::string tmpl = (fs::temp_directory_path() / "inch-rb-XXXXXX").string();
    dir = mkdtemp(tmpl.data());
  }
  ~Node() { fs::remove_all(dir); }
  Result<std::unique_ptr<store::SharedStore>> Open() const {
    return store::SharedStore::Open((dir / "shared.db").string(),
                                    crypto::Secret::CopyOf(key.view()),
                                    id.public_key, true);
  }
  DaemonConfig Config(std::uint16_t port) const {
    DaemonConfig c;
    c.listen = {asio::ip::make_address("127.0.0.1"), port};
    c.watch_dir = dir.string();
    c.watch_prefix = "shared.db";
    c.identity = &id;
    c.open_store = [this]() -> Result<std::unique_ptr<store::SyncPort>> {
      auto s = Open();
      if (!s) return std::unexpected(s.error());
      return store::SharedStore::OwnedSyncPort(std::move(*s));
    };
    return c;
  }
};

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// (a) A session whose peer said Hello and then nothing.
double NoticeSilentPeer(const Node& a, const Node& b,
                        const crypto::Secret& secret) {
  asio::io_context io;
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  auto store = a.Open();
  if (!store) return -1;
  std::optional<Clock::time_point> silent_since, noticed;
  std::unique_ptr<SecureChannel> keep;
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        auto socket = co_await acceptor.async_accept(use_awaitable);
        std::vector<PeerKeys> keys{
            {&a.id.secret_key, b.id.public_key, &secret}};
        auto ch = co_await SecureChannel::Accept(
            Connection::Create(std::move(socket)), keys, nullptr);
        if (!ch) co_return;
        SyncOptions options;  // the defaults
        options.live = true;
        auto session = std::make_shared<SyncSession>(std::move(*ch),
                                                     (*store)->sync(), options);
        (void)co_await session->Run();
        noticed = Clock::now();
        if (keep) keep->connection().Close();
      },
      asio::detached);
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        auto conn = co_await Dial(acceptor.local_endpoint());
        if (!conn) co_return;
        PeerKeys keys{&b.id.secret_key, a.id.public_key, &secret};
        auto ch = co_await SecureChannel::Initiate(*conn, keys);
        if (!ch) co_return;
        proto::WireMessage hello;
        hello.mutable_hello()->set_version(kProtocolVersion);
        hello.mutable_hello()->set_live(true);
        (void)co_await (*ch)->Send(hello);
        silent_since = Clock::now();
        keep = std::move(*ch);
      },
      asio::detached);
  io.run_for(std::chrono::seconds(120));
  if (!silent_since || !noticed) return -1;
  return Seconds(*noticed - *silent_since);
}

// Runs `io` in steps until `pred` holds or `cap` passes.
template <class Pred>
bool RunUntil(asio::io_context& io, Pred pred, std::chrono::seconds cap) {
  auto end = Clock::now() + cap;
  while (!pred() && Clock::now() < end) {
    io.run_for(std::chrono::milliseconds(20));
    if (io.stopped()) io.restart();
  }
  return pred();
}

// (b) b keeps dialling a; a is down for `outage`, then comes back.
double ReconnectAfterOutage(const Node& a, const Node& b,
                            std::chrono::seconds outage) {
  asio::io_context io;
  std::uint16_t port = 0;
  auto config_a = a.Config(0);
  config_a.on_listening = [&](const tcp::endpoint& ep) { port = ep.port(); };
  auto daemon_a = std::make_unique<Daemon>(io, std::move(config_a));
  asio::co_spawn(
      io, [&]() -> awaitable<void> { (void)co_await daemon_a->Run(); },
      asio::detached);
  if (!RunUntil(
          io, [&] { return port != 0; }, std::chrono::seconds(10)))
    return -1;
  if (auto s = b.Open())
    (void)(*s)->pairing().SetPartnerAddress("127.0.0.1:" +
                                            std::to_string(port));
  Daemon daemon_b(io, b.Config(0));
  asio::co_spawn(
      io, [&]() -> awaitable<void> { (void)co_await daemon_b.Run(); },
      asio::detached);
  if (!RunUntil(
          io, [&] { return daemon_b.in_session(); }, std::chrono::seconds(30)))
    return -1;
  daemon_a->Stop();  // the outage: a's end closes, b starts dialling
  RunUntil(
      io, [] { return false; }, outage);
  Daemon again(io, a.Config(port));
  asio::co_spawn(
      io, [&]() -> awaitable<void> { (void)co_await again.Run(); },
      asio::detached);
  const auto back = Clock::now();
  if (!RunUntil(
          io, [&] { return daemon_b.in_session() && again.in_session(); },
          std::chrono::seconds(180)))
    return -1;
  const double took = Seconds(Clock::now() - back);
  again.Stop();
  daemon_b.Stop();
  RunUntil(
      io, [] { return false; }, std::chrono::seconds(1));
  return took;
}

}  // namespace

int main(int argc, char** argv) {
  if (!crypto::InitCrypto()) return 1;
  spdlog::set_level(spdlog::level::warn);
  const auto outage = std::chrono::seconds(argc > 1 ? std::atoi(argv[1]) : 10);
  Node a, b;
  auto secret = crypto::Secret::Random(32);
  {
    auto sa = a.Open();
    auto sb = b.Open();
    if (!sa || !sb) return 1;
    if (!(*sa)->pairing().SetPartner(b.id.public_key, secret) ||
        !(*sb)->pairing().SetPartner(a.id.public_key, secret))
      return 1;
  }
  SyncOptions defaults;
  std::printf("defaults: ping every %lld ms, idle timeout %lld ms\n",
              static_cast<long long>(defaults.ping_interval.count()),
              static_cast<long long>(defaults.idle_timeout.count()));
  std::printf("time to notice a silent peer: %.1f s\n",
              NoticeSilentPeer(a, b, secret));
  std::printf(
      "time to reconnect after a %lld s outage (from the restart): %.1f s\n",
      static_cast<long long>(outage.count()),
      ReconnectAfterOutage(a, b, outage));
  return 0;
}
