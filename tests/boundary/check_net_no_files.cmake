# cmake -DNET_DIR=<dir> -P check_net_no_files.cmake
# Fails when a .cpp/.hpp under NET_DIR (comments included) names a file of
# the home (shared.db, journal.db, node.json, the old unpair notice file)
# or reaches for file I/O (fstream, fopen, std::filesystem, open/unlink/
# rename calls): net/ gets the store through store::SyncPort and where to
# watch through DaemonConfig, both filled in by cli/ (issue 8).
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/net_sources.cmake)
inch_net_sources("net files" sources)
set(names "shared\\.db|journal\\.db|node\\.json|unpair-pending|pending-unpair")
set(io "fstream|fopen|std::filesystem|<filesystem>|::open\\(|::unlink\\(|rename\\(")
set(failures "")
foreach(f ${sources})
  file(STRINGS "${f}" hits REGEX "${names}")
  foreach(h ${hits})
    string(APPEND failures "\n  ${f} names a file of the home: ${h}")
  endforeach()
  file(STRINGS "${f}" hits REGEX "${io}")
  foreach(h ${hits})
    string(APPEND failures "\n  ${f} does file I/O: ${h}")
  endforeach()
endforeach()
list(LENGTH sources count)
if(failures)
  message(FATAL_ERROR "net/ does no file I/O and knows no store file names:"
                      "${failures}\nAsk the store through store::SyncPort, "
                      "or take the path from DaemonConfig (cli/ fills it).")
endif()
message(STATUS "net files: ${count} files, none names a home file or does "
               "file I/O")
