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
