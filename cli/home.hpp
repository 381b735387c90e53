// The node's home folder: where it is, what lives in it, and the file
// hygiene around it (folder 0700, files 0600, refuse anything looser,
// atomic replacement of small files).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace inch::cli {

// Paths of everything a node keeps. Other stores add their file here.
struct HomeFiles {
  std::string dir;             // absolute, lexically normalised
  std::string node_json;       // identity, KDF parameters, wrapped master key
  std::string journal_db;      // the private journal (never leaves the node)
  std::string shared_db;       // shared lists and notes
  std::string unpair_pending;  // a notice still owed to an old partner
};

// The home from `flag` (--home), else INCH_HOME, else $XDG_DATA_HOME/inch,
// else ~/.local/share/inch. kInvalidInput when none of these is usable.
Result<std::string> ResolveHomeDir(const std::string& flag);

HomeFiles FilesIn(const std::string& dir);

// Checks an existing node before any command uses it. kNotFound ("no inch
// node in DIR: run `inch init`"), kPermission when the folder or a file in
// it is open to others or owned by someone else (with the chmod to run).
Status CheckHome(const HomeFiles& files);

// Creates the home folder (0700) for `inch init`, parents as needed. An
// existing folder is accepted only if private; kExists if it holds a node.
Status CreateHome(const HomeFiles& files);

// Replaces `path` atomically with mode 0600: temp file in the same folder,
// fsync, rename, fsync of the folder. kIo on failure (old file intact).
Status WriteFileAtomic(const std::string& path, std::string_view data);

// Reads a whole file of at most `max_bytes`. kNotFound, kIo, kInvalidInput
// (too large).
Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes);

// Overwrites a regular file with zeros, syncs and unlinks it; best effort
// (used for temp files that held plaintext).
void ShredFile(const std::string& path);

}  // namespace inch::cli
