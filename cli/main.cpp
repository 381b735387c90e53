// Entry point of the `inch` command: process hardening (no core dumps, not
// ptrace-able by other processes of the user), libsodium initialisation,
// and the last-resort catch for exceptions (style.md).
#include <sys/prctl.h>
#include <sys/resource.h>

#include <cstdio>
#include <exception>

#include "cli/app.hpp"
#include "crypto/secret.hpp"

int main(int argc, char** argv) {
  // A core dump would write the unlocked key to disk.
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (!inch::crypto::InitCrypto()) {
    std::fputs("inch: cannot initialise libsodium\n", stderr);
    return inch::cli::kExitUser;
  }
  try {
    return inch::cli::RunInch(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "inch: internal error: %s\n", e.what());
  } catch (...) {
    std::fputs("inch: internal error\n", stderr);
  }
  return inch::cli::kExitUser;
}
