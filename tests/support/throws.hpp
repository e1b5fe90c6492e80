#pragma once

// Test helper: run a callable that must throw iterum::invalid_argument and hand back the
// message, so tests can check that it names the function, the argument and the value.

#include <string>
#include <string_view>

#include "iterum/core/error.hpp"

namespace iterum::test {

/// The message of the iterum::invalid_argument that `f` throws, or "<no exception>".
template <class F>
std::string invalid_argument_message(F&& f) {
  try {
    f();
  } catch (const iterum::invalid_argument& e) {
    return e.what();
  }
  return "<no exception>";
}

inline bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

}  // namespace iterum::test
