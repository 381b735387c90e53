// In-process liveness tests on 127.0.0.1: a live session notices a silent
// peer within its idle timeout (pings flow both ways, so a quiet but live
// peer is never mistaken for a dead one), and a daemon replaces a stale
// incoming session with the partner's newer authenticated connection
// instead of refusing it Busy. Options are shortened; only outcomes are
// asserted, under generous caps.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <optional>

#include "crypto/identity.hpp"
#include "net/asio.hpp"
#include "net/client.hpp"
#include "net/daemon.hpp"
#include "net/secure_channel.hpp"
#include "net/sync_session.hpp"
#include "store/shared/shared_store.hpp"

namespace inch::net {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct LiveTempDir {
  fs::path path;
  LiveTempDir() {
    std::string tmpl =
        (fs::temp_directory_path() / "inch-live-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~LiveTempDir() { fs::remove_all(path); }
};

struct LiveNode {
  LiveTempDir dir;
  crypto::Identity id = crypto::GenerateIdentity();
  crypto::Secret key = crypto::Secret::Random(32);
  Result<std::unique_ptr<store::SharedStore>> Open() const {
    return store::SharedStore::Open((dir.path / "shared.db").string(),
                                    crypto::Secret::CopyOf(key.view()),
                                    id.public_key, true);
  }
};

class LivenessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto());
    auto sa = a_.Open();
    auto sb = b_.Open();
    ASSERT_TRUE(sa && sb);
    ASSERT_TRUE(
        (*sa)->pairing().SetPartner(b_.id.public_key, secret_).has_value());
    ASSERT_TRUE(
        (*sb)->pairing().SetPartner(a_.id.public_key, secret_).has_value());
  }

  // Dials `at` as b and sends a live Hello, then stays silent.
  awaitable<Result<std::unique_ptr<SecureChannel>>> SilentPartner(
      tcp::endpoint at) {
    auto conn = co_await Dial(at);
    if (!conn) co_return std::unexpected(conn.error());
    PeerKeys keys{&b_.id.secret_key, a_.id.public_key, &secret_};
    auto ch = co_await SecureChannel::Initiate(*conn, keys);
    if (!ch) co_return std::unexpected(ch.error());
    proto::WireMessage hello;
    hello.mutable_hello()->set_version(kProtocolVersion);
    hello.mutable_hello()->set_live(true);
    if (auto st = co_await (*ch)->Send(hello); !st)
      co_return std::unexpected(st.error());
    co_return ch;
  }

  asio::io_context io_;
  LiveNode a_, b_;
  crypto::Secret secret_ = crypto::Secret::Random(32);
};

TEST_F(LivenessTest, ASilentPeerIsNoticedWithinTheIdleTimeout) {
  tcp::acceptor acceptor(io_, {asio::ip::make_address("127.0.0.1"), 0});
  auto store = a_.Open();
  ASSERT_TRUE(store);
  std::optional<Result<SyncStats>> result;
  std::optional<Result<std::unique_ptr<SecureChannel>>> silent;
  bool silent_still_open = false;
  asio::co_spawn(
      io_,
      [&]() -> awaitable<void> {
        auto socket = co_await acceptor.async_accept(use_awaitable);
        std::vector<PeerKeys> keys{
            {&a_.id.secret_key, b_.id.public_key, &secret_}};
        auto ch = co_await SecureChannel::Accept(
            Connection::Create(std::move(socket)), keys, nullptr);
        if (!ch) co_return;
        SyncOptions options;
        options.live = true;
        options.idle_timeout = 1500ms;
        options.ping_interval = 300ms;
        auto session = std::make_shared<SyncSession>(std::move(*ch),
                                                     (*store)->sync(), options);
        result = co_await session->Run();
        // The silent side never closed: only the idle timeout ended this.
        silent_still_open =
            silent && *silent && (**silent)->connection().socket().is_open();
        if (silent && *silent) (**silent)->connection().Close();
      },
      asio::detached);
  asio::co_spawn(
      io_,
      [&]() -> awaitable<void> {
        silent = co_await SilentPartner(acceptor.local_endpoint());
      },
      asio::detached);
  io_.run_for(20s);
  ASSERT_TRUE(result) << "the silent peer was never noticed";
  EXPECT_TRUE(silent_still_open);
}

TEST_F(LivenessTest, QuietLiveSessionsPingBothWaysAndStayUp) {
  tcp::acceptor acceptor(io_, {asio::ip::make_address("127.0.0.1"), 0});
  auto sa = a_.Open();
  auto sb = b_.Open();
  ASSERT_TRUE(sa && sb);
  SyncOptions options;
  options.live = true;
  options.idle_timeout = 2000ms;
  options.ping_interval = 200ms;
  std::shared_ptr<SyncSession> server, client;
  int ended = 0;
  asio::co_spawn(
      io_,
      [&]() -> awaitable<void> {
        auto socket = co_await acceptor.async_accept(use_awaitable);
        std::vector<PeerKeys> keys{
            {&a_.id.secret_key, b_.id.public_key, &secret_}};
        auto ch = co_await SecureChannel::Accept(
            Connection::Create(std::move(socket)), keys, nullptr);
        if (!ch) co_return;
        server = std::make_shared<SyncSession>(std::move(*ch), (*sa)->sync(),
                                               options);
        (void)co_await server->Run();
        ++ended;
      },
      asio::detached);
  asio::co_spawn(
      io_,
      [&]() -> awaitable<void> {
        (void)co_await SyncWith((*sb)->sync(), b_.id.secret_key,
                                acceptor.local_endpoint(), options,
                                [&](std::shared_ptr<SyncSession> s) {
                                  if (s) client = s;
                                });
        ++ended;
      },
      asio::detached);
  // Several idle timeouts long: a side that only receives pings but sends
  // none would be dropped by its peer.
  io_.run_for(6s);
  EXPECT_EQ(ended, 0) << "a quiet live session was taken for dead";
  ASSERT_TRUE(server && client);
  server->Stop();
  client->Stop();
  io_.restart();
  io_.run_for(10s);
  EXPECT_EQ(ended, 2);
}

