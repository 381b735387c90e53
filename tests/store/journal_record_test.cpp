// Tests for the journal's record encoding and its strict UTF-8 check:
// round trips, and a decoder that rejects every truncation, trailing byte,
// over-declared length and out-of-range flag without reading out of bounds.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>

#include "store/journal/record.hpp"
#include "store/journal/utf8.hpp"

namespace inch::store {
namespace {

namespace rec = journal_record;

JournalEntry Sample() {
  return {7,  "a reflection ✓", std::string("prompt-3"), {"one", "two"},
          -5, 1'700'000'000'000};
}

TEST(JournalRecordTest, RoundTrips) {
  const JournalEntry in = Sample();
  auto out = rec::DecodeRecord(rec::EncodeRecord(in), 7);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->id, 7);
  EXPECT_EQ(out->text, in.text);
  EXPECT_EQ(out->prompt_id, in.prompt_id);
  EXPECT_EQ(out->tags, in.tags);
  EXPECT_EQ(out->created_ms, in.created_ms);
  EXPECT_EQ(out->updated_ms, in.updated_ms);
}

TEST(JournalRecordTest, RoundTripsWithoutPromptOrTags) {
  JournalEntry in{1, "x", std::nullopt, {}, 0, 0};
  auto out = rec::DecodeRecord(rec::EncodeRecord(in), 1);
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->prompt_id.has_value());
  EXPECT_TRUE(out->tags.empty());
}

TEST(JournalRecordTest, EveryTruncationIsCorrupt) {
  const Bytes whole = rec::EncodeRecord(Sample());
  for (std::size_t len = 0; len < whole.size(); ++len) {
    Bytes cut(whole.begin(), whole.begin() + static_cast<long>(len));
    auto out = rec::DecodeRecord(cut, 7);
    ASSERT_FALSE(out) << "length " << len;
    EXPECT_EQ(out.error().code, Errc::kCorrupt);
  }
}

TEST(JournalRecordTest, TrailingByteIsCorrupt) {
  Bytes b = rec::EncodeRecord(Sample());
  b.push_back(0);
  EXPECT_FALSE(rec::DecodeRecord(b, 7));
}

TEST(JournalRecordTest, OverDeclaredLengthsAreCorrupt) {
  Bytes b = rec::EncodeRecord(Sample());
  // Text length lives at offset 17 (kind + two i64).
  for (std::uint8_t top :
       {std::uint8_t{0x01}, std::uint8_t{0x7f}, std::uint8_t{0xff}}) {
    Bytes over = b;
    over[17 + 3] = top;
    EXPECT_FALSE(rec::DecodeRecord(over, 7)) << int{top};
  }
  JournalEntry big{1, std::string(kMaxEntryBytes + 1, 'x'), std::nullopt, {}, 0,
                   0};
  EXPECT_FALSE(rec::DecodeRecord(rec::EncodeRecord(big), 1));
  JournalEntry many{
      1, "x", std::nullopt, std::vector<std::string>(kMaxTags + 1, "t"), 0, 0};
  EXPECT_FALSE(rec::DecodeRecord(rec::EncodeRecord(many), 1));
}

TEST(JournalRecordTest, BadKindOrFlagIsCorrupt) {
  Bytes b = rec::EncodeRecord(Sample());
  Bytes kind = b;
  kind[0] = 2;
  EXPECT_FALSE(rec::DecodeRecord(kind, 7));
  Bytes flag = b;
  const std::size_t flag_at = 1 + 16 + 4 + Sample().text.size();
  ASSERT_EQ(flag[flag_at], 1);
  flag[flag_at] = 2;
  EXPECT_FALSE(rec::DecodeRecord(flag, 7));
}

TEST(JournalRecordTest, InvalidUtf8InsideIsCorrupt) {
  JournalEntry e = Sample();
  e.text = "bad \xc0\x80";
  EXPECT_FALSE(rec::DecodeRecord(rec::EncodeRecord(e), 7));
}

