// See node_create.hpp.
#include "cli/node_create.hpp"

#include <unistd.h>

#include "cli/node_file.hpp"
#include "crypto/aead.hpp"
#include "crypto/identity.hpp"
#include "crypto/kdf.hpp"
#include "crypto/passphrase.hpp"
#include "store/journal/journal.hpp"
#include "store/shared/shared_store.hpp"

namespace inch::cli {

Result<std::string> CreateNode(const HomeFiles& files,
                               const crypto::Secret& passphrase) {
  if (auto ok = CreateHome(files); !ok) return std::unexpected(ok.error());

  crypto::Secret master = crypto::Secret::Random(crypto::kKeyBytes);
  auto wrapped =
      crypto::WrapMasterKey(passphrase, master, crypto::DefaultKdfParams());
  if (!wrapped) return std::unexpected(wrapped.error());
  crypto::Identity identity = crypto::GenerateIdentity();
  NodeFile node;
  node.identity_public = identity.public_key;
  node.node_id = crypto::NodeId(identity.public_key);
  node.wrapped = std::move(*wrapped);
  node.sealed_identity = SealIdentity(master, identity.secret_key);

  auto journal = store::Journal::Open(
      files.journal_db, crypto::DeriveSubkey(master, crypto::Subkey::kJournal),
      true);
  if (!journal) {
    return Fail(journal.error().code, "cannot create " + files.journal_db +
                                          ": " + journal.error().message);
  }
  journal->reset();
  auto shared = store::SharedStore::Open(
      files.shared_db, crypto::DeriveSubkey(master, crypto::Subkey::kShared),
      identity.public_key, true);
  if (!shared) {
    return Fail(shared.error().code, "cannot create " + files.shared_db + ": " +
                                         shared.error().message);
  }
  shared->reset();
  // node.json last: its presence is what makes a node, so a crash before
  // this line leaves no half-made node behind it.
  if (auto ok = SaveNodeFile(files, node); !ok) {
    for (const char* suffix : {"", "-wal", "-shm", "-checked"}) {
      ::unlink((files.journal_db + suffix).c_str());
      ::unlink((files.shared_db + suffix).c_str());
    }
    return std::unexpected(ok.error());
  }
  return node.node_id;
}

}  // namespace inch::cli
