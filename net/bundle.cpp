// Carried bundles (bundle.hpp). Reader state machine, for one file:
//   header (magic, version, sizes) -> key block opens under the pair's
//   bundle key -> body opens under the file key, unpads, parses -> not my
//   own direction -> stamp above the last one read -> ops continue from
//   what I hold -> applied in groups, then the stamp and the writer's
//   received_up_to are recorded.
// Every check before the apply changes nothing; the apply is the sync's.
#include "net/bundle.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <span>
#include <string>
#include <vector>

#include "crypto/bundle_key.hpp"
#include "net/sync_session.hpp"
#include "store/shared/op_codec.hpp"

namespace inch::net {
namespace {

constexpr std::size_t kPrefixBytes = 12;  // magic, version, reserved

void PutBe(Bytes& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i)
    out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
std::uint64_t GetBe(ByteView in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v = (v << 8) | in[at + static_cast<std::size_t>(i)];
  return v;
}

Bytes Header(std::size_t sealed_body) {
  Bytes h(kBundleMagic.begin(), kBundleMagic.end());
  PutBe(h, kBundleVersion, 2);
  PutBe(h, 0, 2);  // reserved
  PutBe(h, sealed_body, 4);
  return h;
}

std::unexpected<Error> NotABundle() {
  return Fail(Errc::kInvalidInput,
              "this file is not an inch bundle (choose the file that `inch "
              "bundle write` made on your partner's laptop)");
}
std::unexpected<Error> Truncated() {
  return Fail(Errc::kInvalidInput,
              "this bundle is cut short (it was not copied completely): copy "
              "it again from your partner's laptop, or ask for a new one");
}
std::unexpected<Error> Tampered() {
  return Fail(Errc::kCrypto,
              "this bundle has been changed since it was written (damaged or "
              "tampered with); nothing was read from it: ask your partner "
              "for a new one");
}

bool Lower(ByteView a, ByteView b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

std::uint64_t NowMs() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
}

Result<crypto::Secret> PairBundleKey(store::SyncPort& port,
                                     std::optional<store::PartnerInfo>* out) {
  auto partner = port.Partner();
  if (!partner) return std::unexpected(partner.error());
  if (!*partner) {
    return Fail(Errc::kNotFound,
                "this laptop is not paired: run `inch pair` first (bundles "
                "travel only between two paired laptops)");
  }
  auto secret = port.PairSecret();
  if (!secret) return std::unexpected(secret.error());
  *out = std::move(*partner);
  return crypto::BundleKey(*secret);
}

}  // namespace

std::size_t BundleBucket(std::size_t body_bytes) {
  std::size_t b = kMinBundleBucket;
  while (b <= body_bytes && b < kBundleBucketStep) b *= 2;
  if (b <= body_bytes)
    b = (body_bytes / kBundleBucketStep + 1) * kBundleBucketStep;
  return b > kMaxBundleBody ? 0 : b;
}

Result<Bytes> SealBundle(const crypto::Secret& bundle_key,
                         const proto::BundleBody& body) {
  std::string plain;
  if (!body.SerializeToString(&plain))
    return Fail(Errc::kInvalidInput, "bundle body does not serialize");
  const std::size_t bucket = BundleBucket(plain.size());
  if (bucket == 0) return Fail(Errc::kInvalidInput, "bundle too large");
  Bytes file = Header(crypto::kSealOverhead + bucket);
  // A fresh key per file: the key block opening tells "this pair" apart
  // from "another pair" before the body is tried.
  crypto::Secret file_key = crypto::Secret::Random(crypto::kKeyBytes);
  const Bytes key_block = crypto::Seal(bundle_key, file_key.view(),
                                       ByteView(file).first(kPrefixBytes));
  file.insert(file.end(), key_block.begin(), key_block.end());
  const Bytes sealed =
      crypto::SealPadded(file_key, AsBytes(plain), file, bucket);
  file.insert(file.end(), sealed.begin(), sealed.end());
  return file;
}

Result<proto::BundleBody> OpenBundle(const crypto::Secret& bundle_key,
                                     ByteView file) {
  // 1. The readable header: magic, version, sizes.
  const std::size_t magic = kBundleMagic.size();
  if (file.size() < magic ||
      !std::equal(kBundleMagic.begin(), kBundleMagic.end(), file.begin())) {
    return NotABundle();
  }
  if (file.size() < kBundleHeaderBytes) return Truncated();
  if (GetBe(file, magic, 2) != kBundleVersion) {
    return Fail(Errc::kTooNew,
                "this bundle was written by a newer inch (format " +
                    std::to_string(GetBe(file, magic, 2)) +
                    "): update inch on this laptop, then read it again");
  }
  if (GetBe(file, magic + 2, 2) != 0) return NotABundle();
  const std::size_t sealed_body =
      static_cast<std::size_t>(GetBe(file, magic + 4, 4));
  if (sealed_body < crypto::kSealOverhead + kMinBundleBucket ||
      sealed_body > crypto::kSealOverhead + kMaxBundleBody) {
    return Tampered();
  }
  const std::size_t whole =
      kBundleHeaderBytes + kBundleKeyBlockBytes + sealed_body;
  if (file.size() < whole) return Truncated();
  if (file.size() > whole) {
    return Fail(Errc::kInvalidInput,
                "this file has bytes after the end of its bundle (changed "
                "or joined to another file); nothing was read from it");
  }
  // 2. The key block: opens only under this pair's bundle key.
  auto file_key = crypto::Open(
      bundle_key, file.subspan(kBundleHeaderBytes, kBundleKeyBlockBytes),
      file.first(kPrefixBytes));
  if (!file_key || file_key->size() != crypto::kKeyBytes) {
    return Fail(Errc::kCrypto,
                "this bundle was made for another pair (not by your partner "
                "for this pairing, or before you paired again); nothing was "
                "read from it");
  }
  crypto::Secret key = crypto::Secret::CopyOf(*file_key);
  crypto::Wipe(*file_key);
  // 3. The body: sealed under the file key, bound to the header and the
  // key block, padded to the bucket its sealed length names.
  const std::size_t head = kBundleHeaderBytes + kBundleKeyBlockBytes;
  const std::size_t bucket = sealed_body - crypto::kSealOverhead;
  if (BundleBucket(bucket - 1) != bucket) return Tampered();
  auto plain =
      crypto::OpenPadded(key, file.subspan(head), file.first(head), bucket);
  if (!plain) return Tampered();
  proto::BundleBody body;
  if (!body.ParseFromArray(plain->data(), static_cast<int>(plain->size())))
    return Tampered();
  return body;
}

Result<BundleWritten> WriteBundle(store::SyncPort& port,
                                  ByteView my_public_key) {
  std::optional<store::PartnerInfo> partner;
  auto key = PairBundleKey(port, &partner);
  if (!key) return std::unexpected(key.error());
  auto has = port.GetCursor(store::Cursor::kPartnerHas);
  if (!has) return std::unexpected(has.error());
  auto received = port.ReceivedUpTo();
  if (!received) return std::unexpected(received.error());

  proto::BundleBody body;
  body.set_writer_low(Lower(my_public_key, partner->public_key));
  body.set_received_up_to(*received);
  BundleWritten out;
  std::uint64_t from = *has;
  std::size_t bytes = 0;
  for (;;) {
    auto batch = port.Outbox(from, kMaxBatchOps, kMaxBatchBytes);
    if (!batch && batch.error().code == Errc::kRollback) {
      return Fail(Errc::kRollback,
                  batch.error().message +
                      ". Sync once over the network (`inch sync`) so your "
                      "partner's laptop can give those changes back; then "
                      "write the bundle");
    }
    if (!batch) return std::unexpected(batch.error());
    if (batch->sealed_ops.empty()) break;
    if (out.ops == 0) out.first_seq = batch->first_seq;
    for (auto& op : batch->sealed_ops) {
      bytes += op.size();
      body.add_ops()->assign(op.begin(), op.end());
    }
    out.ops += batch->sealed_ops.size();
    out.last_seq = batch->last_seq;
    from = batch->last_seq;
    if (!batch->more) break;
    if (bytes >= kMaxBundleOpBytes) {
      out.more = true;
      break;
    }
  }
  body.set_first_seq(out.first_seq);
  auto last = port.GetCursor(store::Cursor::kBundleWritten);
  if (!last) return std::unexpected(last.error());
  out.stamp = std::max(NowMs(), *last + 1);
  body.set_stamp(out.stamp);
  auto file = SealBundle(*key, body);
  if (!file) return std::unexpected(file.error());
  // Taken before the file exists: a bundle never written only leaves a gap
  // in the stamps, and two bundles never share one.
  if (auto st = port.RaiseCursor(store::Cursor::kBundleWritten, out.stamp);
      !st) {
    return std::unexpected(st.error());
  }
  out.file = std::move(*file);
  return out;
}

Result<BundleRead> ReadBundle(store::SyncPort& port, ByteView my_public_key,
                              ByteView file) {
  std::optional<store::PartnerInfo> partner;
  auto key = PairBundleKey(port, &partner);
  if (!key) return std::unexpected(key.error());
  auto body = OpenBundle(*key, file);
  if (!body) return std::unexpected(body.error());
  BundleRead out;
  out.stamp = body->stamp();
  out.ops = static_cast<std::size_t>(body->ops_size());
  if (body->writer_low() == Lower(my_public_key, partner->public_key)) {
    return Fail(Errc::kInvalidInput,
                "this is your own bundle, written on this laptop: carry it to "
                "your partner's laptop and run `inch bundle read` there");
  }
  // Ops numbered without a gap from first_seq (a writer's invariant; the
  // body is authenticated, so a break means a broken writer).
  for (int i = 0; i < body->ops_size(); ++i) {
    auto seq = store::PeekWireSeq(AsBytes(body->ops(i)));
    if (!seq || *seq != body->first_seq() + static_cast<std::uint64_t>(i)) {
      return Fail(Errc::kProtocol,
                  "this bundle's changes are out of order; nothing was read "
                  "from it: ask your partner for a new one");
    }
  }
  auto last = port.GetCursor(store::Cursor::kBundleRead);
  if (!last) return std::unexpected(last.error());
  if (body->stamp() == *last) {
    out.outcome = BundleOutcome::kDuplicate;
    return out;
  }
  if (body->stamp() < *last) {
    out.outcome = BundleOutcome::kOld;
    return out;
  }
  auto received = port.ReceivedUpTo();
  if (!received) return std::unexpected(received.error());
  if (body->ops_size() > 0 && body->first_seq() > *received + 1) {
    return Fail(Errc::kInvalidInput,
                "this bundle starts after changes this laptop never received "
                "(a bundle in between was not read, or this laptop was "
                "restored from a backup); nothing was read from it: read the "
                "earlier bundle, or sync over the network");
  }
  // Apply in the session's shape: batches of at most kMaxBatchOps, up to
  // kMaxGroup of them per durable transaction.
  std::vector<ByteView> views;
  views.reserve(out.ops);
  for (const auto& op : body->ops()) views.push_back(AsBytes(op));
  const std::span<const ByteView> all(views);
  for (std::size_t at = 0; at < all.size();) {
    std::vector<std::span<const ByteView>> group;
    while (at < all.size() && group.size() < kMaxGroup) {
      const std::size_t n = std::min(kMaxBatchOps, all.size() - at);
      group.push_back(all.subspan(at, n));
      at += n;
    }
    auto applied = port.ApplyBatchesFromPartner(group);
    if (!applied) return std::unexpected(applied.error());
    for (const auto& one : *applied) {
      out.applied += one.applied;
      out.duplicates += one.duplicates;
      out.refused += one.refused.size();
      out.partner_unpaired = out.partner_unpaired || one.partner_unpaired;
    }
    if (out.partner_unpaired) break;
  }
  if (out.partner_unpaired) {
    if (auto st = port.ErasePartner(); !st) return std::unexpected(st.error());
    return out;
  }
  if (auto st =
          port.RaiseCursor(store::Cursor::kPartnerHas, body->received_up_to());
      !st) {
    return std::unexpected(st.error());
  }
  if (auto st = port.RaiseCursor(store::Cursor::kBundleRead, body->stamp());
      !st) {
    return std::unexpected(st.error());
  }
  return out;
}

}  // namespace inch::net
