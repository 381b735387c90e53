// Importing the notice file of older homes (legacy_unpair_notice.hpp).
#include "cli/legacy_unpair_notice.hpp"

#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <optional>

#include "crypto/aead.hpp"

namespace inch::cli {
namespace {

constexpr std::string_view kAd = "inch pending unpair v1";
constexpr std::size_t kKeyBytes = 32, kSecretBytes = 32;

}  // namespace

Status ImportLegacyUnpairNotice(
    const std::string& path, std::span<const crypto::Secret* const> local_keys,
    store::SharedStore& store) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};  // none: the usual case
  const Bytes sealed((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
  in.close();
  std::optional<Bytes> plain;
  for (const crypto::Secret* key : local_keys) {
    if (auto opened = crypto::Open(*key, sealed, AsBytes(kAd))) {
      plain = std::move(*opened);
      break;
    }
  }
  if (!plain || plain->size() < kKeyBytes + kSecretBytes) {
    if (plain) crypto::Wipe(*plain);
    return Fail(Errc::kCorrupt,
                path +
                    " (an unpair notice still owed to your old partner) does "
                    "not open: delete it to give up telling the old partner, "
                    "then try again");
  }
  store::UnpairNotice notice;
  notice.partner_public_key.assign(plain->begin(), plain->begin() + kKeyBytes);
  notice.pair_secret =
      crypto::Secret::CopyOf(ByteView(*plain).subspan(kKeyBytes, kSecretBytes));
  notice.last_address.assign(plain->begin() + kKeyBytes + kSecretBytes,
                             plain->end());
  crypto::Wipe(*plain);
  if (auto st = store.pairing().ImportUnpairNotice(notice); !st) return st;
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Fail(Errc::kIo, "cannot delete " + path +
                               " (its notice is in shared.db now): delete it "
                               "by hand");
  }
  return {};
}

}  // namespace inch::cli
