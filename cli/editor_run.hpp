// Running the person's editor on a file while inch cannot be stopped
// half-way: SIGINT, SIGTERM, SIGHUP and SIGQUIT are held for as long as an
// EditorSignals object lives, so the caller always gets to wipe the file.
// The design is described in editor_run.cpp.
#pragma once

#include <signal.h>

#include <string>

#include "common/error.hpp"

namespace inch::cli {

// Blocks SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGCHLD in the calling thread
// (inch runs commands on one thread) from construction to destruction, when
// the old mask comes back. Create it before the file with the plaintext
// exists; Drain() and destroy it after the file is gone.
class EditorSignals {
 public:
  EditorSignals();
  ~EditorSignals();
  EditorSignals(const EditorSignals&) = delete;
  EditorSignals& operator=(const EditorSignals&) = delete;

  // The first stopping signal received (0: none). Any one cancels the edit.
  int caught() const { return caught_; }
  void Note(int sig) {
    if (caught_ == 0) caught_ = sig;
  }
  // Consumes the held signals still pending, noting stopping ones.
  void Drain();
  const sigset_t& held() const { return held_; }
  const sigset_t& old_mask() const { return old_; }

 private:
  sigset_t held_{};
  sigset_t old_{};
  int caught_ = 0;
};

// Runs `editor` (a shell command line, like $EDITOR: "nano", "code --wait")
// on `path` and waits for it to end. Any stopping signal received meanwhile
// is passed on to the editor and noted in `signals`; after SIGTERM, SIGHUP
// or SIGQUIT the editor gets 3 s to quit, then SIGKILL. kInvalidInput when
// a signal came (signals.caught() says which), the editor could not start,
// exited non-zero or was killed; the caller then discards the file.
Status RunEditor(const std::string& editor, const std::string& path,
                 EditorSignals& signals);

// "SIGTERM" for the stopping signals, else "signal N".
std::string SignalName(int sig);

}  // namespace inch::cli
