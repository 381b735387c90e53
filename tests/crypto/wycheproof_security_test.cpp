// Wycheproof edge cases for the libsodium primitives our crypto stands on:
// ChaCha20-Poly1305 (IETF, Noise's cipher), XChaCha20-Poly1305 (record
// sealing) and X25519 (identity, Noise DH), in the v1 and legacy formats.
// Each test counts the cases it ran and checks that count against the file.
#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "common/bytes.hpp"

namespace inch::crypto {
namespace {

using nlohmann::json;

Bytes Hex(const json& v) {
  auto b = FromHex(v.get<std::string>());
  EXPECT_TRUE(b.has_value()) << v;
  return b.value_or(Bytes{});
}

json Load(const std::string& rel) {
  std::ifstream in(std::string(INCH_VECTORS_DIR) + "/wycheproof/" + rel);
  EXPECT_TRUE(in.good()) << rel;
  json doc = json::parse(in, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << rel;
  return doc;
}

struct Aead {
  std::size_t nonce_bytes;
  decltype(&crypto_aead_chacha20poly1305_ietf_encrypt) encrypt;
  decltype(&crypto_aead_chacha20poly1305_ietf_decrypt) decrypt;
};

const Aead kChaCha{crypto_aead_chacha20poly1305_IETF_NPUBBYTES,
                   crypto_aead_chacha20poly1305_ietf_encrypt,
                   crypto_aead_chacha20poly1305_ietf_decrypt};
const Aead kXChaCha{crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                    crypto_aead_xchacha20poly1305_ietf_encrypt,
                    crypto_aead_xchacha20poly1305_ietf_decrypt};

// Runs every case libsodium's fixed-size API can express (32-byte key,
// the suite's nonce size); returns {cases run, cases skipped}.
std::pair<int, int> RunAeadFile(const std::string& rel, const Aead& aead) {
  SCOPED_TRACE(rel);
  EXPECT_GE(sodium_init(), 0);
  json doc = Load(rel);
  int run = 0, skipped = 0, total = 0;
  for (const json& group : doc["testGroups"]) {
    for (const json& t : group["tests"]) {
      ++total;
      Bytes key = Hex(t["key"]), iv = Hex(t["iv"]), aad = Hex(t["aad"]);
      Bytes msg = Hex(t["msg"]), ct = Hex(t["ct"]), tag = Hex(t["tag"]);
      if (key.size() != 32 || iv.size() != aead.nonce_bytes ||
          tag.size() != 16) {
        ++skipped;
        EXPECT_EQ(t["result"], "invalid") << "tcId " << t["tcId"];
        continue;
      }
      ++run;
      const std::string result = t["result"];
      SCOPED_TRACE("tcId " + std::to_string(t["tcId"].get<int>()) + " " +
                   result);
      Bytes sealed = ct;
      sealed.insert(sealed.end(), tag.begin(), tag.end());
      Bytes opened(sealed.size() - 16);
      unsigned long long len = 0;
      int rc = aead.decrypt(opened.data(), &len, nullptr, sealed.data(),
                            sealed.size(), aad.data(), aad.size(), iv.data(),
                            key.data());
      if (result == "valid") {
        EXPECT_EQ(rc, 0);
        EXPECT_EQ(ToHex(ByteView(opened).first(len)), ToHex(msg));
        Bytes out(msg.size() + 16);
        EXPECT_EQ(
            aead.encrypt(out.data(), &len, msg.data(), msg.size(), aad.data(),
                         aad.size(), nullptr, iv.data(), key.data()),
            0);
        EXPECT_EQ(ToHex(out), ToHex(sealed));
      } else {
        EXPECT_NE(rc, 0);
      }
    }
  }
  EXPECT_EQ(total, doc["numberOfTests"].get<int>());
  return {run, skipped};
}

// Expected: the file's count minus the cases whose nonce length libsodium
// cannot take (all of them "invalid"; counted in the vectors README).
TEST(WycheproofAead, ChaCha20Poly1305V1) {
  auto [run, skipped] =
      RunAeadFile("testvectors_v1/chacha20_poly1305_test.json", kChaCha);
  EXPECT_EQ(skipped, 9);
  EXPECT_EQ(run, 325 - 9);
}

TEST(WycheproofAead, XChaCha20Poly1305V1) {
  auto [run, skipped] =
      RunAeadFile("testvectors_v1/xchacha20_poly1305_test.json", kXChaCha);
  EXPECT_EQ(skipped, 9);
  EXPECT_EQ(run, 315 - 9);
}

TEST(WycheproofAead, ChaCha20Poly1305Legacy) {
  auto [run, skipped] =
      RunAeadFile("testvectors_legacy/chacha20_poly1305_test.json", kChaCha);
  EXPECT_EQ(skipped, 7);
  EXPECT_EQ(run, 300 - 7);
}

TEST(WycheproofAead, XChaCha20Poly1305Legacy) {
  auto [run, skipped] =
      RunAeadFile("testvectors_legacy/xchacha20_poly1305_test.json", kXChaCha);
  EXPECT_EQ(skipped, 4);
  EXPECT_EQ(run, 284 - 4);
}

struct XdhCounts {
  int run = 0, valid = 0, acceptable_rejected = 0;
};

// valid: must compute the expected secret; acceptable: either rejected
// (rc -1, low-order) or, if computed, matching; invalid: never a match.
XdhCounts RunX25519File(const std::string& rel) {
  SCOPED_TRACE(rel);
  EXPECT_GE(sodium_init(), 0);
  json doc = Load(rel);
  XdhCounts c;
  for (const json& group : doc["testGroups"]) {
    for (const json& t : group["tests"]) {
      Bytes pub = Hex(t["public"]), priv = Hex(t["private"]);
      Bytes shared = Hex(t["shared"]);
      const std::string result = t["result"];
      SCOPED_TRACE("tcId " + std::to_string(t["tcId"].get<int>()) + " " +
                   result);
      ++c.run;
      if (pub.size() != 32 || priv.size() != 32) {
        EXPECT_EQ(result, "invalid");
        continue;
      }
      Bytes out(32);
      int rc = crypto_scalarmult(out.data(), priv.data(), pub.data());
      if (result == "valid") {
        ++c.valid;
        EXPECT_EQ(rc, 0);
        EXPECT_EQ(ToHex(out), ToHex(shared));
      } else if (result == "acceptable") {
        if (rc == 0) {
          EXPECT_EQ(ToHex(out), ToHex(shared));
        } else {
          ++c.acceptable_rejected;
          EXPECT_EQ(rc, -1);
        }
      } else {
        EXPECT_FALSE(rc == 0 && out == shared);
      }
    }
  }
  EXPECT_EQ(c.run, doc["numberOfTests"].get<int>());
  return c;
}

TEST(WycheproofX25519, V1) {
  XdhCounts c = RunX25519File("testvectors_v1/x25519_test.json");
  EXPECT_EQ(c.run, 518);
  EXPECT_EQ(c.valid, 264);
  EXPECT_EQ(c.acceptable_rejected, 31);  // low-order: rejected by rc only
}

TEST(WycheproofX25519, Legacy) {
  XdhCounts c = RunX25519File("testvectors_legacy/x25519_test.json");
  EXPECT_EQ(c.run, 518);
  EXPECT_EQ(c.valid, 264);
  EXPECT_GT(c.acceptable_rejected, 0);
}

}  // namespace
}  // namespace inch::crypto
