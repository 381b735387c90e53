// Private in-memory folders for the editor's file; see edit_folder.hpp.
#include "cli/edit_folder.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "cli/home.hpp"

namespace inch::cli {
namespace {

constexpr std::string_view kXdgPrefix = "edit-";
constexpr std::string_view kShmPrefix = "inch-edit-";
constexpr std::string_view kLegacyPrefix = ".edit-";

bool InMemory(const std::string& path) {
  struct statfs fs {};
  if (::statfs(path.c_str(), &fs) != 0) return false;
  return fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC;
}

// A real folder (not a symlink) of this user, closed to everyone else.
bool PrivateFolder(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
         st.st_uid == ::getuid() && (st.st_mode & 0777) == 0700;
}

std::string ShmBase() {
  const char* shm = std::getenv("INCH_SHM_DIR");
  return shm != nullptr && shm[0] == '/' ? std::string(shm) : "/dev/shm";
}

// mkdtemp (mode 0700) of base/prefix<pid>-XXXXXX, kept only if the new
// folder is private and in memory.
Result<std::string> FreshFolderIn(const std::string& base,
                                  std::string_view prefix) {
  std::string tmpl =
      base + "/" + std::string(prefix) + std::to_string(::getpid()) + "-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  if (::mkdtemp(name.data()) == nullptr) {
    return Fail(Errc::kIo, "cannot create a folder in " + base + " (" +
                               std::strerror(errno) + ")");
  }
  std::string dir = name.data();
  if (!PrivateFolder(dir) || !InMemory(dir)) {
    ::rmdir(dir.c_str());
    return Fail(Errc::kIo,
                "a folder made in " + base + " is not private and in memory");
  }
  return dir;
}

Result<std::string> FromRuntimeDir() {
  const char* xdg = std::getenv("XDG_RUNTIME_DIR");
  if (xdg == nullptr || xdg[0] != '/') {
    return Fail(Errc::kIo, "XDG_RUNTIME_DIR is not set");
  }
  std::string root = xdg;
  if (!PrivateFolder(root)) {
    return Fail(Errc::kIo, "XDG_RUNTIME_DIR (" + root +
                               ") is not a folder of yours with mode 0700");
  }
  if (!InMemory(root)) {
    return Fail(Errc::kIo,
                "XDG_RUNTIME_DIR (" + root + ") is on a disk, not on a tmpfs");
  }
  std::string base = root + "/inch";  // shared with the unlock agent
  ::mkdir(base.c_str(), 0700);
  if (!PrivateFolder(base)) {
    return Fail(Errc::kIo, base + " is not a folder of yours with mode 0700");
  }
  return FreshFolderIn(base, kXdgPrefix);
}

Result<std::string> FromShm() {
  std::string base = ShmBase();
  if (!InMemory(base)) {
    return Fail(Errc::kIo, base + " is missing or not a tmpfs");
  }
  return FreshFolderIn(base, kShmPrefix);
}

// The pid in "<prefix><pid>-...", or 0.
pid_t PidIn(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix)) return 0;
  name.remove_prefix(prefix.size());
  pid_t pid = 0;
  std::size_t i = 0;
  for (; i < name.size() && name[i] >= '0' && name[i] <= '9' && i < 9; ++i) {
    pid = pid * 10 + (name[i] - '0');
  }
  return i < name.size() && name[i] == '-' ? pid : 0;
}

bool ProcessGone(pid_t pid) {
  return pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH;
}

std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
  }
  return names;
}

// Shreds base/<name> for each name with `prefix` whose process is gone
// (`any_pid`: whatever its name says) and that is a private folder of ours.
void SweepIn(const std::string& base, std::string_view prefix, bool any_pid) {
  for (const auto& n : Names(base)) {
    if (!n.starts_with(prefix)) continue;
    if (!any_pid && !ProcessGone(PidIn(n, prefix))) continue;
    std::string dir = base + "/" + n;
    struct stat st {};
    if (::lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
        st.st_uid == ::getuid()) {
      ShredFolder(dir);
    }
  }
}

}  // namespace

Result<std::string> MakeEditFolder() {
  auto xdg = FromRuntimeDir();
  if (xdg) return xdg;
  auto shm = FromShm();
  if (shm) return shm;
  return Fail(Errc::kIo, xdg.error().message + ", and " + shm.error().message);
}

void ShredFolder(const std::string& dir) {
  for (const auto& n : Names(dir)) {
    std::string path = dir + "/" + n;
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      ShredFolder(path);
    } else {
      ShredFile(path);  // O_NOFOLLOW: a symlink is only unlinked
    }
  }
  ::rmdir(dir.c_str());
}

void SweepStaleEditFolders(const std::string& home_dir) {
  if (const char* xdg = std::getenv("XDG_RUNTIME_DIR");
      xdg != nullptr && xdg[0] == '/') {
    std::string base = std::string(xdg) + "/inch";
    if (PrivateFolder(base)) SweepIn(base, kXdgPrefix, false);
  }
  std::string shm = ShmBase();
  if (InMemory(shm)) SweepIn(shm, kShmPrefix, false);
  // Older versions made .edit-XXXXXX in the home when XDG_RUNTIME_DIR was
  // unset, and left it behind when killed: on a disk, in the clear.
  SweepIn(home_dir, kLegacyPrefix, true);
}

Status WriteNewPrivateFile(const std::string& path, std::string_view data) {
  int fd = ::open(path.c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Fail(Errc::kIo,
                "cannot create " + path + ": " + std::strerror(errno));
  }
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      return Fail(Errc::kIo,
                  "cannot write " + path + ": " + std::strerror(err));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  ::close(fd);
  return {};
}

}  // namespace inch::cli
