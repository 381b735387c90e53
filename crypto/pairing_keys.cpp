// The pairing key schedule (pairing_keys.hpp).
#include "crypto/pairing_keys.hpp"

#include <sodium.h>

#include <array>

#include "common/check.hpp"

namespace inch::crypto::pairing {
namespace {

constexpr std::string_view kPrefix = "inch/1 ";

struct Label {
  std::string_view text;
  bool with_keys;  // the static keys follow the transcript
};

// Indexed by Mac and Key (pairing_keys.hpp), in their order.
constexpr std::array<Label, 5> kMacLabels = {{
    {"confirm-listener", false},
    {"confirm-dialer", false},
    {"final-listener", true},
    {"final-dialer", true},
    {"pinned-listener", true},
}};
constexpr std::array<Label, 3> kKeyLabels = {{
    {"seal-dialer", false},
    {"seal-listener", false},
    {"pair secret", true},
}};

Label LabelOf(Mac which) {
  return kMacLabels.at(static_cast<std::size_t>(which));
}
Label LabelOf(Key which) {
  return kKeyLabels.at(static_cast<std::size_t>(which));
}

void Append(Bytes& out, ByteView part) {
  out.insert(out.end(), part.begin(), part.end());
}

}  // namespace

Keys::Keys(Secret isk, ByteView sid, ByteView ya, ByteView yb)
    : isk_(std::move(isk)) {
  INCH_CHECK(isk_.size() >= crypto_generichash_KEYBYTES_MIN &&
             isk_.size() <= crypto_generichash_KEYBYTES_MAX);
  Append(transcript_, sid);
  Append(transcript_, ya);
  Append(transcript_, yb);
}

void Keys::SetStaticKeys(ByteView pk_dialer, ByteView pk_listener) {
  static_keys_.clear();
  Append(static_keys_, pk_dialer);
  Append(static_keys_, pk_listener);
}

Bytes Keys::Compute(Mac which) const {
  auto label = LabelOf(which);
  Bytes out(kMacBytes);
  Hash(label.text, label.with_keys, out.data(), out.size());
  return out;
}

bool Keys::Verify(Mac which, ByteView got) const {
  Bytes want = Compute(which);
  return got.size() == want.size() &&
         crypto_verify_32(got.data(), want.data()) == 0;
}

Secret Keys::Derive(Key which) const {
  auto label = LabelOf(which);
  Secret out(kKeyBytes);
  Hash(label.text, label.with_keys, out.data(), out.size());
  return out;
}

void Keys::Hash(std::string_view label, bool with_keys, std::uint8_t* out,
                std::size_t out_len) const {
  INCH_CHECK(!with_keys || !static_keys_.empty());
  crypto_generichash_state st;
  crypto_generichash_init(&st, isk_.data(), isk_.size(), out_len);
  crypto_generichash_update(&st, AsBytes(kPrefix).data(), kPrefix.size());
  crypto_generichash_update(&st, AsBytes(label).data(), label.size());
  crypto_generichash_update(&st, transcript_.data(), transcript_.size());
  if (with_keys) {
    crypto_generichash_update(&st, static_keys_.data(), static_keys_.size());
  }
  crypto_generichash_final(&st, out, out_len);
}

}  // namespace inch::crypto::pairing
