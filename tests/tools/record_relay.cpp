// A recording TCP relay for the demo and for tests: listens on 127.0.0.1
// (port 0 picks one, printed as "HOST:PORT" on stdout), forwards every
// connection to TARGET and appends every byte in both directions to RECORD,
// so a script can prove that no plaintext marker crossed the wire.
// Usage: inch_record_relay TARGET_HOST:PORT RECORD_FILE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

int ConnectTo(const std::string& host, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

struct Pipe {
  int a;               // accepted client side
  int b;               // target side
  bool a_eof = false;  // a finished sending: its half-close was passed on
  bool b_eof = false;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s TARGET_HOST:PORT RECORD_FILE\n", argv[0]);
    return 2;
  }
  std::string target = argv[1];
  auto colon = target.rfind(':');
  if (colon == std::string::npos) return 2;
  std::string host = target.substr(0, colon);
  int port = std::atoi(target.c_str() + colon + 1);
  FILE* record = std::fopen(argv[2], "ab");
  if (!record) return 1;

  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener, 16) != 0) {
    return 1;
  }
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::printf("127.0.0.1:%d\n", ntohs(addr.sin_port));
  std::fflush(stdout);

  std::vector<Pipe> pipes;
  for (;;) {
    std::vector<pollfd> fds{{listener, POLLIN, 0}};
    // A side that has half-closed is not polled again (-1 is ignored).
    for (const Pipe& p : pipes) {
      fds.push_back({p.a_eof ? -1 : p.a, POLLIN, 0});
      fds.push_back({p.b_eof ? -1 : p.b, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), -1) < 0) continue;
    if (fds[0].revents & POLLIN) {
      int client = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) {
        int upstream = ConnectTo(host, port);
        if (upstream < 0) {
          ::close(client);
        } else {
          pipes.push_back({client, upstream});
        }
      }
    }
    std::vector<Pipe> alive;
    for (std::size_t i = 0; i < pipes.size(); ++i) {
      bool open = true;
      for (int side = 0; side < 2 && open; ++side) {
        const pollfd& pfd = fds[1 + 2 * i + static_cast<std::size_t>(side)];
        if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR))) continue;
        char buf[65536];
        ssize_t n = ::read(pfd.fd, buf, sizeof buf);
        if (n < 0) {
          open = false;
          break;
        }
        if (n == 0) {
          // Half-close: pass the EOF on and keep the other direction open,
          // as a real network path would.
          bool& eof = side == 0 ? pipes[i].a_eof : pipes[i].b_eof;
          eof = true;
          ::shutdown(side == 0 ? pipes[i].b : pipes[i].a, SHUT_WR);
          if (pipes[i].a_eof && pipes[i].b_eof) open = false;
          continue;
        }
        std::fwrite(buf, 1, static_cast<std::size_t>(n), record);
        std::fflush(record);
        int to = side == 0 ? pipes[i].b : pipes[i].a;
        for (ssize_t off = 0; off < n;) {
          ssize_t w = ::write(to, buf + off, static_cast<std::size_t>(n - off));
          if (w <= 0) {
            open = false;
            break;
          }
          off += w;
        }
      }
      if (open) {
        alive.push_back(pipes[i]);
      } else {
        ::close(pipes[i].a);
        ::close(pipes[i].b);
      }
    }
    pipes = std::move(alive);
  }
}
