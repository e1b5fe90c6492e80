# Runs one compile-fail test (script mode):
#   cmake -DITERUM_BINARY_DIR=<build dir> -DITERUM_TARGET=<target> -DITERUM_SOURCE=<file.cpp>
#         [-DITERUM_CONFIG=<config>] -P check_compile_fail.cmake
#
# Passes only if
#   (a) building the target fails,
#   (b) the compiler output matches every regex given in the source on a line
#       `// expect-error: <regex>` (a CMake regex; it may not contain ';'), and
#   (c) the output has exactly one diagnostic line matching `error:` (iterum promises ONE
#       readable error, not a cascade). Source lines the compiler echoes back ("  12 | ...")
#       are not counted.
# On failure the full compiler output is printed.

foreach(_var ITERUM_BINARY_DIR ITERUM_TARGET ITERUM_SOURCE)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "check_compile_fail.cmake: -D${_var}=... is required")
  endif()
endforeach()

file(STRINGS "${ITERUM_SOURCE}" _expect_lines REGEX "//[ \t]*expect-error:")
set(_regexes)
foreach(_line IN LISTS _expect_lines)
  string(REGEX REPLACE "^.*//[ \t]*expect-error:[ \t]*" "" _re "${_line}")
  string(STRIP "${_re}" _re)
  if(NOT _re STREQUAL "")
    list(APPEND _regexes "${_re}")
  endif()
endforeach()
if(NOT _regexes)
  message(FATAL_ERROR "${ITERUM_SOURCE}: no `// expect-error: <regex>` line")
endif()

set(_config_args)
if(ITERUM_CONFIG)
  set(_config_args --config "${ITERUM_CONFIG}")
endif()

# A failed compile leaves no object file behind, so every run really compiles the source.
execute_process(
  COMMAND "${CMAKE_COMMAND}" --build "${ITERUM_BINARY_DIR}" --target "${ITERUM_TARGET}"
          ${_config_args}
  RESULT_VARIABLE _rc
  OUTPUT_VARIABLE _out
  ERROR_VARIABLE _out)

set(_problems)
if(_rc EQUAL 0)
  list(APPEND _problems "the target compiled, but it must not")
endif()

foreach(_re IN LISTS _regexes)
  if(NOT _out MATCHES "${_re}")
    list(APPEND _problems "the output does not match the expected regex: ${_re}")
  endif()
endforeach()

# Count diagnostic lines containing `error:`, ignoring echoed source lines (GCC/Clang print
# them as "  <line> | <code>" or plain indented code under the caret).
# (CMake lists treat ';' and unbalanced '[' ']' specially, so neutralize them in this copy.)
string(REPLACE ";" "," _flat "${_out}")
string(REPLACE "[" "(" _flat "${_flat}")
string(REPLACE "]" ")" _flat "${_flat}")
string(REPLACE "\n" ";" _lines "${_flat}")
set(_error_count 0)
set(_error_lines "")
foreach(_l IN LISTS _lines)
  if(_l MATCHES "error:" AND NOT _l MATCHES "^[ \t]*[0-9]*[ \t]*\\|")
    math(EXPR _error_count "${_error_count} + 1")
    string(APPEND _error_lines "    ${_l}\n")
  endif()
endforeach()
if(NOT _error_count EQUAL 1)
  list(APPEND _problems
       "expected exactly one line matching `error:`, found ${_error_count}:\n${_error_lines}")
endif()

if(_problems)
  string(REPLACE ";" "\n  - " _msg "${_problems}")
  message("---------------- build output of ${ITERUM_TARGET} ----------------\n${_out}"
          "------------------------------------------------------------------")
  message(FATAL_ERROR "compile-fail test ${ITERUM_TARGET} (${ITERUM_SOURCE}) failed:\n  - ${_msg}")
endif()

message(STATUS "compile-fail test ${ITERUM_TARGET}: failed to compile as expected "
               "(exit ${_rc}, one error matching ${_regexes})")
