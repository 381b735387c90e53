// Master-key rotation; the states and their invariants are in
// key_rotation.hpp.
#include "cli/key_rotation.hpp"

#include <unistd.h>

#include <string>

#include "cli/legacy_unpair_notice.hpp"
#include "crypto/aead.hpp"
#include "crypto/kdf.hpp"
#include "crypto/passphrase.hpp"
#include "store/journal/journal.hpp"
#include "store/shared/shared_store.hpp"

namespace inch::cli {
namespace {

constexpr std::string_view kNext = "next";
constexpr std::string_view kPrevious = "previous";

crypto::Secret Sub(const crypto::Secret& master, crypto::Subkey id) {
  return crypto::DeriveSubkey(master, id);
}

bool Exists(const std::string& path) {
  return ::access(path.c_str(), F_OK) == 0;
}

Error InFile(const std::string& path, const Error& e) {
  return {e.code, path + ": " + e.message};
}

// Checks, reading only, that what the rotation will re-seal opens under
// `master`, so that a damaged store refuses the rotation before node.json
// changes.
Status CheckOpens(const HomeFiles& files, const NodeFile& node,
                  const crypto::Secret& master) {
  auto journal = store::Journal::Open(files.journal_db,
                                      Sub(master, crypto::Subkey::kJournal),
                                      /*create=*/false);
  if (!journal)
    return std::unexpected(InFile(files.journal_db, journal.error()));
  if (Exists(files.shared_db)) {
    auto shared = store::SharedStore::Open(
        files.shared_db, Sub(master, crypto::Subkey::kShared),
        node.identity_public, /*create=*/false);
    if (!shared)
      return std::unexpected(InFile(files.shared_db, shared.error()));
    Status st = [&]() -> Status {
      if (auto s = (*shared)->reader().CurrentState(); !s)
        return std::unexpected(s.error());
      auto partner = (*shared)->pairing().Partner();
      if (!partner) return std::unexpected(partner.error());
      if (*partner) {
        if (auto s = (*shared)->pairing().PairSecret(); !s)
          return std::unexpected(s.error());
      }
      return {};
    }();
    if (!st) return std::unexpected(InFile(files.shared_db, st.error()));
  }
  return {};
}

// journal.db: under the new key already, or rekeyed from the old one.
Status RekeyJournal(const HomeFiles& files, const RotationKeys& keys) {
  crypto::Secret new_key = Sub(keys.new_master, crypto::Subkey::kJournal);
  if (store::Journal::Open(files.journal_db,
                           crypto::Secret::CopyOf(new_key.view()),
                           /*create=*/false)) {
    return {};
  }
  auto journal = store::Journal::Open(
      files.journal_db, Sub(keys.old_master, crypto::Subkey::kJournal),
      /*create=*/false);
  if (!journal)
    return std::unexpected(InFile(files.journal_db, journal.error()));
  if (auto s = (*journal)->Rekey(new_key); !s) {
    return std::unexpected(InFile(files.journal_db, s.error()));
  }
  return {};
}

// shared.db (if the node has one yet): SharedStore::Rekey is idempotent.
Status RekeyShared(const HomeFiles& files, const NodeFile& node,
                   const RotationKeys& keys) {
  if (!Exists(files.shared_db)) return {};
  auto shared = store::SharedStore::Open(
      files.shared_db, Sub(keys.old_master, crypto::Subkey::kShared),
      node.identity_public, /*create=*/false);
  if (!shared) return std::unexpected(InFile(files.shared_db, shared.error()));
  if (auto s = (*shared)->Rekey(Sub(keys.new_master, crypto::Subkey::kShared));
      !s) {
    return std::unexpected(InFile(files.shared_db, s.error()));
  }
  // The store re-seals an owed unpair notice with the rest. A file left by
  // an older inch would no longer open after the rotation: it moves into
  // the store now, under whichever key it is sealed (an older inch's
  // rotation may have re-sealed it already).
  const crypto::Secret new_local = Sub(keys.new_master, crypto::Subkey::kLocal);
  const crypto::Secret old_local = Sub(keys.old_master, crypto::Subkey::kLocal);
  const crypto::Secret* local_keys[] = {&new_local, &old_local};
  return ImportLegacyUnpairNotice(files.unpair_pending, local_keys, **shared);
}

}  // namespace

Result<RotationKeys> BeginRotation(const HomeFiles& files, NodeFile& node,
                                   const crypto::Secret& old_master,
                                   const crypto::Secret& new_passphrase) {
  if (node.rotation) {
    return Fail(Errc::kInvalidInput, "a key rotation is already under way");
  }
  auto identity = OpenIdentity(old_master, node);
  if (!identity) return std::unexpected(identity.error());
  if (auto s = CheckOpens(files, node, old_master); !s) {
    return Fail(s.error().code, "cannot rotate the key: " + s.error().message +
                                    "; nothing was changed");
  }
  RotationKeys keys{crypto::Secret::CopyOf(old_master.view()),
                    crypto::Secret::Random(crypto::kKeyBytes)};
  auto wrapped = crypto::WrapMasterKey(new_passphrase, keys.new_master,
                                       crypto::DefaultKdfParams());
  if (!wrapped) return std::unexpected(wrapped.error());
  NodeFile rotating = node;
  rotating.rotation = NodeRotation{
      std::move(*wrapped), SealIdentity(keys.new_master, identity->secret_key),
      SealRotationKey(keys.old_master, keys.new_master, kNext),
      SealRotationKey(keys.new_master, keys.old_master, kPrevious)};
  // AT_REST(K) -> ROTATING(K, K'): from here on the rotation only goes
  // forward.
  if (auto s = SaveNodeFile(files, rotating); !s) {
    return Fail(s.error().code, "cannot rotate the key: " + s.error().message +
                                    "; nothing was changed");
  }
  node = std::move(rotating);
  return keys;
}

Status RotateMasterKey(const HomeFiles& files, NodeFile& node,
                       const crypto::Secret& old_master,
                       const crypto::Secret& new_passphrase) {
  auto keys = BeginRotation(files, node, old_master, new_passphrase);
  if (!keys) return std::unexpected(keys.error());
  if (auto s = FinishRotation(files, node, *keys); !s) {
    return Fail(s.error().code,
                "the key rotation stopped part way (" + s.error().message +
                    "). Nothing is lost: the next inch command that needs "
                    "the key finishes it, with either passphrase");
  }
  return {};
}

Result<RotationKeys> RotationKeysFromMaster(const crypto::Secret& master,
                                            const NodeFile& node) {
  if (!node.rotation) return Fail(Errc::kInvalidInput, "no rotation under way");
  if (auto next = OpenRotationKey(master, node.rotation->next_master, kNext)) {
    return RotationKeys{crypto::Secret::CopyOf(master.view()),
                        std::move(*next)};
  }
  if (auto previous =
          OpenRotationKey(master, node.rotation->previous_master, kPrevious)) {
    return RotationKeys{std::move(*previous),
                        crypto::Secret::CopyOf(master.view())};
  }
  return Fail(Errc::kWrongPassphrase, "wrong passphrase");
}

Result<RotationKeys> RotationKeysFromPassphrase(const crypto::Secret& pass,
                                                const NodeFile& node) {
  if (!node.rotation) return Fail(Errc::kInvalidInput, "no rotation under way");
  // The new passphrase first: it is the one the person means from now on.
  for (const crypto::WrappedKey* wrapped :
       {&node.rotation->wrapped, &node.wrapped}) {
    auto master = crypto::UnwrapMasterKey(pass, *wrapped);
    if (master) return RotationKeysFromMaster(*master, node);
    if (master.error().code != Errc::kWrongPassphrase) {
      return std::unexpected(master.error());
    }
  }
  return Fail(Errc::kWrongPassphrase, "wrong passphrase");
}

Status FinishRotation(const HomeFiles& files, NodeFile& node,
                      const RotationKeys& keys) {
  if (!node.rotation) return {};
  // The new identity seal must open before anything is re-sealed under
  // the new key: it proves the keys belong to this rotation.
  if (auto id =
          OpenIdentity(keys.new_master, node, node.rotation->sealed_identity);
      !id) {
    return std::unexpected(id.error());
  }
  if (auto s = RekeyJournal(files, keys); !s) return s;
  if (auto s = RekeyShared(files, node, keys); !s) return s;
  // ROTATING(K, K') -> AT_REST(K'): every store is under K' now.
  NodeFile at_rest = node;
  at_rest.wrapped = node.rotation->wrapped;
  at_rest.sealed_identity = node.rotation->sealed_identity;
  at_rest.rotation.reset();
  at_rest.format = kNodeFileFormat;
  if (auto s = SaveNodeFile(files, at_rest); !s) return s;
  node = std::move(at_rest);
  return {};
}

}  // namespace inch::cli
