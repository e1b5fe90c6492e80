#!/usr/bin/env bash
# Builds and runs the whole test suite: unit tests, compile-fail tests, examples, every ```cpp
# block of README.md and docs/*.md (label "docs") and the umbrella-header check (workflow preset
# "test", build tree build/test). Needs cmake, a C++20 compiler, Eigen and Catch2 (deps.sh
# installs the missing ones on Debian/Ubuntu); ccache is used only if you set
# CMAKE_CXX_COMPILER_LAUNCHER=ccache (as .ci/run does).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=cmake/deps.sh
source "$root/cmake/deps.sh"

cd "$root"
cmake --workflow --preset test
