// Home folder resolution, permission checks and atomic file writes; see
// home.hpp. Everything here uses plain POSIX calls so errors carry errno.
#include "cli/home.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

namespace inch::cli {
namespace {

std::string ErrnoText() { return std::strerror(errno); }

std::string NoNode(const std::string& dir) {
  return "no inch node in " + dir + ": run `inch init`";
}

Status CheckPrivateDir(const std::string& dir, const struct stat& st) {
  if (!S_ISDIR(st.st_mode)) {
    return Fail(Errc::kInvalidInput, dir + " is not a folder");
  }
  if (st.st_uid != getuid()) {
    return Fail(Errc::kPermission, dir + " belongs to another user");
  }
  if ((st.st_mode & 077) != 0) {
    return Fail(Errc::kPermission, dir +
                                       " is open to other users: run `chmod "
                                       "700 " +
                                       dir + "`");
  }
  return {};
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Fail(Errc::kIo, "write failed: " + ErrnoText());
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Fail(Errc::kIo, "cannot open " + dir + ": " + ErrnoText());
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0)
    return Fail(Errc::kIo, "cannot sync " + dir + ": " + ErrnoText());
  return {};
}

}  // namespace

Result<std::string> ResolveHomeDir(const std::string& flag) {
  std::string dir = flag;
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v == nullptr ? "" : v;
  };
  if (dir.empty()) dir = env("INCH_HOME");
  if (dir.empty()) {
    std::string xdg = env("XDG_DATA_HOME");
    // The XDG spec says to ignore relative values.
    if (!xdg.empty() && xdg[0] == '/') dir = xdg + "/inch";
  }
  if (dir.empty()) {
    std::string home = env("HOME");
    if (home.empty()) {
      return Fail(Errc::kInvalidInput,
                  "cannot find a home for inch: pass --home DIR or set "
                  "INCH_HOME");
    }
    dir = home + "/.local/share/inch";
  }
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(dir, ec);
  if (ec) return Fail(Errc::kInvalidInput, "bad home path " + dir);
  std::string out = abs.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

HomeFiles FilesIn(const std::string& dir) {
  return HomeFiles{dir, dir + "/node.json", dir + "/journal.db",
                   dir + "/shared.db", dir + "/unpair-pending.bin"};
}

Status CheckHome(const HomeFiles& files) {
  struct stat st {};
  if (::stat(files.dir.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return Fail(Errc::kNotFound, NoNode(files.dir));
    }
    return Fail(Errc::kIo, "cannot read " + files.dir + ": " + ErrnoText());
  }
  if (auto ok = CheckPrivateDir(files.dir, st); !ok) return ok;
  if (::access(files.node_json.c_str(), F_OK) != 0) {
    return Fail(Errc::kNotFound, NoNode(files.dir));
  }
  // Every file of the node (stores, their -wal/-shm, node.json) must be
  // private too: a loose one means someone or something widened it.
  DIR* d = ::opendir(files.dir.c_str());
  if (d == nullptr) {
    return Fail(Errc::kIo, "cannot list " + files.dir + ": " + ErrnoText());
  }
  Status result;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string path = files.dir + "/" + name;
    struct stat fst {};
    if (::lstat(path.c_str(), &fst) != 0 || !S_ISREG(fst.st_mode)) continue;
    if (fst.st_uid != getuid()) {
      result = Fail(Errc::kPermission, path + " belongs to another user");
      break;
    }
    if ((fst.st_mode & 077) != 0) {
      result = Fail(Errc::kPermission, path +
                                           " is open to other users: run "
                                           "`chmod 600 " +
                                           path + "`");
      break;
    }
  }
  ::closedir(d);
  return result;
}

Status CreateHome(const HomeFiles& files) {
  std::filesystem::path parent = std::filesystem::path(files.dir).parent_path();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    return Fail(Errc::kIo,
                "cannot create " + parent.string() + ": " + ec.message());
  }
  if (::mkdir(files.dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Fail(Errc::kIo, "cannot create " + files.dir + ": " + ErrnoText());
  }
  struct stat st {};
  if (::stat(files.dir.c_str(), &st) != 0) {
    return Fail(Errc::kIo, "cannot read " + files.dir + ": " + ErrnoText());
  }
  if (auto ok = CheckPrivateDir(files.dir, st); !ok) return ok;
  if (::access(files.node_json.c_str(), F_OK) == 0) {
    return Fail(Errc::kExists, "there is already an inch node in " + files.dir +
                                   "; nothing was changed");
  }
  return {};
}

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  std::filesystem::path p(path);
  std::string dir = p.parent_path().string();
  std::string tmpl = dir + "/." + p.filename().string() + ".tmp-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkostemp(name.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0) {
    return Fail(Errc::kIo,
                "cannot create a file in " + dir + ": " + ErrnoText());
  }
  std::string tmp(name.data());
  Status st = WriteAll(fd, data);
  if (st && ::fchmod(fd, 0600) != 0) st = Fail(Errc::kIo, ErrnoText());
  if (st && ::fsync(fd) != 0) {
    st = Fail(Errc::kIo, "cannot sync " + tmp + ": " + ErrnoText());
  }
  ::close(fd);
  if (st && ::rename(tmp.c_str(), path.c_str()) != 0) {
    st = Fail(Errc::kIo, "cannot replace " + path + ": " + ErrnoText());
  }
  if (!st) {
    ::unlink(tmp.c_str());
    return st;
  }
  return SyncDir(dir);
}

Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Fail(Errc::kNotFound, "no file " + path);
    return Fail(Errc::kIo, "cannot read " + path + ": " + ErrnoText());
  }
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return Fail(Errc::kIo, "cannot read " + path + ": " + ErrnoText());
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_bytes) {
      ::close(fd);
      return Fail(Errc::kInvalidInput, path + " is too large");
    }
  }
  ::close(fd);
  return out;
}

void ShredFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd >= 0) {
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
      std::string zeros(4096, '\0');
      off_t left = st.st_size;
      while (left > 0) {
        std::size_t n = static_cast<std::size_t>(
            std::min<off_t>(left, static_cast<off_t>(zeros.size())));
        if (!WriteAll(fd, std::string_view(zeros.data(), n))) break;
        left -= static_cast<off_t>(n);
      }
      ::fsync(fd);
    }
    ::close(fd);
  }
  ::unlink(path.c_str());
}

}  // namespace inch::cli
