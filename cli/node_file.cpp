// node.json encoding and the identity seal; see node_file.hpp.
#include "cli/node_file.hpp"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "crypto/aead.hpp"
#include "crypto/kdf.hpp"

namespace inch::cli {
namespace {

constexpr std::string_view kIdentityAd = "inch identity v1";
constexpr std::string_view kRotationAd = "inch rotation master key v1 ";
constexpr std::size_t kMaxNodeFileBytes = 64 * 1024;

std::string Damaged(std::string_view why) {
  return "node.json is damaged (" + std::string(why) +
         "): restore it from a backup; inch has not changed it";
}

nlohmann::json KdfJson(const crypto::KdfParams& kdf) {
  return {{"alg", "argon2id13"},
          {"opslimit", kdf.opslimit},
          {"memlimit", kdf.memlimit},
          {"salt", ToHex(kdf.salt)}};
}

Result<Bytes> HexField(const nlohmann::json& v, std::string_view what,
                       std::size_t size) {
  auto b = FromHex(v.get<std::string>());
  if (!b || (size != 0 && b->size() != size)) {
    return Fail(Errc::kCorrupt,
                Damaged(std::string("bad ") + std::string(what)));
  }
  return *b;
}

Result<crypto::KdfParams> DecodeKdf(const nlohmann::json& kdf) {
  if (kdf.at("alg").get<std::string>() != "argon2id13") {
    return Fail(Errc::kCorrupt, Damaged("unknown key derivation"));
  }
  crypto::KdfParams out;
  out.alg = crypto_pwhash_ALG_ARGON2ID13;
  if (!kdf.at("opslimit").is_number_unsigned() ||
      !kdf.at("memlimit").is_number_unsigned()) {
    return Fail(Errc::kCorrupt, Damaged("bad key derivation limits"));
  }
  out.opslimit = kdf.at("opslimit").get<std::uint64_t>();
  out.memlimit = kdf.at("memlimit").get<std::size_t>();
  auto salt = HexField(kdf.at("salt"), "salt", crypto_pwhash_SALTBYTES);
  if (!salt) return std::unexpected(salt.error());
  out.salt = *salt;
  return out;
}

Result<NodeRotation> DecodeRotation(const nlohmann::json& j) {
  NodeRotation r;
  auto kdf = DecodeKdf(j.at("kdf"));
  if (!kdf) return std::unexpected(kdf.error());
  r.wrapped.kdf = std::move(*kdf);
  for (auto [field, name] :
       {std::pair{&r.wrapped.sealed_master, "sealed_master"},
        std::pair{&r.sealed_identity, "sealed_identity"},
        std::pair{&r.next_master, "next_master"},
        std::pair{&r.previous_master, "previous_master"}}) {
    auto b = HexField(j.at(name), std::string("rotation ") + name, 0);
    if (!b) return std::unexpected(b.error());
    *field = std::move(*b);
  }
  return r;
}

}  // namespace

std::string EncodeNodeFile(const NodeFile& node) {
  nlohmann::json j;
  j["format"] = node.rotation ? kRotatingNodeFileFormat : kNodeFileFormat;
  j["node_id"] = node.node_id;
  j["identity_public"] = ToHex(node.identity_public);
  j["kdf"] = KdfJson(node.wrapped.kdf);
  j["sealed_master"] = ToHex(node.wrapped.sealed_master);
  j["sealed_identity"] = ToHex(node.sealed_identity);
  if (node.rotation) {
    const NodeRotation& r = *node.rotation;
    j["rotation"] = {{"kdf", KdfJson(r.wrapped.kdf)},
                     {"sealed_master", ToHex(r.wrapped.sealed_master)},
                     {"sealed_identity", ToHex(r.sealed_identity)},
                     {"next_master", ToHex(r.next_master)},
                     {"previous_master", ToHex(r.previous_master)}};
  }
  return j.dump(2) + "\n";
}

Result<NodeFile> DecodeNodeFile(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Fail(Errc::kCorrupt, Damaged("not JSON"));
  // nlohmann throws on wrong types; keep that inside this function.
  try {
    NodeFile node;
    // Integers are checked as integers first: converting an out-of-range
    // JSON float to an integer is undefined behaviour.
    const auto& format = j.at("format");
    if (!format.is_number_integer() || format.get<std::int64_t>() < 0 ||
        format.get<std::int64_t>() > 1000000) {
      return Fail(Errc::kCorrupt, Damaged("bad format"));
    }
    node.format = format.get<int>();
    if (node.format > kRotatingNodeFileFormat) {
      return Fail(Errc::kTooNew,
                  "node.json was written by a newer inch: upgrade inch");
    }
    if (node.format < 1) return Fail(Errc::kCorrupt, Damaged("bad format"));
    auto hex = [](const nlohmann::json& v, std::string_view what,
                  std::size_t size) { return HexField(v, what, size); };
    node.node_id = j.at("node_id").get<std::string>();
    auto pub = hex(j.at("identity_public"), "identity_public",
                   crypto_box_PUBLICKEYBYTES);
    if (!pub) return std::unexpected(pub.error());
    node.identity_public = *pub;
    if (crypto::NodeId(node.identity_public) != node.node_id) {
      return Fail(Errc::kCorrupt, Damaged("node id does not match its key"));
    }
    auto kdf = DecodeKdf(j.at("kdf"));
    if (!kdf) return std::unexpected(kdf.error());
    node.wrapped.kdf = std::move(*kdf);
    auto master = hex(j.at("sealed_master"), "sealed_master", 0);
    if (!master) return std::unexpected(master.error());
    node.wrapped.sealed_master = *master;
    auto ident = hex(j.at("sealed_identity"), "sealed_identity", 0);
    if (!ident) return std::unexpected(ident.error());
    node.sealed_identity = *ident;
    // A rotation record exactly when the format says one is under way.
    if ((node.format == kRotatingNodeFileFormat) != j.contains("rotation")) {
      return Fail(Errc::kCorrupt, Damaged("bad rotation record"));
    }
    if (j.contains("rotation")) {
      auto rotation = DecodeRotation(j.at("rotation"));
      if (!rotation) return std::unexpected(rotation.error());
      node.rotation = std::move(*rotation);
    }
    return node;
  } catch (const nlohmann::json::exception&) {
    return Fail(Errc::kCorrupt, Damaged("missing or mistyped field"));
  }
}

Result<NodeFile> LoadNodeFile(const HomeFiles& files) {
  auto text = ReadFile(files.node_json, kMaxNodeFileBytes);
  if (!text) {
    if (text.error().code == Errc::kNotFound) {
      return Fail(Errc::kNotFound,
                  "no inch node in " + files.dir + ": run `inch init`");
    }
    if (text.error().code == Errc::kInvalidInput) {
      return Fail(Errc::kCorrupt, Damaged("too large"));
    }
    return std::unexpected(text.error());
  }
  return DecodeNodeFile(*text);
}

Status SaveNodeFile(const HomeFiles& files, const NodeFile& node) {
  return WriteFileAtomic(files.node_json, EncodeNodeFile(node));
}

Bytes SealIdentity(const crypto::Secret& master,
                   const crypto::Secret& identity_secret) {
  crypto::Secret key = crypto::DeriveSubkey(master, crypto::Subkey::kIdentity);
  return crypto::Seal(key, identity_secret.view(), AsBytes(kIdentityAd));
}

Bytes SealRotationKey(const crypto::Secret& sealing_master,
                      const crypto::Secret& master_to_seal,
                      std::string_view role) {
  crypto::Secret key =
      crypto::DeriveSubkey(sealing_master, crypto::Subkey::kRotation);
  const std::string ad = std::string(kRotationAd) + std::string(role);
  return crypto::Seal(key, master_to_seal.view(), AsBytes(ad));
}

Result<crypto::Secret> OpenRotationKey(const crypto::Secret& sealing_master,
                                       ByteView sealed, std::string_view role) {
  crypto::Secret key =
      crypto::DeriveSubkey(sealing_master, crypto::Subkey::kRotation);
  const std::string ad = std::string(kRotationAd) + std::string(role);
  auto opened = crypto::Open(key, sealed, AsBytes(ad));
  if (!opened || opened->size() != crypto::kKeyBytes) {
    if (opened) crypto::Wipe(*opened);
    return Fail(Errc::kWrongPassphrase, "this key does not open the rotation");
  }
  crypto::Secret out = crypto::Secret::CopyOf(*opened);
  crypto::Wipe(*opened);
  return out;
}

Result<crypto::Identity> OpenIdentity(const crypto::Secret& master,
                                      const NodeFile& node) {
  return OpenIdentity(master, node, node.sealed_identity);
}

Result<crypto::Identity> OpenIdentity(const crypto::Secret& master,
                                      const NodeFile& node,
                                      ByteView sealed_identity) {
  crypto::Secret key = crypto::DeriveSubkey(master, crypto::Subkey::kIdentity);
  auto opened = crypto::Open(key, sealed_identity, AsBytes(kIdentityAd));
  if (!opened) {
    return Fail(Errc::kWrongPassphrase, "this key does not open the node");
  }
  crypto::Secret secret = crypto::Secret::CopyOf(*opened);
  crypto::Wipe(*opened);
  auto identity = crypto::IdentityFromSecret(std::move(secret));
  if (!identity || identity->public_key != node.identity_public) {
    return Fail(Errc::kCorrupt,
                "node.json is damaged (identity key does not "
                "match): restore it from a backup");
  }
  return identity;
}

}  // namespace inch::cli