TEST_F(LivenessTest, ThePartnersNewConnectionReplacesAStaleSession) {
  DaemonConfig config;
  config.listen = {asio::ip::make_address("127.0.0.1"), 0};
  config.watch_dir = a_.dir.path.string();
  config.watch_prefix = "shared.db";
  config.identity = &a_.id;
  config.idle_timeout = 60s;  // only a replacement can end the stale one
  config.open_store = [this]() -> Result<std::unique_ptr<store::SyncPort>> {
    auto s = a_.Open();
    if (!s) return std::unexpected(s.error());
    return store::SharedStore::OwnedSyncPort(std::move(*s));
  };
  std::optional<tcp::endpoint> at;
  config.on_listening = [&](const tcp::endpoint& ep) { at = ep; };
  Daemon daemon(io_, std::move(config));
  std::optional<Status> ran;
  asio::co_spawn(
      io_, [&]() -> awaitable<void> { ran = co_await daemon.Run(); },
      asio::detached);
  std::optional<Result<std::unique_ptr<SecureChannel>>> stale;
  bool stale_closed = false, second_ran = false;
  std::optional<Result<SyncStats>> second;
  auto store_b = b_.Open();
  ASSERT_TRUE(store_b);
  asio::co_spawn(
      io_,
      [&]() -> awaitable<void> {
        while (!at) co_await asio::post(io_, use_awaitable);
        // The first session: the partner says Hello and then goes silent
        // (it crashed, say), its socket still open.
        stale = co_await SilentPartner(*at);
        if (!*stale) co_return;
        // Its daemon comes back and dials again, live.
        SyncOptions options;
        options.live = true;
        second =
            co_await SyncWith((*store_b)->sync(), b_.id.secret_key, *at,
                              options, [&](std::shared_ptr<SyncSession> s) {
                                if (!s) return;
                                second_ran = true;
                                // Once the stale connection is seen
                                // closed, stop this one.
                                asio::co_spawn(
                                    io_,
                                    [&, s]() -> awaitable<void> {
                                      for (;;) {
                                        auto m = co_await (**stale)->Receive();
                                        if (!m) break;
                                      }
                                      stale_closed = true;
                                      s->Stop();
                                      daemon.Stop();
                                    },
                                    asio::detached);
                              });
      },
      asio::detached);
  io_.run_for(30s);
  ASSERT_TRUE(stale && stale->has_value());
  EXPECT_TRUE(second_ran);
  EXPECT_TRUE(stale_closed) << "the stale session kept the slot";
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->has_value()) << second->error().message;
  EXPECT_TRUE(ran) << "the daemon did not stop";
}

// A sighting (discovery's hook) at a new address is recorded and dialled
// soon, although the daemon had no address and was waiting to be dialled.
TEST_F(LivenessTest, APartnerSeenAtANewAddressIsRecordedAndDialled) {
  tcp::acceptor partner(io_, {asio::ip::make_address("127.0.0.1"), 0});
  DaemonConfig config;
  config.listen = {asio::ip::make_address("127.0.0.1"), 0};
  config.watch_dir = a_.dir.path.string();
  config.watch_prefix = "shared.db";
  config.identity = &a_.id;
  config.open_store = [this]() -> Result<std::unique_ptr<store::SyncPort>> {
    auto s = a_.Open();
    if (!s) return std::unexpected(s.error());
    return store::SharedStore::OwnedSyncPort(std::move(*s));
  };
  bool listening = false;
  config.on_listening = [&](const tcp::endpoint&) { listening = true; };
  Daemon daemon(io_, std::move(config));
  asio::co_spawn(
      io_, [&]() -> awaitable<void> { (void)co_await daemon.Run(); },
      asio::detached);
  bool dialled = false;
  asio::co_spawn(
      io_,
      [&]() -> awaitable<void> {
        while (!listening) co_await asio::post(io_, use_awaitable);
        asio::steady_timer pause(io_, 300ms);  // it is waiting by now
        co_await pause.async_wait(use_awaitable);
        daemon.OnPartnerSeen(partner.local_endpoint());
        auto socket = co_await partner.async_accept(use_awaitable);
        dialled = true;
        daemon.Stop();
      },
      asio::detached);
  io_.run_for(20s);
  EXPECT_TRUE(dialled) << "the sighting did not lead to a dial";
  auto store = a_.Open();
  ASSERT_TRUE(store);
  auto partner_info = (*store)->pairing().Partner();
  ASSERT_TRUE(partner_info && *partner_info);
  EXPECT_EQ((*partner_info)->last_address,
            FormatEndpoint(partner.local_endpoint()));
}

}  // namespace
}  // namespace inch::net
