# Included by the net/ boundary checks: every .cpp/.hpp under NET_DIR into
# `out`, failing (with `label` in the message) when there is none, so a
# wrong folder can never make a check pass.
function(inch_net_sources label out)
  if(NOT IS_DIRECTORY "${NET_DIR}")
    message(FATAL_ERROR "${label}: no folder ${NET_DIR}")
  endif()
  file(GLOB_RECURSE sources "${NET_DIR}/*.cpp" "${NET_DIR}/*.hpp")
  if(NOT sources)
    message(FATAL_ERROR "${label}: no sources under ${NET_DIR}")
  endif()
  set(${out} "${sources}" PARENT_SCOPE)
endfunction()
