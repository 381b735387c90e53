// Carried bundles (docs/proposed/bundle.md): the ops a partner lacks,
// sealed as on the wire, inside one file sealed again under the pair's
// bundle key and padded to a size bucket, for a USB stick or a shared
// folder when the two laptops are apart. Driven by the SyncPort alone,
// like a sync session: nothing here sees the journal or an op's content.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/aead.hpp"
#include "crypto/secret.hpp"
#include "proto/bundle.pb.h"
#include "store/shared/sync_port.hpp"

namespace inch::net {

// The file: header (16) | key block (73) | sealed body. Only the header is
// readable: magic, version, a reserved zero and the sealed body's length.
inline constexpr std::string_view kBundleMagic = "INCHBNDL";
inline constexpr std::uint16_t kBundleVersion = 1;
inline constexpr std::size_t kBundleHeaderBytes = 16;
inline constexpr std::size_t kBundleKeyBlockBytes =
    crypto::kSealOverhead + crypto::kKeyBytes;
// Padding buckets of the body: 4 KiB doubling to 1 MiB, then whole MiB.
inline constexpr std::size_t kMinBundleBucket = 4096;
inline constexpr std::size_t kBundleBucketStep = 1u << 20;
// Largest padded body a reader accepts, and the sealed ops a writer puts
// in one bundle (more than a pairing's quota lets the partner store).
inline constexpr std::size_t kMaxBundleBody = 64u << 20;
inline constexpr std::size_t kMaxBundleOpBytes = 48u << 20;
inline constexpr std::size_t kMaxBundleFile =
    kBundleHeaderBytes + kBundleKeyBlockBytes + crypto::kSealOverhead +
    kMaxBundleBody;

// The padded size of a body of `body_bytes`: the smallest bucket above it
// (at least one byte of padding). 0 when it exceeds kMaxBundleBody.
std::size_t BundleBucket(std::size_t body_bytes);

// ---- The codec: no store, no pairing state. ----
// Seals `body` under `bundle_key` (crypto::BundleKey of the pair secret)
// into a whole file. kInvalidInput if the body is too large.
Result<Bytes> SealBundle(const crypto::Secret& bundle_key,
                         const proto::BundleBody& body);
// Opens a file. Each failure has its own plain-words message:
// kInvalidInput "not an inch bundle" / "cut short" / "has bytes after its
// end"; kTooNew for a later format; kCrypto "made for another pair" (the
// key block does not open) / "has been changed" (the body does not).
Result<proto::BundleBody> OpenBundle(const crypto::Secret& bundle_key,
                                     ByteView file);

// ---- Drivers of the sync port. ----
struct BundleWritten {
  Bytes file;
  std::size_t ops = 0;  // sealed ops inside
  std::uint64_t first_seq = 0, last_seq = 0;
  bool more = false;  // more ops remain: write another after it
  std::uint64_t stamp = 0;
};
// Every op the partner lacks as far as the port knows (Cursor::kPartnerHas),
// up to kMaxBundleOpBytes, plus what this node holds of the partner's. Takes
// a new stamp (durably, before returning). kNotFound when unpaired;
// kRollback (in plain words) when the partner holds more than this node
// remembers releasing; store errors as they come.
Result<BundleWritten> WriteBundle(store::SyncPort& port,
                                  ByteView my_public_key);

enum class BundleOutcome {
  kApplied,    // read (possibly with nothing new in it)
  kDuplicate,  // this very bundle was read before: nothing changed
  kOld,        // older than one read before: nothing changed
};
struct BundleRead {
  BundleOutcome outcome = BundleOutcome::kApplied;
  std::size_t ops = 0, applied = 0, duplicates = 0, refused = 0;
  bool partner_unpaired = false;  // an old-style Unpair op: erased here
  std::uint64_t stamp = 0;
};
// Opens `file` with this pair's bundle key and applies its ops through
// ApplyBatchesFromPartner (idempotent; refused ops as in a sync), then
// records the writer's stamp and what the writer holds of mine. Errors, each
// with nothing changed: OpenBundle's; kNotFound when unpaired;
// kInvalidInput for this node's own bundle, or one that starts after ops
// this node never received; store errors as they come (a failed group of
// batches is rolled back, earlier ones stay: reading again completes it).
Result<BundleRead> ReadBundle(store::SyncPort& port, ByteView my_public_key,
                              ByteView file);

}  // namespace inch::net
