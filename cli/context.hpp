// What every command shares: the global options, the output helper, the
// home and its node file, the master key (agent, passphrase file, or a
// terminal prompt) and lazily opened stores. Command groups receive one
// Context and add accessors for their own stores next to OpenJournal().
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/home.hpp"
#include "cli/key_lock.hpp"
#include "cli/node_file.hpp"
#include "cli/output.hpp"
#include "common/error.hpp"
#include "crypto/secret.hpp"
#include "store/journal/journal.hpp"
#include "store/shared/shared_store.hpp"

namespace inch::cli {

struct GlobalOptions {
  std::string home;             // --home (else INCH_HOME, XDG_DATA_HOME, ~)
  std::string passphrase_file;  // --passphrase-file (else INCH_PASSPHRASE_FILE)
  bool json = false;            // --json
};

// What `inch status` prints: each command group may add a section.
struct StatusReport {
  nlohmann::json json = nlohmann::json::object();
  std::vector<std::pair<std::string, std::string>> lines;  // label, value
};

class Context;
using StatusSection = std::function<void(Context&, StatusReport&)>;
using Action = std::function<Status()>;

class Context {
 public:
  GlobalOptions options;

  // Valid once options are parsed (Output reads `options.json`).
  const Output& out();

  // The home's paths, resolved but not checked (for init, lock).
  // kInvalidInput when no home can be found.
  Result<HomeFiles> HomePaths();
  // The home of an existing node, checked (kNotFound "run `inch init`",
  // kPermission with the chmod to run).
  Result<HomeFiles> Home();
  // node.json of the checked home (kCorrupt, kTooNew as LoadNodeFile).
  // Reading it first takes the home's key lock (shared, for the rest of
  // the process; see key_lock.hpp), waiting while a key rotation runs.
  Result<const NodeFile*> Node();
  // The key lock exclusively, without waiting, for a key rotation: false
  // while another process of this home holds it. Call Node() first.
  Result<bool> LockKeyExclusively();
  // After a rotation rewrote node.json: forget the old key and stores.
  void NodeRewritten(NodeFile node);
  // The agent's socket for this home (see agent::SocketPath).
  Result<std::string> AgentSocket(bool create_dir);

  // The master key: from the agent if one runs, else the passphrase file
  // (--passphrase-file / INCH_PASSPHRASE_FILE), else, if `allow_prompt` and
  // stdin is a terminal, a prompt. Without `allow_prompt` (a read-only look
  // such as status) the agent's idle timer is not reset either. kLocked
  // ("inch is locked: ...") when none is available, kWrongPassphrase.
  // Cached for this process. A key rotation found interrupted is finished
  // first (either passphrase works; see key_rotation.hpp).
  Result<crypto::Secret> MasterKey(bool allow_prompt = true);
  // The passphrase itself from the file/env or a prompt (never the agent);
  // kLocked when neither is possible.
  Result<crypto::Secret> Passphrase(std::string_view prompt);
  // Drops the cached key (before handing it to the agent's process).
  void ForgetKey() { master_.reset(); }

  // The private journal, opened on first use with the journal subkey.
  // kLocked/kWrongPassphrase, kCorrupt, kTooNew (messages say what to do).
  Result<store::Journal*> OpenJournal();
  // The shared lists and notes (shared.db), opened on first use with the
  // shared subkey; created if missing. Same errors as OpenJournal.
  Result<store::SharedStore*> OpenSharedStore();

  // The command to run after parsing; set by the chosen subcommand.
  void SetAction(Action action) { action_ = std::move(action); }
  const Action& action() const { return action_; }

  // Sections that `inch status` prints, in registration order.
  void AddStatusSection(StatusSection section) {
    status_sections_.push_back(std::move(section));
  }
  const std::vector<StatusSection>& status_sections() const {
    return status_sections_;
  }

 private:
  Result<crypto::Secret> FinishInterruptedRotation(bool allow_prompt);
  // Exclusive key lock for finishing a rotation, taking turns with other
  // processes that found it too; reloads node_ once it is held.
  Status LockForFinishing();

  std::optional<Output> out_;
  std::optional<KeyLock> key_lock_;
  std::optional<HomeFiles> home_;
  std::optional<NodeFile> node_;
  std::optional<crypto::Secret> master_;
  std::unique_ptr<store::Journal> journal_;
  std::unique_ptr<store::SharedStore> shared_;
  Action action_;
  std::vector<StatusSection> status_sections_;
};

}  // namespace inch::cli
