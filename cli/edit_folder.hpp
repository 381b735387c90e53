// Where the editor's temporary file may live: only a fresh 0700 folder on a
// tmpfs or ramfs, so an entry's plaintext never reaches a disk, and only
// for as long as the editor runs. Also the sweep that wipes folders left
// by an inch that was killed outright (SIGKILL, power loss is moot: RAM).
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"

namespace inch::cli {

// Creates a fresh private folder in memory and returns its path. Tried in
// order:
//   1. $XDG_RUNTIME_DIR/inch/edit-<pid>-XXXXXX, when $XDG_RUNTIME_DIR is a
//      folder of this user with mode 0700 on a tmpfs or ramfs;
//   2. $INCH_SHM_DIR/inch-edit-<pid>-XXXXXX, where INCH_SHM_DIR defaults to
//      /dev/shm and must be a tmpfs or ramfs too (tests point it at a disk
//      folder to see the refusal; it can never widen where text goes).
// The new folder itself is checked (statfs, owner, mode 0700), so a
// symlink or bind mount cannot move it to a disk. kIo when none fits; the
// message says why, for the caller to turn into advice.
Result<std::string> MakeEditFolder();

// Overwrites every regular file under `dir` with zeros, unlinks it (and
// any links or subfolders the editor made), then removes `dir`. Best effort:
// it never fails, and it follows no symlink.
void ShredFolder(const std::string& dir);

// Shreds edit folders whose inch process is gone: edit-<pid>-* under
// $XDG_RUNTIME_DIR/inch and inch-edit-<pid>-* in the shm folder, of this
// user only, and any .edit-* folder an older inch left in `home_dir`.
void SweepStaleEditFolders(const std::string& home_dir);

// Writes `data` to a new file `path` (mode 0600, must not exist yet).
Status WriteNewPrivateFile(const std::string& path, std::string_view data);

}  // namespace inch::cli
