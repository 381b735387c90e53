// CPace (CPACE-RISTR255-SHA512, draft-irtf-cfrg-cpace-21) against the
// draft's published vectors: string utilities, generator, shares, K, ISK in
// both settings, the invalid points; then wrong-code and round-trip runs.
#include "crypto/cpace.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace inch::crypto::cpace {
namespace {

using nlohmann::json;

Bytes Hex(const json& v) {
  auto b = FromHex(v.get<std::string>());
  EXPECT_TRUE(b.has_value()) << v;
  return b.value_or(Bytes{});
}

std::string Lower(const json& v) { return ToHex(Hex(v)); }

Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }

class CpaceVectors : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ifstream in(std::string(INCH_VECTORS_DIR) +
                     "/cpace/cpace_ristretto255_sha512_draft21.json");
    ASSERT_TRUE(in.good());
    doc_ = json::parse(in, nullptr, false);
    ASSERT_FALSE(doc_.is_discarded());
    ASSERT_TRUE(doc_.contains("summary_G_Coffee25519"));
    s_ = doc_["summary_G_Coffee25519"];
  }
  const json& Section(const char* name) {
    return doc_["ristretto255_sha512_sections"][name]["text_values"];
  }
  json doc_;
  json s_;
};

TEST_F(CpaceVectors, GeneratorStringAndGenerator) {
  const json& gen =
      Section("Test vectors for calculate_generator with group ristretto255");
  Bytes gs = GeneratorString(Hex(s_["PRS"]), Hex(s_["CI"]), Hex(s_["sid"]));
  EXPECT_EQ(ToHex(gs),
            Lower(gen["generator_string(G.DSI,PRS,CI,sid,H.s_in_bytes)"]));
  EXPECT_EQ(gs.size(), 170u);
  auto g = CalculateGenerator(Hex(s_["PRS"]), Hex(s_["CI"]), Hex(s_["sid"]));
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(ToHex(g->view()), Lower(s_["g"]));
  EXPECT_EQ(ToHex(g->view()), Lower(gen["encoded generator g"]));
}

TEST_F(CpaceVectors, SharesKAndIskInitiatorResponder) {
  Secret ya = Secret::CopyOf(Hex(s_["ya"]));
  Secret yb = Secret::CopyOf(Hex(s_["yb"]));
  auto a = Party::Start(Hex(s_["PRS"]), Hex(s_["CI"]), Hex(s_["sid"]),
                        Hex(s_["ADa"]), &ya);
  auto b = Party::Start(Hex(s_["PRS"]), Hex(s_["CI"]), Hex(s_["sid"]),
                        Hex(s_["ADb"]), &yb);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(ToHex(a->share()), Lower(s_["Ya"]));
  EXPECT_EQ(ToHex(b->share()), Lower(s_["Yb"]));

  auto k_ab = ScalarMultVfy(ya, b->share());
  auto k_ba = ScalarMultVfy(yb, a->share());
  ASSERT_TRUE(k_ab && k_ba);
  EXPECT_EQ(ToHex(k_ab->view()), Lower(s_["K"]));
  EXPECT_EQ(ToHex(k_ba->view()), Lower(s_["K"]));

  auto isk_a = a->DeriveIsk(b->share(), b->ad(), /*we_are_initiator=*/true);
  auto isk_b = b->DeriveIsk(a->share(), a->ad(), /*we_are_initiator=*/false);
  ASSERT_TRUE(isk_a && isk_b);
  EXPECT_EQ(ToHex(isk_a->view()), Lower(s_["ISK_IR"]));
  EXPECT_EQ(ToHex(isk_b->view()), Lower(s_["ISK_IR"]));

  auto sy_a = a->DeriveIskSymmetric(b->share(), b->ad());
  auto sy_b = b->DeriveIskSymmetric(a->share(), a->ad());
  ASSERT_TRUE(sy_a && sy_b);
  EXPECT_EQ(ToHex(sy_a->view()), Lower(s_["ISK_SY"]));
  EXPECT_EQ(ToHex(sy_b->view()), Lower(s_["ISK_SY"]));

  Bytes tir = TranscriptIr(a->share(), a->ad(), b->share(), b->ad());
  Bytes toc = TranscriptOc(a->share(), a->ad(), b->share(), b->ad());
  const json& ir =
      Section("Test vector for ISK calculation initiator/responder");
  EXPECT_EQ(ToHex(tir), Lower(ir["transcript_ir(Ya,ADa,Yb,ADb)"]));
  const json& oc =
      Section("Test vector for ISK calculation parallel execution");
  EXPECT_EQ(ToHex(toc), Lower(oc["transcript_oc(Ya,ADa,Yb,ADb)"]));
  EXPECT_EQ(ToHex(SidOutput(tir)), Lower(s_["sid_output_ir"]));
  EXPECT_EQ(ToHex(SidOutput(toc)), Lower(s_["sid_output_oc"]));
}

