// Noise handshake: byte-for-byte against the published cacophony and snow
// vectors for every pattern we implement, then the failures that matter for
// security (tampering, wrong keys, low-order points, replays, turn order).
#include "crypto/noise.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace inch::crypto::noise {
namespace {

using nlohmann::json;

Bytes Hex(const json& v) {
  auto b = FromHex(v.get<std::string>());
  EXPECT_TRUE(b.has_value()) << v;
  return b.value_or(Bytes{});
}

json LoadVectors(const std::string& file) {
  std::ifstream in(std::string(INCH_VECTORS_DIR) + "/noise/" + file);
  EXPECT_TRUE(in.good()) << file;
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

std::optional<Pattern> SupportedPattern(const std::string& name) {
  for (Pattern p : {Pattern::kKKpsk0, Pattern::kKK, Pattern::kKKpsk2}) {
    if (ProtocolName(p) == name) return p;
  }
  return std::nullopt;
}

// Runs one vector end to end; every mismatch is a test failure.
void RunVector(const json& v, Pattern pattern) {
  const std::string name = v["protocol_name"];
  SCOPED_TRACE(name);
  Secret init_s = Secret::CopyOf(Hex(v["init_static"]));
  Secret resp_s = Secret::CopyOf(Hex(v["resp_static"]));
  Secret init_e = Secret::CopyOf(Hex(v["init_ephemeral"]));
  Secret resp_e = Secret::CopyOf(Hex(v["resp_ephemeral"]));
  Bytes init_rs = Hex(v["init_remote_static"]);
  Bytes resp_rs = Hex(v["resp_remote_static"]);
  Bytes init_prologue = Hex(v["init_prologue"]);
  Bytes resp_prologue = Hex(v["resp_prologue"]);
  Secret init_psk, resp_psk;
  if (pattern != Pattern::kKK) {
    ASSERT_EQ(v["init_psks"].size(), 1u);
    ASSERT_EQ(v["resp_psks"].size(), 1u);
    init_psk = Secret::CopyOf(Hex(v["init_psks"][0]));
    resp_psk = Secret::CopyOf(Hex(v["resp_psks"][0]));
  }
  auto init = Handshake::Start({Role::kInitiator, &init_s, init_rs, &init_psk,
                                init_prologue, &init_e, pattern});
  auto resp = Handshake::Start({Role::kResponder, &resp_s, resp_rs, &resp_psk,
                                resp_prologue, &resp_e, pattern});
  ASSERT_TRUE(init.has_value()) << init.error().message;
  ASSERT_TRUE(resp.has_value()) << resp.error().message;

  const json& msgs = v["messages"];
  ASSERT_GE(msgs.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {  // the handshake messages
    Handshake& writer = i % 2 == 0 ? *init : *resp;
    Handshake& reader = i % 2 == 0 ? *resp : *init;
    auto written = writer.WriteMessage(Hex(msgs[i]["payload"]));
    ASSERT_TRUE(written.has_value()) << written.error().message;
    EXPECT_EQ(ToHex(*written), ToHex(Hex(msgs[i]["ciphertext"])))
        << "handshake message " << i;
    auto read = reader.ReadMessage(Hex(msgs[i]["ciphertext"]));
    ASSERT_TRUE(read.has_value()) << read.error().message;
    EXPECT_EQ(ToHex(*read), ToHex(Hex(msgs[i]["payload"])));
  }
  ASSERT_TRUE(init->complete());
  ASSERT_TRUE(resp->complete());
  if (v.contains("handshake_hash")) {
    EXPECT_EQ(ToHex(init->handshake_hash()), ToHex(Hex(v["handshake_hash"])));
  }
  auto ik = init->Split();
  auto rk = resp->Split();
  ASSERT_TRUE(ik.has_value());
  ASSERT_TRUE(rk.has_value());
  EXPECT_EQ(ik->handshake_hash, rk->handshake_hash);
  for (std::size_t i = 2; i < msgs.size(); ++i) {  // transport, empty AD
    CipherState& send = i % 2 == 0 ? ik->send : rk->send;
    CipherState& recv = i % 2 == 0 ? rk->recv : ik->recv;
    auto ct = send.Encrypt({}, Hex(msgs[i]["payload"]));
    ASSERT_TRUE(ct.has_value());
    EXPECT_EQ(ToHex(*ct), ToHex(Hex(msgs[i]["ciphertext"])))
        << "transport message " << i;
    auto pt = recv.Decrypt({}, Hex(msgs[i]["ciphertext"]));
    ASSERT_TRUE(pt.has_value()) << "transport message " << i;
    EXPECT_EQ(ToHex(*pt), ToHex(Hex(msgs[i]["payload"])));
  }
}

TEST(NoiseVectors, AllSupportedVectorsMatchByteForByte) {
  int run = 0, expected = 0, kkpsk0 = 0;
  for (const char* file :
       {"cacophony_25519_ChaChaPoly.json", "snow_25519_ChaChaPoly.json"}) {
    SCOPED_TRACE(file);
    json doc = LoadVectors(file);
    ASSERT_FALSE(doc.is_discarded());
    for (const json& v : doc["vectors"]) {
      const std::string name = v["protocol_name"];
      if (name == "Noise_KK_25519_ChaChaPoly_BLAKE2b" ||
          name == "Noise_KKpsk0_25519_ChaChaPoly_BLAKE2b" ||
          name == "Noise_KKpsk2_25519_ChaChaPoly_BLAKE2b") {
        ++expected;
      }
      auto pattern = SupportedPattern(name);
      if (!pattern) continue;
      RunVector(v, *pattern);
      ++run;
      if (*pattern == Pattern::kKKpsk0) ++kkpsk0;
    }
  }
  EXPECT_GT(run, 0);
  EXPECT_EQ(run, expected);
  EXPECT_EQ(expected, 4);  // cacophony: KK, KKpsk0, KKpsk2; snow: KK
  EXPECT_GE(kkpsk0, 1) << "the product's own suite must be covered";
}

// ---- Negative tests on the product suite with random keys ----

struct Pair {
  Secret init_s = Secret::Random(kKeyBytes);
  Secret resp_s = Secret::Random(kKeyBytes);
  Secret psk = Secret::Random(kKeyBytes);
  Bytes init_pub = Pub(init_s);
  Bytes resp_pub = Pub(resp_s);
  Bytes prologue = {'i', 'n', 'c', 'h'};

  static Bytes Pub(const Secret& s) {
    Bytes p(kKeyBytes);
    EXPECT_EQ(crypto_scalarmult_base(p.data(), s.data()), 0);
    return p;
  }
  Handshake Initiator() const {
    auto h =
        Handshake::Start({Role::kInitiator, &init_s, resp_pub, &psk, prologue});
    EXPECT_TRUE(h.has_value());
    return std::move(*h);
  }
  Handshake Responder() const {
    auto h =
        Handshake::Start({Role::kResponder, &resp_s, init_pub, &psk, prologue});
    EXPECT_TRUE(h.has_value());
    return std::move(*h);
  }
};

TEST(Noise, RandomRoundTripAgreesOnKeysAndHash) {
  Pair p;
  Handshake i = p.Initiator(), r = p.Responder();
  auto m0 = i.WriteMessage(AsBytes("hello"));
  ASSERT_TRUE(m0.has_value());
  EXPECT_EQ(m0->size(), kKeyBytes + 5 + kTagBytes);
  auto p0 = r.ReadMessage(*m0);
  ASSERT_TRUE(p0.has_value());
  EXPECT_EQ(*p0, Bytes(AsBytes("hello").begin(), AsBytes("hello").end()));
  auto m1 = r.WriteMessage({});
  ASSERT_TRUE(m1.has_value());
  EXPECT_EQ(m1->size(), kKeyBytes + kTagBytes);  // fixed size, empty payload
  ASSERT_TRUE(i.ReadMessage(*m1).has_value());
  auto ik = i.Split(), rk = r.Split();
  ASSERT_TRUE(ik && rk);
  EXPECT_EQ(ik->handshake_hash, rk->handshake_hash);
  EXPECT_EQ(ik->handshake_hash.size(), kHashBytes);
  auto c = rk->send.Encrypt({}, AsBytes("back"));
  ASSERT_TRUE(c.has_value());
  auto d = ik->recv.Decrypt({}, *c);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->size(), 4u);
  EXPECT_FALSE(i.Split().has_value()) << "Split works once";
}

TEST(Noise, TwoRunsUseFreshEphemerals) {
  Pair p;
  Handshake a = p.Initiator(), b = p.Initiator();
  auto ma = a.WriteMessage({}), mb = b.WriteMessage({});
  ASSERT_TRUE(ma && mb);
  EXPECT_NE(*ma, *mb);
}

TEST(Noise, FlippedByteInEitherHandshakeMessageFails) {
  Pair p;
  Handshake i0 = p.Initiator();
  auto m0 = i0.WriteMessage(AsBytes("payload"));
  ASSERT_TRUE(m0.has_value());
  for (std::size_t pos = 0; pos < m0->size(); ++pos) {
    Bytes bad = *m0;
    bad[pos] ^= 0x01;
    Handshake r = p.Responder();
    auto res = r.ReadMessage(bad);
    ASSERT_FALSE(res.has_value()) << "message 0 byte " << pos;
    EXPECT_EQ(res.error().code, Errc::kCrypto);
    EXPECT_FALSE(r.WriteMessage({}).has_value()) << "dead after a failure";
  }
  // Message 1: a fresh genuine exchange per flipped byte.
  for (std::size_t pos = 0; pos < kKeyBytes + 3 + kTagBytes; ++pos) {
    Handshake i = p.Initiator(), r = p.Responder();
    auto a = i.WriteMessage({});
    ASSERT_TRUE(a && r.ReadMessage(*a));
    auto b = r.WriteMessage(AsBytes("abc"));
    ASSERT_TRUE(b.has_value());
    (*b)[pos] ^= 0x80;  // includes the X25519-ignored top bit of e
    auto res = i.ReadMessage(*b);
    ASSERT_FALSE(res.has_value()) << "message 1 byte " << pos;
    EXPECT_EQ(res.error().code, Errc::kCrypto);
    EXPECT_FALSE(i.complete());
    EXPECT_FALSE(i.Split().has_value());
  }
}

TEST(Noise, TruncatedOrOversizedHandshakeMessageFails) {
  Pair p;
  Handshake i = p.Initiator();
  auto m0 = i.WriteMessage({});
  ASSERT_TRUE(m0.has_value());
  for (std::size_t len :
       {std::size_t{0}, std::size_t{31}, std::size_t{32}, m0->size() - 1}) {
    Handshake r = p.Responder();
    EXPECT_FALSE(r.ReadMessage(ByteView(*m0).first(len)).has_value()) << len;
  }
  Handshake r = p.Responder();
  Bytes huge(kMaxMessage + 1, 0);
  EXPECT_FALSE(r.ReadMessage(huge).has_value());
  Handshake w = p.Initiator();
  EXPECT_EQ(w.WriteMessage(huge).error().code, Errc::kProtocol);
}

TEST(Noise, WrongPskFails) {
  Pair p;
  Handshake i = p.Initiator();
  Secret other = Secret::Random(kKeyBytes);
  auto r = Handshake::Start(
      {Role::kResponder, &p.resp_s, p.init_pub, &other, p.prologue});
  ASSERT_TRUE(r.has_value());
  auto m0 = i.WriteMessage({});
  ASSERT_TRUE(m0.has_value());
  EXPECT_EQ(r->ReadMessage(*m0).error().code, Errc::kCrypto);
}

TEST(Noise, WrongRemoteStaticFails) {
  Pair p;
  Secret stranger = Secret::Random(kKeyBytes);
  Bytes stranger_pub = Pair::Pub(stranger);
  // The initiator pinned someone else: the responder cannot read it.
  auto i = Handshake::Start(
      {Role::kInitiator, &p.init_s, stranger_pub, &p.psk, p.prologue});
  ASSERT_TRUE(i.has_value());
  auto m0 = i->WriteMessage({});
  ASSERT_TRUE(m0.has_value());
  Handshake r = p.Responder();
  EXPECT_FALSE(r.ReadMessage(*m0).has_value());
  // A stranger (right PSK, wrong static) cannot impersonate the initiator.
  auto s = Handshake::Start(
      {Role::kInitiator, &stranger, p.resp_pub, &p.psk, p.prologue});
  ASSERT_TRUE(s.has_value());
  auto m1 = s->WriteMessage({});
  ASSERT_TRUE(m1.has_value());
  Handshake r2 = p.Responder();
  EXPECT_FALSE(r2.ReadMessage(*m1).has_value());
}

TEST(Noise, WrongPrologueFails) {
  Pair p;
  Handshake i = p.Initiator();
  Bytes other = {'x'};
  auto r = Handshake::Start(
      {Role::kResponder, &p.resp_s, p.init_pub, &p.psk, other});
  auto m0 = i.WriteMessage({});
  ASSERT_TRUE(r && m0);
  EXPECT_FALSE(r->ReadMessage(*m0).has_value());
}

// The curve25519 low-order points (and non-canonical encodings of them).
std::vector<Bytes> LowOrderPoints() {
  std::vector<Bytes> out;
  for (const char* hex :
       {"0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"}) {
    out.push_back(*FromHex(hex));
  }
  return out;
}

TEST(Noise, LowOrderRemoteEphemeralIsRejected) {
  Pair p;
  for (const Bytes& point : LowOrderPoints()) {
    // libsodium reports these only through the return code we check.
    Bytes out(32);
    EXPECT_EQ(crypto_scalarmult(out.data(), p.resp_s.data(), point.data()), -1);
    Bytes m0 = point;
    m0.resize(kKeyBytes + kTagBytes, 0);
    Handshake r = p.Responder();
    auto res = r.ReadMessage(m0);
    ASSERT_FALSE(res.has_value());
    EXPECT_EQ(res.error().code, Errc::kCrypto);
    // Same as the responder's ephemeral in message 1.
    Handshake i = p.Initiator();
    ASSERT_TRUE(i.WriteMessage({}).has_value());
    EXPECT_EQ(i.ReadMessage(m0).error().code, Errc::kCrypto);
  }
}

TEST(Noise, LowOrderPinnedStaticIsRejected) {
  Pair p;
  Bytes zero(kKeyBytes, 0);
  auto i =
      Handshake::Start({Role::kInitiator, &p.init_s, zero, &p.psk, p.prologue});
  ASSERT_TRUE(i.has_value());
  EXPECT_EQ(i->WriteMessage({}).error().code, Errc::kCrypto);  // es fails
}

TEST(Noise, OutOfTurnAndBadConfigFail) {
  Pair p;
  Handshake r = p.Responder();
  EXPECT_EQ(r.WriteMessage({}).error().code, Errc::kProtocol);
  Handshake i = p.Initiator();
  EXPECT_EQ(i.ReadMessage(Bytes(64)).error().code, Errc::kProtocol);
  EXPECT_EQ(i.Split().error().code, Errc::kProtocol);
  Secret short_key = Secret::Random(16);
  EXPECT_EQ(Handshake::Start(
                {Role::kInitiator, &short_key, p.resp_pub, &p.psk, p.prologue})
                .error()
                .code,
            Errc::kCrypto);
  EXPECT_FALSE(
      Handshake::Start({Role::kInitiator, &p.init_s,
                        ByteView(p.resp_pub).first(31), &p.psk, p.prologue})
          .has_value());
  EXPECT_FALSE(Handshake::Start({Role::kInitiator, &p.init_s, p.resp_pub,
                                 nullptr, p.prologue})
                   .has_value());
  EXPECT_FALSE(Handshake::Start({Role::kInitiator, &p.init_s, p.resp_pub,
                                 &short_key, p.prologue})
                   .has_value());
}

TEST(NoiseCipherState, ReplayFailsAndFailureDoesNotAdvanceTheNonce) {
  Secret key = Secret::Random(kKeyBytes);
  CipherState send(Secret::CopyOf(key.view()));
  CipherState recv(Secret::CopyOf(key.view()));
  auto c0 = send.Encrypt(AsBytes("ad"), AsBytes("one"));
  auto c1 = send.Encrypt(AsBytes("ad"), AsBytes("two"));
  ASSERT_TRUE(c0 && c1);
  EXPECT_EQ(send.nonce(), 2u);
  ASSERT_TRUE(recv.Decrypt(AsBytes("ad"), *c0).has_value());
  // Replaying c0 is a nonce mismatch: it fails and n stays at 1.
  EXPECT_EQ(recv.Decrypt(AsBytes("ad"), *c0).error().code, Errc::kCrypto);
  EXPECT_EQ(recv.nonce(), 1u);
  EXPECT_FALSE(recv.Decrypt(AsBytes("other ad"), *c1).has_value());
  EXPECT_EQ(recv.nonce(), 1u);
  auto d1 = recv.Decrypt(AsBytes("ad"), *c1);
  ASSERT_TRUE(d1.has_value());
  EXPECT_EQ(std::string(d1->begin(), d1->end()), "two");
  EXPECT_EQ(recv.nonce(), 2u);
}

TEST(NoiseCipherState, SizeLimitsAndMissingKey) {
  CipherState c(Secret::Random(kKeyBytes));
  Bytes max(kMaxMessage - kTagBytes, 7);
  auto big = c.Encrypt({}, max);
  ASSERT_TRUE(big.has_value());
  EXPECT_EQ(big->size(), kMaxMessage);
  max.push_back(0);
  EXPECT_EQ(c.Encrypt({}, max).error().code, Errc::kCrypto);
  EXPECT_FALSE(c.Decrypt({}, Bytes(kTagBytes - 1)).has_value());
  CipherState none;
  EXPECT_FALSE(none.has_key());
  EXPECT_FALSE(none.Encrypt({}, AsBytes("x")).has_value());
  EXPECT_FALSE(none.Decrypt({}, Bytes(kTagBytes)).has_value());
}

}  // namespace
}  // namespace inch::crypto::noise
