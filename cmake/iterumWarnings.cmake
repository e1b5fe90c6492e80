# Warning policy for iterum's own targets (tests, examples, benchmarks). It is never applied to
# the INTERFACE library target, so consumers do not inherit it.
#
# Eigen reaches our targets through its imported target Eigen3::Eigen, whose include directory
# is therefore a SYSTEM include: diagnostics inside Eigen's headers are suppressed. Every flag
# below was checked against an Eigen-heavy translation unit (dense and sparse decompositions,
# fixed-size and Map types, float and double) with g++ 12 and clang++ 14 at -O0, -O2 and -O3 and
# under -fsanitize=address,undefined.
#
# Warnings are errors through the COMPILE_WARNING_AS_ERROR target property; to build anyway with
# a newer compiler that warns about something new, configure with
#   cmake --compile-no-warning-as-error ...

set(ITERUM_WARNINGS_COMMON
    -Wall
    -Wextra
    -Wpedantic
    -Wconversion
    -Wsign-conversion
    -Wshadow
    -Wold-style-cast
    -Wnon-virtual-dtor
    -Woverloaded-virtual
    -Wimplicit-fallthrough
    -Wcast-align
    -Wextra-semi)

set(ITERUM_WARNINGS_GNU -Wduplicated-cond -Wlogical-op)

set(ITERUM_WARNINGS_CLANG)

function(iterum_set_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 /permissive-)
  else()
    target_compile_options(${target} PRIVATE ${ITERUM_WARNINGS_COMMON})
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${target} PRIVATE ${ITERUM_WARNINGS_GNU})
    elseif(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
      target_compile_options(${target} PRIVATE ${ITERUM_WARNINGS_CLANG})
    endif()
  endif()
  set_target_properties(${target} PROPERTIES COMPILE_WARNING_AS_ERROR ON)
endfunction()
