#pragma once

/// @file version.hpp
/// @brief The library version, as macros and as constexpr values.

#define ITERUM_VERSION_MAJOR 0
#define ITERUM_VERSION_MINOR 1
#define ITERUM_VERSION_PATCH 0
#define ITERUM_VERSION_STRING "0.1.0"

namespace iterum {

inline constexpr int version_major = ITERUM_VERSION_MAJOR;
inline constexpr int version_minor = ITERUM_VERSION_MINOR;
inline constexpr int version_patch = ITERUM_VERSION_PATCH;
inline constexpr const char* version_string = ITERUM_VERSION_STRING;

}  // namespace iterum
