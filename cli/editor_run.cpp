// The editor child and the signals around it; see editor_run.hpp.
//
// Design: blocked signals and a synchronous wait, no signal handler.
//
//   held     EditorSignals blocks INT, TERM, HUP, QUIT and CHLD before the
//            plaintext file exists. Sent to inch, they stay pending: none can
//            end inch between writing the file and wiping it (only SIGKILL
//            can, see below). inch runs commands on one thread, so the
//            thread's mask is the process's.
//   child    fork; the child restores the old mask (the editor gets the
//            terminal's ^C and the rest as usual, being in inch's foreground
//            process group), asks for SIGHUP when inch dies
//            (PR_SET_PDEATHSIG), and runs `exec $EDITOR "$1"` through
//            /bin/sh. `exec` makes the editor the very process inch signals.
//   waiting  sigtimedwait on the held set:
//              CHLD            reap with waitpid(WNOHANG); done when it ended.
//              INT/TERM/HUP/QUIT
//                              note the first (the edit is then cancelled,
//                              whatever the editor does) and pass it on. TERM,
//                              HUP and QUIT also start a 3 s grace, then the
//                              editor gets SIGKILL. INT never escalates: an
//                              editor that lives on after ^C (ed does) is the
//                              person's to close.
//   after    the caller reads the file (unless cancelled), shreds the folder,
//            then Drain()s what is still pending and only then restores the
//            mask. A signal arriving after that finds nothing left to wipe.
//
// Why not a handler: it would have to unlink from signal context, with the
// path in a global, and every blocking call in inch would see EINTR. The
// blocked set keeps the whole cleanup in ordinary code.
//
// SIGKILL of inch cannot be caught. The editor then gets SIGHUP (pdeathsig)
// and the folder stays, in RAM only; the next editor run sweeps folders
// whose pid is gone (edit_folder.hpp).
#include "cli/editor_run.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <optional>

namespace inch::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kGrace{3};
constexpr int kStopping[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

timespec ToTimespec(Clock::duration d) {
  if (d < Clock::duration::zero()) d = Clock::duration::zero();
  auto s = std::chrono::duration_cast<std::chrono::seconds>(d);
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d - s);
  return {static_cast<time_t>(s.count()), static_cast<long>(ns.count())};
}

// Consumes one held signal within `timeout`; 0 when none came.
int TakeSignal(const sigset_t& set, Clock::duration timeout) {
  timespec ts = ToTimespec(timeout);
  for (;;) {
    int sig = ::sigtimedwait(&set, nullptr, &ts);
    if (sig >= 0) return sig;
    if (errno != EINTR) return 0;  // EAGAIN: timed out
  }
}

std::string Failed(const std::string& editor, int status) {
  std::string out = "the editor (" + editor + ") ";
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    return out +
           "could not be started, so nothing was saved: set EDITOR to your "
           "editor, for example `export EDITOR=nano`";
  }
  return out +
         (WIFEXITED(status)
              ? "exited with status " + std::to_string(WEXITSTATUS(status))
              : "was stopped by " + SignalName(WTERMSIG(status))) +
         ", so nothing was saved";
}

}  // namespace

EditorSignals::EditorSignals() {
  sigemptyset(&held_);
  for (int sig : kStopping) sigaddset(&held_, sig);
  sigaddset(&held_, SIGCHLD);
  ::pthread_sigmask(SIG_BLOCK, &held_, &old_);
}

EditorSignals::~EditorSignals() {
  ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

void EditorSignals::Drain() {
  while (int sig = TakeSignal(held_, Clock::duration::zero())) {
    if (sig != SIGCHLD) Note(sig);
  }
}

std::string SignalName(int sig) {
  switch (sig) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    case SIGQUIT:
      return "SIGQUIT";
    case SIGKILL:
      return "SIGKILL";
    default:
      return "signal " + std::to_string(sig);
  }
}

Status RunEditor(const std::string& editor, const std::string& path,
                 EditorSignals& signals) {
  auto cancelled = [&signals] {
    return Fail(Errc::kInvalidInput,
                "stopped by " + SignalName(signals.caught()) +
                    " while the editor was open: nothing was saved, and the "
                    "editor's temporary file is wiped");
  };
  signals.Drain();  // a signal before the editor starts: do not start it
  if (signals.caught() != 0) return cancelled();

  // Built before fork: the child only makes async-signal-safe calls.
  std::string cmd = "exec " + editor + " \"$1\"";
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return Fail(Errc::kIo, "cannot start the editor (fork failed)");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGHUP);
    if (::getppid() != parent) ::_exit(126);  // inch died meanwhile
    ::pthread_sigmask(SIG_SETMASK, &signals.old_mask(), nullptr);
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), "inch-editor", path.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }

  std::optional<Clock::time_point> kill_at;
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) {
      return Fail(Errc::kIo, "lost track of the editor; nothing was saved");
    }
    // SIGCHLD cannot be missed (it is held), but a bounded wait costs
    // nothing and also times the grace.
    Clock::duration wait = std::chrono::seconds(1);
    if (kill_at) wait = std::min(wait, *kill_at - Clock::now());
    int sig = TakeSignal(signals.held(), wait);
    if (sig != 0 && sig != SIGCHLD) {
      signals.Note(sig);
      ::kill(pid, sig);
      if (sig != SIGINT && !kill_at) kill_at = Clock::now() + kGrace;
    }
    if (kill_at && Clock::now() >= *kill_at) {
      ::kill(pid, SIGKILL);
      kill_at = Clock::time_point::max();  // once
    }
  }
  if (signals.caught() != 0) return cancelled();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Fail(Errc::kInvalidInput, Failed(editor, status));
  }
  return {};
}

}  // namespace inch::cli
