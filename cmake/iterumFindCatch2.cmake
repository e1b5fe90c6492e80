# iterum_find_catch2(): looks for Catch2, v3 if installed, else v2 >= 2.13 (Debian bookworm ships
# 2.13.10), quietly. Sets ITERUM_CATCH2_FOUND, and ITERUM_CATCH_MAJOR (3 or 2) when found.
# A macro, so the imported targets and the CMAKE_MODULE_PATH entry for Catch.cmake that the
# package config adds land in the caller's directory scope (and so in its subdirectories).
#
# v2's version file uses SameMajorVersion, so the first call never accepts a v2 install.
macro(iterum_find_catch2)
  set(ITERUM_CATCH2_FOUND OFF)
  unset(ITERUM_CATCH_MAJOR)
  find_package(Catch2 3 QUIET)
  if(Catch2_FOUND)
    set(ITERUM_CATCH2_FOUND ON)
    set(ITERUM_CATCH_MAJOR 3)
  else()
    find_package(Catch2 2.13 QUIET)
    if(Catch2_FOUND)
      set(ITERUM_CATCH2_FOUND ON)
      set(ITERUM_CATCH_MAJOR 2)
    endif()
  endif()
endmacro()
