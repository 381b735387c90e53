// Pairing over one TCP connection (pairing.hpp). D = dialer (CPace
// initiator), L = listener. Frames use the 2-byte length prefix and each
// has one exact size:
//   M1 D->L  sid(16) | Ya(32)                                  48
//   M2 L->D  Yb(32) | Tl = MAC("confirm-listener")             64
//   M3 D->L  Td = MAC("confirm-dialer") | Seal(Kd, pk_D)      105
//   M4 L->D  Seal(Kl, pk_L) | Fl = MAC("final-listener", keys) 105
//   M5 D->L  Fd = MAC("final-dialer", keys)                     32
//   L pins, then
//   M6 L->D  Pl = MAC("pinned-listener", keys)                  32
//   D pins.
//   T  L->D  "inch/1 code used" instead of M2                   16
// MAC(label, ...) = BLAKE2b-256 keyed with ISK over "inch/1 " label | sid |
// Ya | Yb (| pk_D | pk_L): the schedule and its labels are in
// crypto/pairing_keys.hpp.
//
// Listener states: open (accepting; every connection is served at once, at
// most kMaxUnclaimed wait for their M1, the oldest closed to make room) ->
// claimed (the first connection whose M1 is complete and well-formed, Ya a
// valid point, owns the code; every later M1 gets T and is closed) ->
// done (the claimed attempt ended: result returned, all closed) | expired
// (no claim within the code's lifetime).
// Transitions: AwaitM1 (per connection: open -> claimed, or T), the accept
// loop (open/claimed -> done on the claim's end, open -> expired).
// Invariants: the code is used by at most one attempt; an idle or
// malformed connection never claims it and never delays another one (each
// waits on its own coroutine under kPairStepTimeout); nothing is pinned
// before M5/M6. Any failure of the claimed attempt ends it; when T was
// sent meanwhile, both sides say that someone else's attempt used the code.
// Dialer states are linear: M1, then M2 or T (T ends it), M3..M6.
#include "net/pairing.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <array>
#include <initializer_list>
#include <memory>
#include <optional>

#include "crypto/aead.hpp"
#include "crypto/check_words.hpp"
#include "crypto/cpace.hpp"
#include "crypto/pairing_keys.hpp"
#include "net/connection.hpp"

