# Runs one libFuzzer target for a bounded time (script mode; tests/fuzz/CMakeLists.txt adds it):
#   cmake -DITERUM_FUZZER=<executable> -DITERUM_CORPUS=<seed dir> -DITERUM_SCRATCH=<dir>
#         -DITERUM_SECONDS=<n> -P run_fuzzer.cmake
#
# The seeds are copied to <scratch>/corpus (libFuzzer adds the inputs it finds interesting to
# its corpus directory; the committed seeds stay untouched) and the fuzzer runs with
#   -max_total_time=<n> -timeout=10 -rss_limit_mb=2048
# Any finding makes libFuzzer exit non-zero: the test fails, printing libFuzzer's output, and
# the input is kept in <scratch>/artifacts/ (reproduce with `<executable> <that file>`).
# On success it prints one line with the executions from libFuzzer's final statistics.

foreach(_var ITERUM_FUZZER ITERUM_CORPUS ITERUM_SCRATCH ITERUM_SECONDS)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "run_fuzzer.cmake: -D${_var}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${ITERUM_SCRATCH}")
file(MAKE_DIRECTORY "${ITERUM_SCRATCH}/corpus" "${ITERUM_SCRATCH}/artifacts")
file(GLOB _seeds "${ITERUM_CORPUS}/*")
if(NOT _seeds)
  message(FATAL_ERROR "run_fuzzer.cmake: no seed inputs in ${ITERUM_CORPUS}")
endif()
file(COPY ${_seeds} DESTINATION "${ITERUM_SCRATCH}/corpus")

execute_process(
  COMMAND
    "${ITERUM_FUZZER}" -max_total_time=${ITERUM_SECONDS} -timeout=10 -rss_limit_mb=2048
    -print_final_stats=1 "-artifact_prefix=${ITERUM_SCRATCH}/artifacts/" "${ITERUM_SCRATCH}/corpus"
  WORKING_DIRECTORY "${ITERUM_SCRATCH}"
  RESULT_VARIABLE _rc
  OUTPUT_VARIABLE _out
  ERROR_VARIABLE _out)
file(WRITE "${ITERUM_SCRATCH}/fuzz.log" "${_out}")

get_filename_component(_name "${ITERUM_FUZZER}" NAME)
file(GLOB _artifacts "${ITERUM_SCRATCH}/artifacts/*")
if(NOT _rc EQUAL 0 OR _artifacts)
  # libFuzzer's report from its first error line on (the whole output is in fuzz.log).
  set(_report_at -1)
  foreach(_marker "runtime error:" "==ERROR:" "ERROR: libFuzzer" "ALARM:" "==WARNING:")
    string(FIND "${_out}" "${_marker}" _at)
    if(_at GREATER_EQUAL 0 AND (_report_at EQUAL -1 OR _at LESS _report_at))
      set(_report_at ${_at})
    endif()
  endforeach()
  if(_report_at GREATER_EQUAL 0)
    string(SUBSTRING "${_out}" 0 ${_report_at} _before)
    string(FIND "${_before}" "\n" _line_start REVERSE) # from the start of that line
    math(EXPR _line_start "${_line_start} + 1")
    string(SUBSTRING "${_out}" ${_line_start} -1 _out)
  endif()
  message("${_out}")
  message(FATAL_ERROR "${_name}: a finding (exit ${_rc}); full output in "
                      "${ITERUM_SCRATCH}/fuzz.log; input(s) kept: ${_artifacts}; "
                      "reproduce with: ${ITERUM_FUZZER} <input>")
endif()

string(REGEX MATCH "stat::number_of_executed_units: *([0-9]+)" _ "${_out}")
set(_executions "${CMAKE_MATCH_1}")
string(REGEX MATCH "stat::peak_rss_mb: *([0-9]+)" _ "${_out}")
set(_rss "${CMAKE_MATCH_1}")
string(REGEX MATCH "stat::new_units_added: *([0-9]+)" _ "${_out}")
set(_new "${CMAKE_MATCH_1}")
if(_executions STREQUAL "")
  message("${_out}")
  message(FATAL_ERROR "${_name}: libFuzzer's final statistics are missing from its output")
endif()
message("${_name}: ${_executions} executions in ${ITERUM_SECONDS} s, no finding "
        "(${_new} new corpus inputs, peak RSS ${_rss} MB)")
