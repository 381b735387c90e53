// The home's key lock; see key_lock.hpp. Open file description locks
// (F_OFD_*), not classic POSIX ones: a classic lock belongs to the process
// and goes when any descriptor of the file closes, so in `inch ui` one
// request's Context ending would drop the lock a pairing on another thread
// still relies on. These belong to the descriptor and go when it closes.
// The agent (a fork) closes the descriptors it inherits (agent.cpp).
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
  fl.l_pid = 0;  // F_OFD_* require it
  for (;;) {
    int rc = ::fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl);
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