namespace inch::net {
namespace {

namespace pk = crypto::pairing;
using pk::Key;
using pk::Mac;

constexpr std::size_t kSidBytes = 16;
constexpr std::size_t kKeyBytes = pk::kKeyBytes;  // a static public key
constexpr std::size_t kMacBytes = pk::kMacBytes;
constexpr std::size_t kSealedKeyBytes = crypto::kSealOverhead + kKeyBytes;
constexpr std::size_t kM1 = kSidBytes + crypto::cpace::kShareBytes;
constexpr std::size_t kM2 = crypto::cpace::kShareBytes + kMacBytes;
constexpr std::size_t kM3 = kMacBytes + kSealedKeyBytes;
constexpr std::size_t kM4 = kSealedKeyBytes + kMacBytes;
constexpr std::size_t kM5 = kMacBytes;
constexpr std::size_t kM6 = kMacBytes;
// The "code taken" reply: fixed, shorter than M2, so it cannot be confused.
constexpr std::string_view kTaken = "inch/1 code used";
static_assert(kTaken.size() == 16 && kTaken.size() != kM2);

Bytes Concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::unexpected<Error> PairFailed() {
  // The same words whatever went wrong: wrong code or tampering.
  return Fail(Errc::kCrypto,
              "pairing failed: the code did not match or the exchange was "
              "tampered with");
}

std::unexpected<Error> CodeTaken() {
  // A literal, not a concatenation (g++ 12 reports a false -Warray-bounds
  // on the latter); the assertion keeps it in step with kCodeTakenWords.
  static constexpr char kMessage[] =
      "someone else's attempt used this code first: start again with a new "
      "code on the other laptop";
  static_assert(std::string_view(kMessage).starts_with(kCodeTakenWords));
  return Fail(Errc::kCrypto, kMessage);
}

Result<PairResult> Finish(const pk::Keys& keys, ByteView partner_pk,
                          ByteView my_pk) {
  PairResult result;
  result.partner_public_key.assign(partner_pk.begin(), partner_pk.end());
  result.pair_secret = keys.Derive(Key::kPairSecret);
  result.check_words =
      crypto::CheckWords(result.pair_secret, my_pk, partner_pk);
  return result;
}

// Steps M1..M6 from the listener's side, once M1 has arrived.
awaitable<Result<PairResult>> ListenerSteps(Connection& conn,
                                            const std::string& prs, ByteView m1,
                                            ByteView my_pk,
                                            const PinFunction& pin) {
  ByteView sid = m1.subspan(0, kSidBytes);
  ByteView ya = m1.subspan(kSidBytes);
  auto party = crypto::cpace::Party::Start(AsBytes(prs), AsBytes(pk::kCi), sid,
                                           AsBytes(pk::kAdListener));
  if (!party) co_return std::unexpected(party.error());
  auto isk = party->DeriveIsk(ya, AsBytes(pk::kAdDialer), false);
  if (!isk) co_return PairFailed();  // Ya was invalid (identity, not a point)
  pk::Keys keys(std::move(*isk), sid, ya, party->share());

  Bytes m2 = Concat({party->share(), keys.Compute(Mac::kConfirmListener)});
  if (auto st = co_await conn.WriteFrame(m2); !st) {
    co_return std::unexpected(st.error());
  }
  auto m3 = co_await conn.ReadFrame(kM3, true);
  if (!m3) co_return PairFailed();  // a dialer with a wrong code just leaves
  ByteView m3v(*m3);
  if (!keys.Verify(Mac::kConfirmDialer, m3v.subspan(0, kMacBytes))) {
    co_return PairFailed();
  }
  auto pk_d = crypto::Open(keys.Derive(Key::kSealDialer),
                           m3v.subspan(kMacBytes), AsBytes(pk::kSealAdDialer));
  if (!pk_d || pk_d->size() != kKeyBytes) co_return PairFailed();
  if (std::equal(pk_d->begin(), pk_d->end(), my_pk.begin(), my_pk.end())) {
    co_return Fail(Errc::kInvalidInput, "refusing to pair a node with itself");
  }
  keys.SetStaticKeys(*pk_d, my_pk);
  Bytes m4 = Concat({crypto::Seal(keys.Derive(Key::kSealListener), my_pk,
                                  AsBytes(pk::kSealAdListener)),
                     keys.Compute(Mac::kFinalListener)});
  if (auto st = co_await conn.WriteFrame(m4); !st) {
    co_return std::unexpected(st.error());
  }
  auto m5 = co_await conn.ReadFrame(kM5, true);
  if (!m5 || !keys.Verify(Mac::kFinalDialer, *m5)) {
    co_return PairFailed();
  }
  auto result = Finish(keys, *pk_d, my_pk);
  if (!result) co_return result;
  if (auto st = pin(*result); !st) co_return std::unexpected(st.error());
  Bytes m6 = keys.Compute(Mac::kPinnedListener);
  if (auto st = co_await conn.WriteFrame(m6); !st) {
    // We pinned but the dialer may not learn it: it will not pin, and
    // `inch unpair` here recovers. Report success for what we did.
    spdlog::warn("pairing: final confirmation could not be sent");
  }
  co_return result;
}

// Steps M1..M6 from the dialer's side, on a connected socket.
awaitable<Result<PairResult>> DialerSteps(Connection& conn,
                                          const std::string& prs,
                                          const Bytes& my_pk,
                                          const PinFunction& pin) {
  Bytes sid = crypto::RandomBytes(kSidBytes);
  auto party = crypto::cpace::Party::Start(AsBytes(prs), AsBytes(pk::kCi), sid,
                                           AsBytes(pk::kAdDialer));
  if (!party) co_return std::unexpected(party.error());
  Bytes ya(party->share().begin(), party->share().end());
  Bytes m1 = Concat({sid, ya});
  if (auto st = co_await conn.WriteFrame(m1); !st) {
    co_return std::unexpected(st.error());
  }
  auto m2 = co_await conn.ReadFrame(kM2);
  if (!m2)
    co_return Fail(Errc::kUnreachable, "the listener closed the connection");
  if (m2->size() == kTaken.size() &&
      std::equal(m2->begin(), m2->end(), AsBytes(kTaken).begin())) {
    co_return CodeTaken();
  }
  if (m2->size() != kM2) co_return PairFailed();
  ByteView m2v(*m2);
  ByteView yb = m2v.subspan(0, crypto::cpace::kShareBytes);
  auto isk = party->DeriveIsk(yb, AsBytes(pk::kAdListener), true);
  if (!isk) co_return PairFailed();
  pk::Keys keys(std::move(*isk), sid, ya, yb);
  if (!keys.Verify(Mac::kConfirmListener,
                   m2v.subspan(crypto::cpace::kShareBytes))) {
    co_return PairFailed();  // wrong code: stop before revealing anything
  }
  Bytes m3 = Concat({keys.Compute(Mac::kConfirmDialer),
                     crypto::Seal(keys.Derive(Key::kSealDialer), my_pk,
                                  AsBytes(pk::kSealAdDialer))});
  if (auto st = co_await conn.WriteFrame(m3); !st) {
    co_return std::unexpected(st.error());
  }
  auto m4 = co_await conn.ReadFrame(kM4, true);
  if (!m4) co_return PairFailed();
  ByteView m4v(*m4);
  auto pk_l = crypto::Open(keys.Derive(Key::kSealListener),
                           m4v.subspan(0, kSealedKeyBytes),
                           AsBytes(pk::kSealAdListener));
  if (!pk_l || pk_l->size() != kKeyBytes) co_return PairFailed();
  if (*pk_l == my_pk) {
    co_return Fail(Errc::kInvalidInput, "refusing to pair a node with itself");
  }
  keys.SetStaticKeys(my_pk, *pk_l);
  if (!keys.Verify(Mac::kFinalListener, m4v.subspan(kSealedKeyBytes))) {
    co_return PairFailed();
  }
  Bytes m5 = keys.Compute(Mac::kFinalDialer);
  if (auto st = co_await conn.WriteFrame(m5); !st) {
    co_return std::unexpected(st.error());
  }
  auto m6 = co_await conn.ReadFrame(kM6, true);
  if (!m6 || !keys.Verify(Mac::kPinnedListener, *m6)) {
    co_return PairFailed();
  }
  auto result = Finish(keys, *pk_l, my_pk);
  if (!result) co_return result;
  if (auto st = pin(*result); !st) co_return std::unexpected(st.error());
  co_return result;
}

}  // namespace

std::string NewPairingCode() {
  std::string code;
  for (int i = 0; i < 8; ++i) {
    if (i == 4) code += '-';
    code += static_cast<char>('0' + randombytes_uniform(10));
  }
  return code;
}

Result<std::string> NormalizeCode(std::string_view typed) {
  std::string digits;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    if (c < '0' || c > '9') {
      return Fail(Errc::kInvalidInput, "a pairing code is 8 digits");
    }
    digits += c;
  }
  if (digits.size() != 8) {
    return Fail(Errc::kInvalidInput, "a pairing code is 8 digits");
  }
  return digits;
}

