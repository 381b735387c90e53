// Passphrase input from a file or a no-echo terminal prompt; see
// passphrase_input.hpp. Bytes go straight into guarded memory.
#include "cli/passphrase_input.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>

namespace inch::cli {
namespace {

constexpr std::size_t kMaxPassphrase = 1024;

// Reads bytes from `fd` into `buf` until a newline, EOF or `buf` is full.
// Returns the length read (newline excluded) or -1 on error; sets
// `too_long` when the line did not fit.
long ReadLine(int fd, crypto::Secret& buf, bool& too_long) {
  std::size_t n = 0;
  too_long = false;
  for (;;) {
    char c;
    ssize_t r = ::read(fd, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0 || c == '\n') break;
    if (n == buf.size()) {
      too_long = true;
      continue;  // drain the rest of the line
    }
    buf.data()[n++] = static_cast<std::uint8_t>(c);
  }
  if (n > 0 && buf.data()[n - 1] == '\r') --n;
  return static_cast<long>(n);
}

termios g_saved_termios;

extern "C" void RestoreTerminalAndExit(int sig) {
  ::tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_termios);
  [[maybe_unused]] ssize_t r = ::write(STDERR_FILENO, "\n", 1);
  ::_exit(128 + sig);
}

Result<crypto::Secret> Finish(crypto::Secret& buf, long n, bool too_long,
                              std::string_view where) {
  if (n < 0)
    return Fail(Errc::kIo,
                "cannot read the passphrase from " + std::string(where));
  if (too_long) {
    return Fail(Errc::kInvalidInput, "the passphrase is longer than 1 KiB");
  }
  if (n == 0) return Fail(Errc::kInvalidInput, "the passphrase is empty");
  return crypto::Secret::CopyOf(
      ByteView(buf.data(), static_cast<std::size_t>(n)));
}

}  // namespace

Result<crypto::Secret> ReadPassphraseFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return Fail(Errc::kNotFound, "no passphrase file " + path);
    }
    return Fail(Errc::kIo, "cannot read the passphrase file " + path + ": " +
                               std::strerror(errno));
  }
  crypto::Secret buf(kMaxPassphrase);
  bool too_long = false;
  long n = ReadLine(fd, buf, too_long);
  ::close(fd);
  return Finish(buf, n, too_long, path);
}

bool StdinIsTerminal() { return ::isatty(STDIN_FILENO) == 1; }

Result<crypto::Secret> PromptPassphrase(std::string_view prompt) {
  if (::tcgetattr(STDIN_FILENO, &g_saved_termios) != 0) {
    return Fail(Errc::kIo, "cannot read the terminal");
  }
  termios quiet = g_saved_termios;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ECHONL;
  struct sigaction sa {
  }, old_int{}, old_term{};
  sa.sa_handler = RestoreTerminalAndExit;
  ::sigaction(SIGINT, &sa, &old_int);
  ::sigaction(SIGTERM, &sa, &old_term);
  std::cerr << prompt << std::flush;
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  crypto::Secret buf(kMaxPassphrase);
  bool too_long = false;
  long n = ReadLine(STDIN_FILENO, buf, too_long);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_termios);
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  return Finish(buf, n, too_long, "the terminal");
}

}  // namespace inch::cli
