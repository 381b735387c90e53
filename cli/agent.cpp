// The unlock agent and its client; see agent.hpp.
//
// Wire protocol (one request per connection, both ends same uid):
//   'K'  -> 'k' | idle ms left (u64 LE) | master key (32)   resets the timer
//   'P'  -> 'k' | ... as 'K' but leaves the timer alone (a look, not a use)
//   'S'  -> 's' | idle ms left (u64 LE)
//   'Q'  -> 'q' after the key is wiped and the socket unlinked
// Agent states: LISTENING --request--> LISTENING (K resets the deadline)
//               LISTENING --Q / SIGTERM / SIGINT / SIGHUP / deadline--> GONE
// Invariant: in GONE the key is wiped before the process exits, and the
// socket path is unlinked only if it is still the one this agent bound.
#include "cli/agent.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "crypto/aead.hpp"
#include "crypto/digest.hpp"

namespace inch::cli::agent {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kIoTimeoutMs = 5000;
constexpr std::size_t kKeyReply = 1 + 8 + crypto::kKeyBytes;

volatile sig_atomic_t g_stop = 0;
extern "C" void OnStopSignal(int) { g_stop = 1; }

bool WaitFor(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  for (;;) {
    int r = ::poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    return r > 0;
  }
}

bool SendAll(int fd, const std::uint8_t* data, std::size_t len) {
  while (len > 0) {
    if (!WaitFor(fd, POLLOUT, kIoTimeoutMs)) return false;
    ssize_t n = ::send(fd, data, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

bool RecvAll(int fd, std::uint8_t* data, std::size_t len, int timeout_ms) {
  while (len > 0) {
    if (!WaitFor(fd, POLLIN, timeout_ms)) return false;
    ssize_t n = ::recv(fd, data, len, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

bool PeerIsUs(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    return false;
  }
  return cred.uid == ::getuid();
}

bool FillAddress(const std::string& path, sockaddr_un& addr) {
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return true;
}

// Connects to a live agent run by our own uid; -1 if there is none.
int Connect(const std::string& path) {
  sockaddr_un addr;
  if (!FillAddress(path, addr)) return -1;
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      !PeerIsUs(fd)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void PutU64(std::uint8_t* out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

std::uint64_t GetU64(const std::uint8_t* in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(in[i]) << (8 * i);
  return v;
}

std::uint64_t MsLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<std::uint64_t>(left.count()) : 0;
}

void Detach() {
  ::setsid();
  int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd >= 0) {
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(null_fd, STDOUT_FILENO);
    ::dup2(null_fd, STDERR_FILENO);
    if (null_fd > STDERR_FILENO) ::close(null_fd);
  }
  [[maybe_unused]] int rc = ::chdir("/");
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;  // no SA_RESTART: poll() returns EINTR
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGHUP, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

// The agent process body; never returns.
[[noreturn]] void Serve(int listen_fd, const std::string& path, ino_t inode,
                        crypto::Secret key, milliseconds idle) {
  Clock::time_point deadline = Clock::now() + idle;
  int quit_fd = -1;
  while (!g_stop && quit_fd < 0) {
    std::uint64_t left = MsLeft(deadline);
    if (left == 0) break;
    pollfd p{listen_fd, POLLIN, 0};
    int r =
        ::poll(&p, 1, static_cast<int>(std::min<std::uint64_t>(left, INT_MAX)));
    if (r <= 0) continue;  // timeout re-checks the deadline; EINTR the flag
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::uint8_t op = 0;
    if (!PeerIsUs(fd) || !RecvAll(fd, &op, 1, 1000)) {
      ::close(fd);
      continue;
    }
    if (op == 'K' || op == 'P') {
      if (op == 'K') deadline = Clock::now() + idle;
      std::uint8_t reply[kKeyReply];
      reply[0] = 'k';
      PutU64(reply + 1, MsLeft(deadline));
      std::memcpy(reply + 9, key.data(), key.size());
      SendAll(fd, reply, sizeof reply);
      sodium_memzero(reply, sizeof reply);
    } else if (op == 'S') {
      std::uint8_t reply[9];
      reply[0] = 's';
      PutU64(reply + 1, MsLeft(deadline));
      SendAll(fd, reply, sizeof reply);
    } else if (op == 'Q') {
      quit_fd = fd;
      continue;
    }
    ::close(fd);
  }
  key = crypto::Secret();  // wipes
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && st.st_ino == inode) {
    ::unlink(path.c_str());
  }
  ::close(listen_fd);
  if (quit_fd >= 0) {
    const std::uint8_t done = 'q';
    SendAll(quit_fd, &done, 1);
    ::close(quit_fd);
  }
  ::_exit(0);
}

Status CheckRuntimeDir(const std::string& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return {};  // created later if needed
  if (!S_ISDIR(st.st_mode) || st.st_uid != ::getuid() ||
      (st.st_mode & 077) != 0) {
    return Fail(Errc::kPermission,
                dir +
                    " is not a private folder of yours: remove it, or set "
                    "XDG_RUNTIME_DIR");
  }
  return {};
}

}  // namespace

Result<std::string> SocketPath(const std::string& home_dir, bool create_dir) {
  const char* xdg = std::getenv("XDG_RUNTIME_DIR");
  std::string dir = (xdg != nullptr && xdg[0] == '/')
                        ? std::string(xdg) + "/inch"
                        : "/tmp/inch-" + std::to_string(::getuid());
  if (create_dir && ::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Fail(Errc::kIo,
                "cannot create " + dir + ": " + std::strerror(errno));
  }
  if (auto ok = CheckRuntimeDir(dir); !ok) return std::unexpected(ok.error());
  std::string real = home_dir;
  if (char* r = ::realpath(home_dir.c_str(), nullptr)) {
    real = r;
    std::free(r);
  }
  std::string path =
      dir + "/agent-" + ToHex(crypto::NameDigest(AsBytes(real), 8)) + ".sock";
  sockaddr_un addr;
  if (!FillAddress(path, addr)) {
    return Fail(Errc::kInvalidInput,
                "the agent socket path " + path +
                    " is too long: set XDG_RUNTIME_DIR to a shorter folder");
  }
  return path;
}

std::optional<AgentKey> FetchKey(const std::string& socket_path, bool touch) {
  int fd = Connect(socket_path);
  if (fd < 0) return std::nullopt;
  const std::uint8_t op = touch ? 'K' : 'P';
  crypto::Secret reply(kKeyReply);
  bool ok = SendAll(fd, &op, 1) &&
            RecvAll(fd, reply.data(), reply.size(), kIoTimeoutMs) &&
            reply.data()[0] == 'k';
  ::close(fd);
  if (!ok) return std::nullopt;
  AgentKey out;
  out.left = milliseconds(GetU64(reply.data() + 1));
  out.master =
      crypto::Secret::CopyOf(ByteView(reply.data() + 9, crypto::kKeyBytes));
  return out;
}

std::optional<milliseconds> TimeLeft(const std::string& socket_path) {
  int fd = Connect(socket_path);
  if (fd < 0) return std::nullopt;
  const std::uint8_t op = 'S';
  std::uint8_t reply[9];
  bool ok = SendAll(fd, &op, 1) &&
            RecvAll(fd, reply, sizeof reply, kIoTimeoutMs) && reply[0] == 's';
  ::close(fd);
  if (!ok) return std::nullopt;
  return milliseconds(GetU64(reply + 1));
}

bool Stop(const std::string& socket_path) {
  int fd = Connect(socket_path);
  if (fd < 0) return false;
  const std::uint8_t op = 'Q';
  std::uint8_t reply = 0;
  bool ok = SendAll(fd, &op, 1) && RecvAll(fd, &reply, 1, kIoTimeoutMs) &&
            reply == 'q';
  ::close(fd);
  return ok;
}

Status Start(const std::string& socket_path, crypto::Secret master,
             milliseconds idle) {
  if (int fd = Connect(socket_path); fd >= 0) {
    ::close(fd);
    return Fail(Errc::kExists, "an agent is already running for this home");
  }
  sockaddr_un addr;
  if (!FillAddress(socket_path, addr)) {
    return Fail(Errc::kInvalidInput, "agent socket path too long");
  }
  ::unlink(socket_path.c_str());  // a stale socket from a killed agent
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return Fail(Errc::kIo, std::string("socket: ") + std::strerror(errno));
  // The umask makes the socket 0600 from the moment it exists.
  mode_t old_mask = ::umask(0177);
  int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old_mask);
  struct stat st {};
  if (rc != 0 || ::lstat(socket_path.c_str(), &st) != 0 ||
      ::listen(fd, 16) != 0) {
    std::string why = std::strerror(errno);
    ::close(fd);
    return Fail(Errc::kIo, "cannot listen on " + socket_path + ": " + why);
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    std::string why = std::strerror(errno);
    ::close(fd);
    ::unlink(socket_path.c_str());
    return Fail(Errc::kIo, "cannot start the agent: " + why);
  }
  if (pid == 0) {
    Detach();
    // A fork without exec inherits every descriptor: the agent of an
    // unlock from `inch ui` would keep its listener and connections open
    // (and the port busy) for as long as it lives. It needs only its own.
    if (fd > STDERR_FILENO + 1) ::close_range(STDERR_FILENO + 1, fd - 1, 0);
    ::close_range(static_cast<unsigned>(fd) + 1, ~0U, 0);
    // mlock is not inherited across fork: move the key into fresh guarded
    // memory of this process and drop the inherited copy.
    crypto::Secret key = crypto::Secret::CopyOf(master.view());
    master = crypto::Secret();
    Serve(fd, socket_path, st.st_ino, std::move(key), idle);
  }
  ::close(fd);
  return {};
}

Result<milliseconds> ParseDuration(std::string_view text) {
  auto bad = [&] {
    return Fail(Errc::kInvalidInput,
                "cannot read the duration '" + std::string(text) +
                    "': use e.g. 30s, 15m, 2h or 1h30m (at most 24h)");
  };
  if (text.empty()) return bad();
  std::uint64_t total_ms = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::uint64_t n = 0;
    std::size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + static_cast<std::uint64_t>(text[i] - '0');
      if (++digits > 6) return bad();
      ++i;
    }
    if (digits == 0 || i == text.size()) return bad();
    char unit = text[i++];
    std::uint64_t scale = unit == 's'   ? 1000
                          : unit == 'm' ? 60000
                          : unit == 'h' ? 3600000
                                        : 0;
    if (scale == 0) return bad();
    total_ms += n * scale;
  }
  if (total_ms == 0 ||
      total_ms > static_cast<std::uint64_t>(milliseconds(kMaxIdle).count())) {
    return bad();
  }
  return milliseconds(static_cast<std::int64_t>(total_ms));
}

std::string FormatDuration(milliseconds d) {
  std::int64_t s = (d.count() + 999) / 1000;
  std::int64_t h = s / 3600, m = (s % 3600) / 60;
  s %= 60;
  if (h > 0 && m == 0) return std::to_string(h) + "h";
  if (h > 0) return std::to_string(h) + "h " + std::to_string(m) + "m";
  if (m > 0 && s == 0) return std::to_string(m) + "m";
  if (m > 0) return std::to_string(m) + "m " + std::to_string(s) + "s";
  return std::to_string(s) + "s";
}

}  // namespace inch::cli::agent
