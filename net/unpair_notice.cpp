// The pending unpair notice file (unpair_notice.hpp). Layout of the
// plaintext: partner key (32) | pair secret (32) | address (rest), sealed
// with AD "inch pending unpair v1".
#include "net/unpair_notice.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "crypto/aead.hpp"

namespace inch::net {
namespace {

constexpr std::string_view kAd = "inch pending unpair v1";

}  // namespace

Status SavePendingUnpair(const std::string& path, const crypto::Secret& key,
                         const PendingUnpair& pending) {
  Bytes plain = pending.partner_public_key;
  plain.insert(plain.end(), pending.pair_secret.view().begin(),
               pending.pair_secret.view().end());
  plain.insert(plain.end(), pending.last_address.begin(),
               pending.last_address.end());
  Bytes sealed = crypto::Seal(key, plain, AsBytes(kAd));
  crypto::Wipe(plain);
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(Errc::kIo, "cannot write " + tmp);
  bool ok = ::write(fd, sealed.data(), sealed.size()) ==
                static_cast<ssize_t>(sealed.size()) &&
            ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Fail(Errc::kIo, "cannot write " + path);
  }
  return {};
}

Result<std::optional<PendingUnpair>> LoadPendingUnpair(
    const std::string& path, const crypto::Secret& key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::optional<PendingUnpair>{};
  Bytes sealed((std::istreambuf_iterator<char>(in)),
               std::istreambuf_iterator<char>());
  auto plain = crypto::Open(key, sealed, AsBytes(kAd));
  if (!plain || plain->size() < 64) {
    return Fail(Errc::kCorrupt, path +
                                    " does not open; delete it to give up "
                                    "telling the old partner");
  }
  PendingUnpair pending;
  pending.partner_public_key.assign(plain->begin(), plain->begin() + 32);
  pending.pair_secret =
      crypto::Secret::CopyOf(ByteView(*plain).subspan(32, 32));
  pending.last_address.assign(plain->begin() + 64, plain->end());
  crypto::Wipe(*plain);
  return std::optional<PendingUnpair>(std::move(pending));
}

Status ClearPendingUnpair(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Fail(Errc::kIo, "cannot delete " + path);
  }
  return {};
}

}  // namespace inch::net
