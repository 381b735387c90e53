// Invariant checks that abort in every build. Use for programming errors
// only; bad input from users, files or peers returns an Error instead.
#pragma once

#include <cstdio>
#include <cstdlib>

#define INCH_CHECK(cond)                                                  \
  do {                                                                    \
    if (!(cond)) {                                                        \
      std::fprintf(stderr, "inch: invariant failed: %s (%s:%d)\n", #cond, \
                   __FILE__, __LINE__);                                   \
      std::abort();                                                       \
    }                                                                     \
  } while (0)
