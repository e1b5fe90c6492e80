#!/usr/bin/env bash
# The solver tour: builds bench/compare (preset "tour") and runs it. Arguments are passed to
# iterum_compare, e.g. `bash cmake/tour.sh --repeat 15 --family linalg --csv`.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=cmake/deps.sh
source "$root/cmake/deps.sh"

(cd "$root" && cmake --workflow --preset tour) >&2

exec "$root/build/tour/bench/iterum_compare" "$@"
