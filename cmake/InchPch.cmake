# Precompiled headers for the targets with many translation units: Boost.Asio,
# protobuf, spdlog, nlohmann/json, CLI11 and GoogleTest are most of what each
# of their files parses (~300,000 lines), so parsing them once per target
# instead of once per file halves those targets' build. Only system headers
# go in: a header of ours keeps its own #pragma (net/asio.hpp silences one
# g++ warning) and is still included by every file that uses it, so each
# file also builds without the precompiled header (INCH_PCH=OFF).
option(INCH_PCH "Precompile the big third-party headers" ON)

function(inch_precompile target)
  if(INCH_PCH)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()

# Asio needs <utility> first (Boost 1.74 with g++ 12, see net/asio.hpp).
set(INCH_PCH_ASIO <utility> <boost/asio.hpp> <spdlog/spdlog.h>
    <google/protobuf/message_lite.h>)

# Unity builds for CI (scripts/build.sh asan): a target's files are
# compiled a few at a time as one translation unit, so the Asio, GoogleTest
# and protobuf templates they share are instantiated and compiled once per
# batch, not once per file. Off by default: a plain build keeps one unit
# per file, which is what an editor and an incremental rebuild want. So
# every file must build both ways: names in the anonymous namespaces of one
# target's files must not clash.
option(INCH_UNITY "Compile each target's files in batches (unity build)" OFF)
# 12 files a batch: on 2 cores that cut the sanitized build's compile CPU
# by about a quarter against 6 (inch_cli: 238 s -> 164 s), with enough
# batches left to keep both cores busy.
set(INCH_UNITY_BATCH 12 CACHE STRING "Files per unity batch")
function(inch_unity target)
  if(INCH_UNITY)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON
                                               UNITY_BUILD_BATCH_SIZE ${INCH_UNITY_BATCH})
    # g++ warns of a type with internal linkage (a lambda, an anonymous
    # namespace's struct) in a coroutine frame only when the code is in an
    # included file, taking it for a header shared between units. In a
    # batch every .cpp is an included file, and none is shared.
    target_compile_options(${target} PRIVATE -Wno-subobject-linkage)
  endif()
endfunction()
