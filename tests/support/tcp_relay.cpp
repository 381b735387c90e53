// TcpRelay (tcp_relay.hpp): one thread, poll() over the listening socket
// and the two sides of the current connection (connections are served one
// after another, which is all the tests need).
#include "tests/support/tcp_relay.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace inch::test {
int ConnectLoopback(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

TcpRelay::TcpRelay(std::uint16_t target_port, Mode mode, std::size_t offset)
    : mode_(mode), offset_(offset), target_port_(target_port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(listen_fd_, 8);
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

TcpRelay::~TcpRelay() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

std::string TcpRelay::Recorded() const {
  std::lock_guard lock(mu_);
  return recorded_;
}

std::string TcpRelay::FirstClientStream() const {
  std::lock_guard lock(mu_);
  return first_client_;
}

void TcpRelay::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    int upstream = ConnectLoopback(target_port_);
    if (upstream < 0) {
      ::close(client);
      continue;
    }
    Pump(client, upstream);
    ::close(client);
    ::close(upstream);
    ++connections_;
  }
}

void TcpRelay::Pump(int client, int upstream) {
  std::size_t forward = 0, backward = 0;
  bool client_open = true, upstream_open = true;
  while (!stop_ && (client_open || upstream_open)) {
    pollfd fds[2] = {{client_open ? client : -1, POLLIN, 0},
                     {upstream_open ? upstream : -1, POLLIN, 0}};
    int r = ::poll(fds, 2, 50);
    if (r < 0 && errno != EINTR) return;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      int from = i == 0 ? client : upstream;
      int to = i == 0 ? upstream : client;
      char buf[65536];
      ssize_t n = ::read(from, buf, sizeof buf);
      if (n <= 0) {
        ::shutdown(to, SHUT_WR);  // pass the half-close on
        (i == 0 ? client_open : upstream_open) = false;
        continue;
      }
      std::size_t& count = i == 0 ? forward : backward;
      Mode flip_mode = i == 0 ? Mode::kFlip : Mode::kFlipReply;
      if (mode_ == flip_mode && offset_ >= count &&
          offset_ < count + static_cast<std::size_t>(n)) {
        buf[offset_ - count] ^= 0x01;
      }
      std::size_t len = static_cast<std::size_t>(n);
      if (mode_ == Mode::kCut && forward + backward + len >= offset_) {
        len = offset_ > forward + backward ? offset_ - forward - backward : 0;
      }
      {
        std::lock_guard lock(mu_);
        recorded_.append(buf, len);
        if (i == 0 && connections_ == 0) first_client_.append(buf, len);
      }
      std::size_t done = 0;
      while (done < len) {
        ssize_t w = ::write(to, buf + done, len - done);
        if (w <= 0) break;
        done += static_cast<std::size_t>(w);
      }
      count += static_cast<std::size_t>(n);
      if (mode_ == Mode::kCut && forward + backward >= offset_) return;
    }
  }
}

std::string SendRaw(std::uint16_t port, const std::string& bytes, int seconds) {
  int fd = ConnectLoopback(port);
  if (fd < 0) return "";
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w <= 0) break;
    done += static_cast<std::size_t>(w);
  }
  std::string got;
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return got;
}

}  // namespace inch::test