// Seeded byte flips: decode must succeed or fail cleanly (sanitizer builds
// catch out-of-bounds reads). Rerun with INCH_SEED=<seed>.
TEST(JournalRecordTest, RandomByteFlipsNeverCrash) {
  std::uint64_t seed = std::random_device{}();
  if (const char* env = std::getenv("INCH_SEED"))
    seed = std::strtoull(env, nullptr, 10);
  std::printf("INCH_SEED=%llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  const Bytes whole = rec::EncodeRecord(Sample());
  int rejected = 0;
  for (int i = 0; i < 2000; ++i) {
    Bytes b = whole;
    b[rng() % b.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
    if (!rec::DecodeRecord(b, 7)) ++rejected;
  }
  // Flips in the length and flag fields are always rejected.
  EXPECT_GT(rejected, 0);
}

TEST(JournalRecordTest, AdBindsIdAndFormat) {
  EXPECT_NE(rec::EntryAd(1), rec::EntryAd(2));
  EXPECT_NE(rec::EntryAd(1, 1), rec::EntryAd(1, 2));
  EXPECT_NE(rec::EntryAd(1), rec::CanaryAd());
  EXPECT_NE(rec::EntryAd(12), rec::EntryAd(1, 2));  // ".../12/v1" vs ".../1/v2"
}

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xc2\x80"));          // U+0080
  EXPECT_TRUE(IsValidUtf8("\xe0\xa0\x80"));      // U+0800
  EXPECT_TRUE(IsValidUtf8("\xed\x9f\xbf"));      // U+D7FF
  EXPECT_TRUE(IsValidUtf8("\xee\x80\x80"));      // U+E000
  EXPECT_TRUE(IsValidUtf8("\xf0\x90\x80\x80"));  // U+10000
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe2\x9c\x93"));
}

TEST(Utf8Test, RejectsMalformedText) {
  for (const char* bad : {
           "\x80",              // stray continuation
           "\xc0\x80",          // overlong NUL
           "\xc1\xbf",          // overlong
           "\xe0\x9f\xbf",      // overlong 3-byte
           "\xf0\x8f\xbf\xbf",  // overlong 4-byte
           "\xed\xa0\x80",      // U+D800 surrogate
           "\xed\xbf\xbf",      // U+DFFF surrogate
           "\xf4\x90\x80\x80",  // U+110000
           "\xf5\x80\x80\x80", "\xff", "\xfe",
           "\xc3",          // truncated
           "\xe2\x9c",      // truncated
           "\xf0\x90\x80",  // truncated
           "\xe2\x28\xa1",  // bad continuation
           "ok\xc3(",       // bad continuation after text
       }) {
    EXPECT_FALSE(IsValidUtf8(bad)) << ToHex(AsBytes(bad));
  }
}

// Reference encoder: every scalar value encodes to valid UTF-8, every
// surrogate encoding is rejected.
std::string Encode(char32_t c) {
  std::string s;
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xC0 | (c >> 6));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (c >> 18));
    s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
  return s;
}

TEST(Utf8Test, ExhaustiveOverCodePoints) {
  for (char32_t c = 0; c <= 0x10FFFF; ++c) {
    const bool surrogate = c >= 0xD800 && c <= 0xDFFF;
    ASSERT_EQ(IsValidUtf8(Encode(c)), !surrogate)
        << std::hex << static_cast<std::uint32_t>(c);
  }
}

// Every two-byte string is valid exactly when it is ASCII+ASCII or one
// two-byte sequence C2..DF 80..BF.
TEST(Utf8Test, ExhaustiveOverTwoByteStrings) {
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const char s[2] = {static_cast<char>(a), static_cast<char>(b)};
      const bool expect = (a < 0x80 && b < 0x80) ||
                          (a >= 0xC2 && a <= 0xDF && b >= 0x80 && b <= 0xBF);
      ASSERT_EQ(IsValidUtf8(std::string_view(s, 2)), expect) << a << " " << b;
    }
  }
}

}  // namespace
}  // namespace inch::store
