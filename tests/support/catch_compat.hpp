// Catch2 v2/v3 compatibility: include this header, never Catch2's own headers, in tests.
//
// The build defines ITERUM_CATCH_MAJOR (3 when a Catch2 v3 package is found, else 2, e.g. Debian
// bookworm's 2.13.10). Tests stick to the subset both majors share: TEST_CASE, SECTION,
// TEMPLATE_TEST_CASE, REQUIRE/CHECK, STATIC_REQUIRE, REQUIRE_THROWS_AS, REQUIRE_THAT with
// Catch::Matchers::WithinAbs/WithinRel/WithinULP and the string matchers, INFO, CAPTURE and
// GENERATE. Prefer matchers to Approx, which lives in a different place in each major.
#pragma once

#ifndef ITERUM_CATCH_MAJOR
#error "ITERUM_CATCH_MAJOR is not defined; build the tests through tests/CMakeLists.txt"
#endif

#if ITERUM_CATCH_MAJOR >= 3
#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_floating_point.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#else
#include <catch2/catch.hpp>
#endif
