# Warnings for our own targets (generated protobuf code gets fewer).
function(inch_warnings target)
  # -Wconversion: narrowing that loses value (a size_t into an int, a
  # 64-bit counter into 32) must be spelt out with a cast.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor -Wold-style-cast
                                           -Wconversion)
  if(INCH_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# The first test target of a header set precompiles it; later ones reuse it.
function(inch_shared_test_pch target set)
  if(NOT INCH_PCH)
    return()
  endif()
  get_property(owner GLOBAL PROPERTY INCH_TEST_PCH_${set})
  if(owner)
    target_precompile_headers(${target} REUSE_FROM ${owner})
  else()
    target_precompile_headers(${target} PRIVATE ${ARGN})
    set_property(GLOBAL PROPERTY INCH_TEST_PCH_${set} ${target})
  endif()
endfunction()

# One GoogleTest binary per module, registered with CTest under LABELS.
function(inch_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  inch_warnings(${name})
  # A precompiled header pays off from a few files on (each costs ~15 s).
  list(LENGTH T_SOURCES count)
  # Test targets with the same header set share one precompiled header
  # (REUSE_FROM the first of them): the flags are the same, and each copy
  # cost up to 20 s of CPU. A mismatch would fail the build (-Winvalid-pch
  # with -Werror), never pass silently. Only the tests of net/ and cli/
  # link spdlog and protobuf, which the Asio set names (an unlinked one
  # fails at link time).
  if(count GREATER_EQUAL 4)
    if("inch_cli" IN_LIST T_LIBS OR "inch_net" IN_LIST T_LIBS)
      inch_shared_test_pch(${name} asio ${INCH_PCH_ASIO} <gtest/gtest.h> <nlohmann/json.hpp>)
    else()
      inch_shared_test_pch(${name} gtest <gtest/gtest.h>)
    endif()
  endif()
  inch_unity(${name})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    INCH_VECTORS_DIR="${INCH_VECTORS_DIR}"
    INCH_BINARY_DIR="${CMAKE_BINARY_DIR}"
    INCH_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  gtest_discover_tests(${name} PROPERTIES LABELS "${T_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()
