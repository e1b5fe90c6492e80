# Checks that the umbrella header includes every public header (script mode; the ctest
# iterum.umbrella runs it):
#   cmake -DITERUM_UMBRELLA=<include/iterum/iterum.hpp> -DITERUM_INCLUDE_DIR=<include>
#         -DITERUM_HEADER_LIST=<file with one header path per line> -P check_umbrella.cmake
#
# The public headers are the library's header list (ITERUM_HEADERS in the root CMakeLists.txt),
# minus every header under a detail/ folder and the umbrella itself. The umbrella must include
# each of them directly (#include "iterum/..." or <iterum/...>); an include of a header that does
# not exist is reported too. On failure the message names every missing header.

cmake_minimum_required(VERSION 3.25)

foreach(_var ITERUM_UMBRELLA ITERUM_INCLUDE_DIR ITERUM_HEADER_LIST)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "check_umbrella.cmake: -D${_var}=... is required")
  endif()
endforeach()

file(STRINGS "${ITERUM_HEADER_LIST}" _headers)
file(RELATIVE_PATH _umbrella_rel "${ITERUM_INCLUDE_DIR}" "${ITERUM_UMBRELLA}")

set(_public)
foreach(_hdr IN LISTS _headers)
  file(RELATIVE_PATH _rel "${ITERUM_INCLUDE_DIR}" "${_hdr}")
  if(_rel MATCHES "(^|/)detail/" OR _rel STREQUAL _umbrella_rel)
    continue()
  endif()
  list(APPEND _public "${_rel}")
endforeach()

file(STRINGS "${ITERUM_UMBRELLA}" _include_lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
set(_included)
foreach(_line IN LISTS _include_lines)
  if(_line MATCHES "#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"]")
    list(APPEND _included "${CMAKE_MATCH_1}")
  endif()
endforeach()

set(_missing)
foreach(_rel IN LISTS _public)
  if(NOT _rel IN_LIST _included)
    list(APPEND _missing "${_rel}")
  endif()
endforeach()

set(_stale)
foreach(_inc IN LISTS _included)
  if(_inc MATCHES "^iterum/" AND NOT EXISTS "${ITERUM_INCLUDE_DIR}/${_inc}")
    list(APPEND _stale "${_inc}")
  endif()
endforeach()

list(LENGTH _public _n_public)
if(_missing OR _stale)
  set(_msg "${ITERUM_UMBRELLA} is out of date:")
  if(_missing)
    list(LENGTH _missing _n)
    string(REPLACE ";" "\n    " _list "${_missing}")
    string(APPEND _msg "\n  it does not include ${_n} of the ${_n_public} public headers:\n"
           "    ${_list}")
  endif()
  if(_stale)
    string(REPLACE ";" "\n    " _list "${_stale}")
    string(APPEND _msg "\n  it includes headers that do not exist:\n    ${_list}")
  endif()
  string(APPEND _msg "\n  (public = every include/iterum/**/*.hpp outside detail/ folders)")
  message(FATAL_ERROR "${_msg}")
endif()
message(STATUS "${_umbrella_rel} includes all ${_n_public} public headers")
