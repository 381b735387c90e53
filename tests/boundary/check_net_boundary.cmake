# cmake -DNET_DIR=<dir> -DNET_LINKS=<a,b,...> -P check_net_boundary.cmake
# Fails when a .cpp/.hpp under NET_DIR includes store/journal/ or when
# NET_LINKS (every library net/ links) names inch_journal.
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/net_sources.cmake)
inch_net_sources("net boundary" sources)
set(failures "")
foreach(f ${sources})
  file(STRINGS "${f}" hits REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]store/journal")
  foreach(h ${hits})
    string(APPEND failures "\n  ${f} includes journal code: ${h}")
  endforeach()
endforeach()
string(REPLACE "," ";" links "${NET_LINKS}")
if("inch_journal" IN_LIST links)
  string(APPEND failures "\n  inch_net links inch_journal (through: ${NET_LINKS})")
endif()
list(LENGTH sources count)
if(failures)
  message(FATAL_ERROR "net/ must not use the private journal (design.md §5):"
                      "${failures}\nMove what net needs into store/shared "
                      "or common, or keep it in cli/.")
endif()
message(STATUS "net boundary: ${count} files, none includes store/journal; "
               "inch_net links: ${NET_LINKS}")