TEST_F(CpaceVectors, ScalarMultVfyCases) {
  const json& c = doc_["scalar_mult_vfy_cases_G_Coffee25519_points"];
  Secret s = Secret::CopyOf(Hex(c["Valid"]["s"]));
  auto ok = ScalarMultVfy(s, Hex(c["Valid"]["X"]));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ToHex(ok->view()), Lower(c["Valid"]["G.scalar_mult_vfy(s,X)"]));
  int invalid = 0;
  for (const char* key : {"Invalid Y1", "Invalid Y2"}) {
    auto bad = ScalarMultVfy(s, Hex(c[key]));
    ASSERT_FALSE(bad.has_value()) << key;
    EXPECT_EQ(bad.error().code, Errc::kCrypto);
    ++invalid;
  }
  EXPECT_EQ(invalid, 2);
}

TEST_F(CpaceVectors, InvalidPeerSharesAbortTheRun) {
  const json& c = doc_["scalar_mult_vfy_cases_G_Coffee25519_points"];
  auto a = Party::Start(B("123456"), B("ci"), {}, B("A"));
  ASSERT_TRUE(a.has_value());
  for (const char* key : {"Invalid Y1", "Invalid Y2"}) {
    auto isk = a->DeriveIsk(Hex(c[key]), B("B"), true);
    ASSERT_FALSE(isk.has_value()) << key;
    EXPECT_EQ(isk.error().code, Errc::kCrypto);
    EXPECT_FALSE(a->DeriveIskSymmetric(Hex(c[key]), B("B")).has_value());
  }
  EXPECT_EQ(a->DeriveIsk(Bytes(31, 1), B("B"), true).error().code,
            Errc::kInvalidInput);
}

