// Who may hold the master key while it changes. Every command that reads
// node.json holds a shared lock on <home>/key.lock for as long as it runs;
// `inch passphrase --rotate-key` needs it exclusive, so no other process
// (a daemon, a sync, a command waiting at a prompt) keeps using, or writes
// under, a key that is being replaced. fcntl open file description locks: each
// KeyLock's own (two in one process, as in `inch ui`, are independent); the
// kernel drops one when its descriptor closes, however the process ends, and
// the unlock agent (a fork) closes the descriptor it inherits.
#pragma once

#include <string>

#include "common/error.hpp"

namespace inch::cli {

class KeyLock {
 public:
  // Takes the shared lock, waiting while a rotation holds it exclusively.
  // Creates the lock file (0600, empty) if needed. kIo on failure.
  static Result<KeyLock> Shared(const std::string& home_dir);

  // Upgrades to exclusive without waiting: false while another process
  // holds the lock. kIo on other failures.
  Result<bool> TryExclusive();
  // Back to shared (atomic: nobody can take it exclusively in between).
  Status Downgrade();

  KeyLock(KeyLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  KeyLock& operator=(KeyLock&&) = delete;
  KeyLock(const KeyLock&) = delete;
  KeyLock& operator=(const KeyLock&) = delete;
  ~KeyLock();

 private:
  explicit KeyLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace inch::cli