namespace {

// What the listener's connections share; owned by each of their coroutines
// and by PairAsListener, so it outlives whichever ends last.
struct ListenerState {
  explicit ListenerState(const asio::any_io_executor& ex) : finished(ex) {}
  std::string prs;
  Bytes my_public_key;
  PinFunction pin;
  tcp::acceptor* acceptor = nullptr;  // null once PairAsListener returned
  bool claimed = false;
  bool done = false;
  std::size_t taken_told = 0;  // later attempts told the code was used
  std::optional<Result<PairResult>> result;
  std::vector<std::weak_ptr<Connection>> unclaimed;
  asio::steady_timer finished;  // cancelled when the claim has ended
};

// One connection: wait for its M1, then claim the code or say it is taken.
awaitable<void> AwaitM1(std::shared_ptr<ListenerState> state,
                        std::shared_ptr<Connection> conn) {
  conn->SetDeadline(kPairStepTimeout);
  auto m1 = co_await conn->ReadFrame(kM1, true);
  std::erase_if(state->unclaimed,
                [&](auto& w) { return w.expired() || w.lock() == conn; });
  if (!m1) {
    // No first message: not an attempt at the code (a port scan, say).
    spdlog::info("pairing: ignored a connection from {} ({})", conn->peer(),
                 m1.error().message);
    conn->Close();
    co_return;
  }
  const bool valid =
      crypto_core_ristretto255_is_valid_point(m1->data() + kSidBytes) == 1;
  if (state->claimed || state->done) {
    ++state->taken_told;
    spdlog::info(
        "pairing: another attempt from {} came after the code was used: "
        "told it so",
        conn->peer());
    (void)co_await conn->WriteFrame(AsBytes(kTaken));
    conn->ShutdownSend();
    conn->SetDeadline(std::chrono::seconds(2));
    (void)co_await conn->ReadFrame(1);  // until it closes (no reset)
    conn->Close();
    co_return;
  }
  if (!valid) {
    spdlog::info("pairing: ignored a malformed first message from {}",
                 conn->peer());
    conn->Close();
    co_return;
  }
  // This connection is the one attempt the code allows.
  state->claimed = true;
  auto result = co_await ListenerSteps(*conn, state->prs, *m1,
                                       state->my_public_key, state->pin);
  sodium_memzero(state->prs.data(), state->prs.size());
  conn->Close();
  if (!result && result.error().code == Errc::kCrypto &&
      state->taken_told > 0) {
    result = CodeTaken();  // the real partner was turned away meanwhile
  }
  state->result = std::move(result);
  state->done = true;
  state->finished.cancel();
  if (state->acceptor) {
    boost::system::error_code ignored;
    state->acceptor->cancel(ignored);
  }
}

}  // namespace

