#!/usr/bin/env bash
# Builds and runs the whole test suite: unit tests, compile-fail tests and examples
# (workflow preset "test", build tree build/test).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=cmake/deps.sh
source "$root/cmake/deps.sh"

cd "$root"
cmake --workflow --preset test
