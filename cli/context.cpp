// The shared command context; see context.hpp.
#include "cli/context.hpp"

#include <cstdlib>
#include <random>
#include <thread>

#include "cli/agent.hpp"
#include "cli/key_rotation.hpp"
#include "cli/passphrase_input.hpp"
#include "crypto/kdf.hpp"

namespace inch::cli {
namespace {

std::string PassphraseFileSetting(const GlobalOptions& options) {
  if (!options.passphrase_file.empty()) return options.passphrase_file;
  const char* env = std::getenv("INCH_PASSPHRASE_FILE");
  return env == nullptr ? "" : env;
}

Error StoreError(const Error& e, const std::string& path) {
  switch (e.code) {
    case Errc::kCorrupt:
      return {e.code, path + " failed its integrity check (" + e.message +
                          "): inch has not changed it; restore it from a "
                          "backup, or move it aside to start a new journal"};
    case Errc::kTooNew:
      return {e.code, path + " was written by a newer inch: upgrade inch"};
    case Errc::kNotFound:
      return {e.code, path + " is missing: restore it from a backup"};
    default:
      return {e.code, path + ": " + e.message};
  }
}

}  // namespace

const Output& Context::out() {
  if (!out_) out_.emplace(options.json);
  return *out_;
}

Result<HomeFiles> Context::HomePaths() {
  if (!home_) {
    auto dir = ResolveHomeDir(options.home);
    if (!dir) return std::unexpected(dir.error());
    home_ = FilesIn(*dir);
  }
  return *home_;
}

Result<HomeFiles> Context::Home() {
  auto files = HomePaths();
  if (!files) return files;
  if (auto ok = CheckHome(*files); !ok) return std::unexpected(ok.error());
  return files;
}

Result<const NodeFile*> Context::Node() {
  if (!node_) {
    auto files = Home();
    if (!files) return std::unexpected(files.error());
    if (!key_lock_) {
      auto lock = KeyLock::Shared(files->dir);
      if (!lock) return std::unexpected(lock.error());
      key_lock_.emplace(std::move(*lock));
    }
    auto node = LoadNodeFile(*files);
    if (!node) return std::unexpected(node.error());
    node_ = std::move(*node);
  }
  return &*node_;
}

Result<bool> Context::LockKeyExclusively() {
  if (auto node = Node(); !node) return std::unexpected(node.error());
  return key_lock_->TryExclusive();
}

void Context::NodeRewritten(NodeFile node) {
  journal_.reset();
  shared_.reset();
  master_.reset();
  node_ = std::move(node);
}

Status Context::LockForFinishing() {
  auto files = Home();
  if (!files) return std::unexpected(files.error());
  std::minstd_rand jitter(std::random_device{}());
  // Another process may have found the same interrupted rotation: each
  // tries, and one that fails lets go so the other can finish it.
  for (int attempt = 0; attempt < 40; ++attempt) {
    auto got = key_lock_->TryExclusive();
    if (!got) return std::unexpected(got.error());
    if (!*got) {
      key_lock_.reset();
      std::this_thread::sleep_for(
          std::chrono::milliseconds(50 + jitter() % 200));
      auto lock = KeyLock::Shared(files->dir);
      if (!lock) return std::unexpected(lock.error());
      key_lock_.emplace(std::move(*lock));
    }
    auto node = LoadNodeFile(*files);
    if (!node) return std::unexpected(node.error());
    node_ = std::move(*node);
    if (*got || !node_->rotation) return {};
  }
  return Fail(Errc::kExists,
              "a key rotation was interrupted, and another inch command is "
              "using this home (perhaps `inch serve`): stop it, then run "
              "this again to finish the rotation");
}

Result<crypto::Secret> Context::FinishInterruptedRotation(bool allow_prompt) {
  auto files = Home();
  if (!files) return std::unexpected(files.error());
  std::optional<RotationKeys> keys;
  bool agent_has_old_key = false;
  auto socket = AgentSocket(false);
  if (socket) {
    if (auto key = agent::FetchKey(*socket, allow_prompt)) {
      if (auto k = RotationKeysFromMaster(key->master, *node_)) {
        agent_has_old_key = key->master.Equals(k->old_master);
        keys = std::move(*k);
      }
    }
  }
  if (!keys) {
    if (!allow_prompt && PassphraseFileSetting(options).empty()) {
      return Fail(Errc::kLocked, "inch is locked");
    }
    auto pass = Passphrase("Passphrase for inch (the old or the new one): ");
    if (!pass) return std::unexpected(pass.error());
    auto k = RotationKeysFromPassphrase(*pass, *node_);
    if (!k) {
      if (k.error().code == Errc::kWrongPassphrase) {
        return Fail(Errc::kWrongPassphrase, "wrong passphrase");
      }
      return std::unexpected(k.error());
    }
    keys = std::move(*k);
  }
  if (auto s = LockForFinishing(); !s) return std::unexpected(s.error());
  if (node_->rotation) {
    if (auto s = FinishRotation(*files, *node_, *keys); !s) {
      return Fail(s.error().code,
                  "cannot finish the key rotation that was interrupted (" +
                      s.error().message +
                      "); nothing is lost: fix that, then run this again");
    }
    out().Hint(
        "Finished a key rotation that had been interrupted: from now on "
        "only the new passphrase opens this node.");
  }
  // An agent must not keep the key that no longer opens anything.
  if (agent_has_old_key) agent::Stop(*socket);
  if (auto s = key_lock_->Downgrade(); !s) return std::unexpected(s.error());
  // Finished here or by another process: the new key must open it now.
  if (auto id = OpenIdentity(keys->new_master, *node_); !id) {
    return std::unexpected(id.error());
  }
  master_ = std::move(keys->new_master);
  return crypto::Secret::CopyOf(master_->view());
}

Result<std::string> Context::AgentSocket(bool create_dir) {
  auto files = HomePaths();
  if (!files) return std::unexpected(files.error());
  return agent::SocketPath(files->dir, create_dir);
}

Result<crypto::Secret> Context::Passphrase(std::string_view prompt) {
  std::string file = PassphraseFileSetting(options);
  if (!file.empty()) return ReadPassphraseFile(file);
  if (StdinIsTerminal()) return PromptPassphrase(prompt);
  return Fail(Errc::kLocked,
              "inch is locked: run `inch unlock` or pass --passphrase-file");
}

Result<crypto::Secret> Context::MasterKey(bool allow_prompt) {
  if (master_) return crypto::Secret::CopyOf(master_->view());
  auto node = Node();
  if (!node) return std::unexpected(node.error());
  if ((*node)->rotation) return FinishInterruptedRotation(allow_prompt);
  if (auto socket = AgentSocket(false)) {
    if (auto key = agent::FetchKey(*socket, allow_prompt)) {
      // An agent left over from an earlier node in this folder holds the
      // wrong key; ignore it rather than trust it.
      if (OpenIdentity(key->master, **node)) {
        master_ = std::move(key->master);
        return crypto::Secret::CopyOf(master_->view());
      }
    }
  }
  if (!allow_prompt && PassphraseFileSetting(options).empty()) {
    return Fail(Errc::kLocked, "inch is locked");
  }
  auto pass = Passphrase("Passphrase for inch: ");
  if (!pass) return std::unexpected(pass.error());
  auto master = crypto::UnwrapMasterKey(*pass, (*node)->wrapped);
  if (!master) {
    if (master.error().code == Errc::kWrongPassphrase) {
      return Fail(Errc::kWrongPassphrase, "wrong passphrase");
    }
    return std::unexpected(master.error());
  }
  if (auto id = OpenIdentity(*master, **node); !id) {
    return std::unexpected(id.error());
  }
  master_ = std::move(*master);
  return crypto::Secret::CopyOf(master_->view());
}

Result<store::Journal*> Context::OpenJournal() {
  if (journal_) return journal_.get();
  auto files = Home();
  if (!files) return std::unexpected(files.error());
  auto master = MasterKey();
  if (!master) return std::unexpected(master.error());
  auto journal = store::Journal::Open(
      files->journal_db,
      crypto::DeriveSubkey(*master, crypto::Subkey::kJournal), false);
  if (!journal) {
    return std::unexpected(StoreError(journal.error(), files->journal_db));
  }
  journal_ = std::move(*journal);
  return journal_.get();
}

Result<store::SharedStore*> Context::OpenSharedStore() {
  if (shared_) return shared_.get();
  auto files = Home();
  if (!files) return std::unexpected(files.error());
  auto node = Node();
  if (!node) return std::unexpected(node.error());
  auto master = MasterKey();
  if (!master) return std::unexpected(master.error());
  auto shared = store::SharedStore::Open(
      files->shared_db, crypto::DeriveSubkey(*master, crypto::Subkey::kShared),
      (*node)->identity_public, true);
  if (!shared)
    return std::unexpected(StoreError(shared.error(), files->shared_db));
  shared_ = std::move(*shared);
  return shared_.get();
}

}  // namespace inch::cli
