// Noise KKpsk0 over framed TCP, then encrypted WireMessages. Each step names
// the Noise token it performs (Noise rev 34 §7.5; §9 for psk0).
#include "net/secure_channel.hpp"

#include <spdlog/spdlog.h>

namespace inch::net {
namespace noise = crypto::noise;

namespace {

Result<noise::Handshake> StartHandshake(noise::Role role, const PeerKeys& k) {
  noise::HandshakeConfig config{
      .role = role,
      .static_secret = k.static_secret,
      .remote_static = k.remote_static,
      .psk = k.psk,
      .prologue = AsBytes(kPrologue),
  };
  return noise::Handshake::Start(config);
}

}  // namespace

SecureChannel::SecureChannel(std::shared_ptr<Connection> conn,
                             noise::TransportKeys keys)
    : conn_(std::move(conn)),
      send_(std::move(keys.send)),
      recv_(std::move(keys.recv)),
      hash_(std::move(keys.handshake_hash)) {}

awaitable<Result<std::unique_ptr<SecureChannel>>> SecureChannel::Initiate(
    std::shared_ptr<Connection> conn, const PeerKeys& keys) {
  conn->SetDeadline(kHandshakeTimeout);
  auto fail = [&](const Error& e) {
    conn->Close();
    return std::unexpected(e);
  };
  auto hs = StartHandshake(noise::Role::kInitiator, keys);
  if (!hs) co_return fail(hs.error());
  // -> psk, e, es, ss  (message 0, empty payload)
  auto m0 = hs->WriteMessage({});
  if (!m0) co_return fail(m0.error());
  if (auto st = co_await conn->WriteFrame(*m0); !st) co_return fail(st.error());
  // <- e, ee, se  (message 1, exactly 48 bytes)
  auto m1 = co_await conn->ReadFrame(kHandshakeMessageBytes, /*exact=*/true);
  if (!m1) co_return fail(m1.error());
  auto payload = hs->ReadMessage(*m1);
  if (!payload) co_return fail(payload.error());
  auto keys_out = hs->Split();
  if (!keys_out) co_return fail(keys_out.error());
  conn->ClearDeadline();
  co_return std::make_unique<SecureChannel>(std::move(conn),
                                            std::move(*keys_out));
}

awaitable<Result<std::unique_ptr<SecureChannel>>> SecureChannel::Accept(
    std::shared_ptr<Connection> conn, const std::vector<PeerKeys>& candidates,
    std::size_t* matched) {
  conn->SetDeadline(kHandshakeTimeout);
  auto fail = [&](const Error& e) {
    conn->Close();
    return std::unexpected(e);
  };
  // The only work a stranger gets: one fixed-size read and, per candidate,
  // the DHs of message 0, which fail without the partner's static key and
  // the pair secret.
  auto m0 = co_await conn->ReadFrame(kHandshakeMessageBytes, /*exact=*/true);
  if (!m0) co_return fail(m0.error());
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    auto hs = StartHandshake(noise::Role::kResponder, candidates[i]);
    if (!hs) continue;
    // -> psk, e, es, ss
    if (!hs->ReadMessage(*m0)) continue;
    // <- e, ee, se
    auto m1 = hs->WriteMessage({});
    if (!m1) co_return fail(m1.error());
    if (auto st = co_await conn->WriteFrame(*m1); !st) {
      co_return fail(st.error());
    }
    auto keys_out = hs->Split();
    if (!keys_out) co_return fail(keys_out.error());
    if (matched) *matched = i;
    conn->ClearDeadline();
    co_return std::make_unique<SecureChannel>(std::move(conn),
                                              std::move(*keys_out));
  }
  co_return fail(Error{Errc::kCrypto, "handshake failed"});
}

awaitable<Status> SecureChannel::Send(const proto::WireMessage& message) {
  std::string plain;
  if (!message.SerializeToString(&plain) || plain.size() > kMaxPlaintext) {
    co_return Fail(Errc::kInvalidInput, "message too large for one frame");
  }
  auto ct = send_.Encrypt({}, AsBytes(plain));
  if (!ct) co_return std::unexpected(ct.error());
  co_return co_await conn_->WriteFrame(*ct);
}

awaitable<Result<proto::WireMessage>> SecureChannel::Receive() {
  auto frame = co_await conn_->ReadFrame(kMaxFrame);
  if (!frame) co_return std::unexpected(frame.error());
  auto plain = recv_.Decrypt({}, *frame);
  if (!plain) {
    conn_->Close();
    co_return Fail(Errc::kCrypto, "frame failed authentication");
  }
  proto::WireMessage message;
  bool ok =
      message.ParseFromArray(plain->data(), static_cast<int>(plain->size()));
  crypto::Wipe(*plain);
  if (!ok || message.body_case() == proto::WireMessage::BODY_NOT_SET) {
    conn_->Close();
    co_return Fail(Errc::kProtocol, "malformed or unknown message");
  }
  co_return message;
}

}  // namespace inch::net
