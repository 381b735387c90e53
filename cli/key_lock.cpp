// The home's key lock; see key_lock.hpp. Only this file opens key.lock: a
// process that closed any other descriptor of it would drop its locks.
#include "cli/key_lock.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace inch::cli {
namespace {

int SetLock(int fd, short type, bool wait) {
  struct flock fl {};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 0;  // the whole file
  for (;;) {
    int rc = ::fcntl(fd, wait ? F_SETLKW : F_SETLK, &fl);
    if (rc == 0 || errno != EINTR) return rc;
  }
}

}  // namespace

Result<KeyLock> KeyLock::Shared(const std::string& home_dir) {
  const std::string path = home_dir + "/key.lock";
  int fd =
      ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return Fail(Errc::kIo, "cannot open " + path + ": " + std::strerror(errno));
  }
  if (SetLock(fd, F_RDLCK, /*wait=*/true) != 0) {
    std::string why = std::strerror(errno);
    ::close(fd);
    return Fail(Errc::kIo, "cannot lock " + path + ": " + why);
  }
  return KeyLock(fd);
}

Result<bool> KeyLock::TryExclusive() {
  if (SetLock(fd_, F_WRLCK, /*wait=*/false) == 0) return true;
  if (errno == EAGAIN || errno == EACCES) return false;
  return Fail(Errc::kIo,
              std::string("cannot lock key.lock: ") + std::strerror(errno));
}

Status KeyLock::Downgrade() {
  if (SetLock(fd_, F_RDLCK, /*wait=*/false) != 0) {
    return Fail(Errc::kIo,
                std::string("cannot unlock key.lock: ") + std::strerror(errno));
  }
  return {};
}

KeyLock::~KeyLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace inch::cli
