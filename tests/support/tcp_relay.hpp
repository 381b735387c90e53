// A man in the middle for network tests: a TCP relay on 127.0.0.1 that
// forwards to a target port and can record every byte, flip one byte,
// or cut the connection after some bytes. Runs on its own thread; the
// destructor stops it and closes every socket.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace inch::test {

class TcpRelay {
 public:
  enum class Mode {
    kPass,  // forward unchanged
    kFlip,  // XOR 0x01 into the byte at `offset` of the dialer->target stream
    kFlipReply,  // the same on the target->dialer stream
    kCut,  // close both sides once `offset` bytes (both directions) passed
  };
  TcpRelay(std::uint16_t target_port, Mode mode = Mode::kPass,
           std::size_t offset = 0);
  ~TcpRelay();
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Every byte relayed so far, both directions, in arrival order.
  std::string Recorded() const;
  // The dialer->target bytes of the first connection (for replays).
  std::string FirstClientStream() const;

 private:
  void Serve();
  void Pump(int client, int upstream);

  Mode mode_;
  std::size_t offset_;
  std::uint16_t target_port_;
  std::uint16_t port_ = 0;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::string recorded_;
  std::string first_client_;
  int connections_ = 0;
  std::thread thread_;
};

// A TCP socket connected to 127.0.0.1:port (the caller closes it), or -1.
int ConnectLoopback(std::uint16_t port);

// Connects to 127.0.0.1:port, writes `bytes`, reads until the peer closes
// or `seconds` pass; returns what was read.
std::string SendRaw(std::uint16_t port, const std::string& bytes,
                    int seconds = 10);

}  // namespace inch::test
