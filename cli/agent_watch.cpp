// The agent watch (agent_watch.hpp): callback-driven, so that one handler
// per source is pending at a time and each holds the shared state.
#include "cli/agent_watch.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cstring>

namespace inch::cli {

namespace asio = boost::asio;

struct AgentWatch::Impl : std::enable_shared_from_this<AgentWatch::Impl> {
  Impl(asio::io_context& io, int fd) : inotify(io, fd), timer(io) {}

  asio::posix::stream_descriptor inotify;
  asio::steady_timer timer;
  std::string name;  // the socket's file name inside the watched folder
  std::chrono::milliseconds tick{0};
  Callback on_change;
  bool closed = false;

  void WaitForEvents() {
    inotify.async_wait(
        asio::posix::stream_descriptor::wait_read,
        [self = shared_from_this()](boost::system::error_code ec) {
          if (ec || self->closed) return;
          if (self->DrainNamesSocket()) {
            self->on_change(Why::kSocketEvent);
          }
          if (!self->closed) self->WaitForEvents();
        });
  }

  void WaitForTick() {
    timer.expires_after(tick);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->closed) return;
      self->on_change(Why::kTick);
      if (!self->closed) self->WaitForTick();
    });
  }

  // Reads every queued event; true if one names the socket or events were
  // lost (then anything may have happened to it).
  bool DrainNamesSocket() {
    alignas(inotify_event) char buf[4096];
    bool hit = false;
    for (;;) {
      ssize_t n = ::read(inotify.native_handle(), buf, sizeof buf);
      if (n <= 0) break;
      for (ssize_t off = 0;
           off + static_cast<ssize_t>(sizeof(inotify_event)) <= n;) {
        inotify_event ev;
        std::memcpy(&ev, buf + off, sizeof ev);
        const char* ev_name = buf + off + sizeof ev;
        if ((ev.mask & (IN_Q_OVERFLOW | IN_IGNORED)) != 0 ||
            (ev.len > 0 &&
             name == std::string_view(ev_name, ::strnlen(ev_name, ev.len)))) {
          hit = true;
        }
        off += static_cast<ssize_t>(sizeof ev + ev.len);
      }
    }
    return hit;
  }
};

Result<AgentWatch> AgentWatch::Start(asio::io_context& io,
                                     const std::string& socket_path,
                                     std::chrono::milliseconds tick,
                                     Callback on_change) {
  auto slash = socket_path.rfind('/');
  std::string dir =
      slash == std::string::npos ? "." : socket_path.substr(0, slash);
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0 || ::inotify_add_watch(fd, dir.c_str(),
                                    IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                                        IN_MOVED_TO | IN_ATTRIB) < 0) {
    std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return Fail(Errc::kIo, "cannot watch " + dir + " for `inch lock`: " + why);
  }
  auto impl = std::make_shared<Impl>(io, fd);
  impl->name = socket_path.substr(slash == std::string::npos ? 0 : slash + 1);
  impl->tick = tick;
  impl->on_change = std::move(on_change);
  impl->WaitForEvents();
  impl->WaitForTick();
  return AgentWatch(std::move(impl));
}

void AgentWatch::Close() {
  if (!impl_ || impl_->closed) return;
  impl_->closed = true;
  boost::system::error_code ec;
  impl_->timer.cancel();
  impl_->inotify.close(ec);
}

}  // namespace inch::cli