TEST_F(CpaceVectors, StringUtilities) {
  const json& u = doc_["string_utility_vectors"];
  const json& pl = u["prepend_len test vectors"];
  EXPECT_EQ(ToHex(PrependLen({})), Lower(pl["prepend_len(b'')"]));
  EXPECT_EQ(ToHex(PrependLen(B("1234"))), Lower(pl["prepend_len(b'1234')"]));
  Bytes r127(127), r128(128);
  for (std::size_t i = 0; i < 128; ++i) {
    if (i < 127) r127[i] = static_cast<std::uint8_t>(i);
    r128[i] = static_cast<std::uint8_t>(i);
  }
  EXPECT_EQ(ToHex(PrependLen(r127)),
            Lower(pl["prepend_len(bytes(range(127)))"]));
  EXPECT_EQ(ToHex(PrependLen(r128)),
            Lower(pl["prepend_len(bytes(range(128)))"]));

  EXPECT_EQ(
      ToHex(LvCat({B("1234"), B("5"), {}, B("678")})),
      Lower(u["Testvector for lv_cat()"]["lv_cat(b'1234',b'5',b'',b'678')"]));
  const json& oc = u["Test vectors ordered concatenation"];
  EXPECT_EQ(ToHex(OCat(B("ABCD"), B("BCD"))),
            Lower(oc["o_cat(b'ABCD',b'BCD')"]));
  EXPECT_EQ(ToHex(OCat(B("BCD"), B("ABCDE"))),
            Lower(oc["o_cat(b'BCD',b'ABCDE')"]));
  const json& ir = u["Test vectors transcript_ir function"];
  EXPECT_EQ(ToHex(TranscriptIr(B("123"), B("PartyA"), B("234"), B("PartyB"))),
            Lower(ir["transcript_ir(b'123',b'PartyA',b'234',b'PartyB')"]));
  EXPECT_EQ(ToHex(TranscriptIr(B("3456"), B("PartyA"), B("2345"), B("PartyB"))),
            Lower(ir["transcript_ir(b'3456',b'PartyA',b'2345',b'PartyB')"]));
  const json& toc = u["Test vectors for transcript_oc function"];
  EXPECT_EQ(ToHex(TranscriptOc(B("123"), B("PartyA"), B("234"), B("PartyB"))),
            Lower(toc["transcript_oc(b'123',b'PartyA',b'234',b'PartyB')"]));
  EXPECT_EQ(ToHex(TranscriptOc(B("3456"), B("PartyA"), B("2345"), B("PartyB"))),
            Lower(toc["transcript_oc(b'3456',b'PartyA',b'2345',b'PartyB')"]));
}

TEST(Cpace, RandomRunAgreesWithTheSameCode) {
  auto a = Party::Start(B("483-921"), B("pair"), B("sid1"), B("A"));
  auto b = Party::Start(B("483-921"), B("pair"), B("sid1"), B("B"));
  ASSERT_TRUE(a && b);
  EXPECT_NE(ToHex(a->share()), ToHex(b->share()));
  auto ka = a->DeriveIsk(b->share(), b->ad(), true);
  auto kb = b->DeriveIsk(a->share(), a->ad(), false);
  ASSERT_TRUE(ka && kb);
  EXPECT_EQ(ka->size(), kIskBytes);
  EXPECT_TRUE(ka->Equals(*kb));
  // Both claiming the initiator role gives different transcripts.
  auto kb_wrong = b->DeriveIsk(a->share(), a->ad(), true);
  ASSERT_TRUE(kb_wrong.has_value());
  EXPECT_FALSE(ka->Equals(*kb_wrong));
}

TEST(Cpace, WrongCodeGivesDifferentIsks) {
  auto a = Party::Start(B("483-921"), B("pair"), {}, B("A"));
  auto b = Party::Start(B("483-922"), B("pair"), {}, B("B"));
  ASSERT_TRUE(a && b);
  auto ka = a->DeriveIsk(b->share(), b->ad(), true);
  auto kb = b->DeriveIsk(a->share(), a->ad(), false);
  ASSERT_TRUE(ka && kb);
  EXPECT_FALSE(ka->Equals(*kb));
}

TEST(Cpace, DifferentChannelOrTamperedAdGivesDifferentIsks) {
  auto a = Party::Start(B("code"), B("channel-1"), {}, B("A"));
  auto b = Party::Start(B("code"), B("channel-2"), {}, B("B"));
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(a->DeriveIsk(b->share(), b->ad(), true)
                   ->Equals(*b->DeriveIsk(a->share(), a->ad(), false)));
  auto c = Party::Start(B("code"), B("channel-1"), {}, B("C"));
  ASSERT_TRUE(c.has_value());
  // A man-in-the-middle rewriting C's ad: the ISKs no longer agree.
  EXPECT_FALSE(a->DeriveIsk(c->share(), B("X"), true)
                   ->Equals(*c->DeriveIsk(a->share(), a->ad(), false)));
}

TEST(Cpace, BadTestScalarSizeFails) {
  Secret short_scalar = Secret::Random(16);
  EXPECT_EQ(
      Party::Start(B("code"), B("ci"), {}, {}, &short_scalar).error().code,
      Errc::kCrypto);
}

}  // namespace
}  // namespace inch::crypto::cpace
