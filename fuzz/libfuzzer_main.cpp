// libFuzzer entry point for one target: fuzz/CMakeLists.txt compiles this
// file once per target with INCH_FUZZ_TARGET naming its function.
#include <cstddef>
#include <cstdint>

#include "fuzz/targets/fuzz_targets.hpp"

#ifndef INCH_FUZZ_TARGET
#error \
    "INCH_FUZZ_TARGET must name a function from fuzz/targets/fuzz_targets.hpp"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  return inch::fuzz::INCH_FUZZ_TARGET(data, size);
}