awaitable<Result<PairResult>> PairAsListener(
    tcp::acceptor& acceptor, std::string code, Bytes my_public_key,
    PinFunction pin, std::chrono::steady_clock::duration lifetime) {
  auto prs = NormalizeCode(code);
  if (!prs) co_return std::unexpected(prs.error());
  auto state = std::make_shared<ListenerState>(acceptor.get_executor());
  state->prs = std::move(*prs);
  state->my_public_key = std::move(my_public_key);
  state->pin = std::move(pin);
  state->acceptor = &acceptor;
  state->finished.expires_at(asio::steady_timer::time_point::max());
  bool expired = false;
  asio::steady_timer expiry(acceptor.get_executor());
  expiry.expires_after(lifetime);
  expiry.async_wait([state, &expired](boost::system::error_code ec) {
    if (ec || state->claimed) return;  // claimed: the attempt decides
    expired = true;
    boost::system::error_code ignored;
    if (state->acceptor) state->acceptor->cancel(ignored);
  });
  auto close_all = [&] {
    state->acceptor = nullptr;
    expiry.cancel();
    for (auto& weak : state->unclaimed) {
      if (auto c = weak.lock()) c->Close();
    }
  };
  while (!state->done) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
    if (state->done) break;
    if (expired) {
      close_all();
      sodium_memzero(state->prs.data(), state->prs.size());
      co_return Fail(Errc::kUnreachable, "the code expired");
    }
    if (ec) {
      if (state->claimed) {  // let the attempt finish
        co_await state->finished.async_wait(
            asio::redirect_error(use_awaitable, ec));
        break;
      }
      close_all();
      co_return Fail(Errc::kUnreachable, "accept failed: " + ec.message());
    }
    auto conn = Connection::Create(std::move(socket));
    std::erase_if(state->unclaimed, [](auto& w) { return w.expired(); });
    if (state->unclaimed.size() >= kMaxUnclaimed) {
      // The oldest waiting connection makes room: a real dialer sends its
      // M1 at once, so a flood costs nothing but a few sockets.
      if (auto oldest = state->unclaimed.front().lock()) oldest->Close();
      state->unclaimed.erase(state->unclaimed.begin());
    }
    state->unclaimed.push_back(conn);
    asio::co_spawn(acceptor.get_executor(), AwaitM1(state, conn),
                   asio::detached);
  }
  close_all();
  co_return std::move(*state->result);
}

awaitable<Result<PairResult>> PairAsDialer(tcp::endpoint listener,
                                           std::string code,
                                           Bytes my_public_key,
                                           PinFunction pin) {
  auto prs = NormalizeCode(code);
  if (!prs) co_return std::unexpected(prs.error());
  auto executor = co_await asio::this_coro::executor;
  auto conn = Connection::Create(tcp::socket(executor));
  conn->SetDeadline(kPairStepTimeout);
  boost::system::error_code ec;
  co_await conn->socket().async_connect(
      listener, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    co_return Fail(
        Errc::kUnreachable,
        "cannot reach " + FormatEndpoint(listener) + ": " + ec.message());
  }
  auto result = co_await DialerSteps(*conn, *prs, my_public_key, pin);
  sodium_memzero(prs->data(), prs->size());
  conn->Close();
  co_return result;
}

}  // namespace inch::net
