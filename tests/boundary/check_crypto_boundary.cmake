# cmake -DROOT=<dir> -DDIRS=<a,b,...> -P check_crypto_boundary.cmake
# Fails when a .cpp/.hpp under ROOT/<each of DIRS> calls a libsodium keyed
# hash, KDF or AEAD (crypto_generichash*, crypto_kdf_*, crypto_aead_*) or
# spells an "inch-... vN" label: key labels and constructions live in
# crypto/ (issue 8), so a second copy elsewhere cannot drift from the one
# the wire uses. Comments are ignored (they may quote a label).
cmake_minimum_required(VERSION 3.25)
string(REPLACE "," ";" dirs "${DIRS}")
set(sources "")
foreach(d ${dirs})
  if(IS_DIRECTORY "${ROOT}/${d}")
    file(GLOB_RECURSE found "${ROOT}/${d}/*.cpp" "${ROOT}/${d}/*.hpp")
    list(APPEND sources ${found})
  endif()
endforeach()
if(NOT sources)
  message(FATAL_ERROR "crypto boundary: no sources under ${ROOT} (${DIRS})")
endif()
set(failures "")
foreach(f ${sources})
  # One list element per line; ';' and brackets would split or join
  # elements, so they are replaced first (the patterns need neither).
  file(READ "${f}" content)
  string(REGEX REPLACE "[][;]" "_" content "${content}")
  string(REPLACE "\n" ";" lines "${content}")
  set(n 0)
  foreach(line IN LISTS lines)
    math(EXPR n "${n} + 1")
    string(REGEX REPLACE "//.*$" "" code "${line}")
    if(code MATCHES "crypto_(generichash|kdf_|aead_)")
      string(APPEND failures "\n  ${f}:${n} uses ${CMAKE_MATCH_0}")
    endif()
    if(code MATCHES "\"inch-[^\"]*v[0-9]+\"")
      string(APPEND failures "\n  ${f}:${n} defines the label ${CMAKE_MATCH_0}")
    endif()
  endforeach()
endforeach()
list(LENGTH sources count)
if(failures)
  message(FATAL_ERROR "key labels and constructions belong in crypto/:"
                      "${failures}\nAdd a function to crypto/ and call it.")
endif()
message(STATUS "crypto boundary: ${count} files outside crypto/, none "
               "derives a key or defines a label")
