// Running the real `inch` with a terminal as its standard input, as a
// person at a keyboard does: a fresh pseudo-terminal per run, with inch as
// the leader of a new session and that terminal as its controlling one, so
// code paths that only run on a terminal (the $EDITOR) can be tested.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/inch_process.hpp"

namespace inch::test {

// Runs `binary args...` in exactly `env`, stdin on a new pseudo-terminal
// (its foreground process group is the child's), stdout and stderr on
// pipes. What is written to the terminal is read and dropped. Kills the
// process and returns exit_code -1 with "timed out" in err after
// `deadline`; exit_code is 128+signal when the process was killed.
RunResult RunOnTerminal(
    const std::string& binary, const std::vector<std::string>& args,
    const EnvVars& env,
    std::chrono::seconds deadline = std::chrono::seconds(60));

}  // namespace inch::test
