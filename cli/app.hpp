// The whole `inch` command as a function, so main() stays tiny and tests
// or benches could drive it in-process. Maps errors to the exit codes of
// design.md §6.
#pragma once

#include "common/error.hpp"

namespace inch::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUser = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitLocked = 3;
inline constexpr int kExitUnreachable = 4;

// The exit code for an error code (never kExitOk).
int ExitCodeFor(Errc code);

// Parses argv, runs the chosen command, prints errors as one line
// "inch: <message>" on stderr (usage errors also print usage), and returns
// the exit code. Exceptions from CLI11 are handled here; others propagate
// to main.
int RunInch(int argc, char** argv);

}  // namespace inch::cli
