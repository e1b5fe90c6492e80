# shellcheck shell=bash
# Sourced by cmake/tour.sh, cmake/test.sh and .ci/run:
#
#   source cmake/deps.sh                  # ensure the base packages
#   iterum_ensure_packages clang ...      # ensure more packages (Debian/Ubuntu names)
#
# On Debian/Ubuntu it installs only the packages dpkg reports missing (apt-get update first,
# no recommends), through sudo when not root. Elsewhere it only says what it would need.
# It also exports CMAKE_BUILD_PARALLEL_LEVEL (and CTEST_PARALLEL_LEVEL) = number of cores
# unless they are already set.

ITERUM_BASE_PACKAGES=(cmake make g++ libeigen3-dev catch2 libbenchmark-dev pkg-config
  dataset-fashion-mnist r-cran-matrix r-cran-dslabs
  liblinear-tools python3-sklearn)

# iterum_missing_packages PKG...: prints the packages dpkg does not report as installed.
iterum_missing_packages() {
  local pkg status
  for pkg in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != *" installed" ]]; then
      printf '%s\n' "$pkg"
    fi
  done
}

# iterum_ensure_packages PKG...: installs the missing ones; returns non-zero if it cannot.
iterum_ensure_packages() {
  if (($# == 0)); then
    return 0
  fi
  if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "iterum: not a Debian/Ubuntu system; make sure these (or your distribution's" \
      "equivalents) are installed: $*" >&2
    return 0
  fi

  local missing
  mapfile -t missing < <(iterum_missing_packages "$@")
  if ((${#missing[@]} == 0)); then
    return 0
  fi

  local -a as_root=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1; then
      as_root=(sudo)
    else
      echo "iterum: missing packages: ${missing[*]}" >&2
      echo "iterum: not root and no sudo; install them with:" >&2
      echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
      return 1
    fi
  fi

  echo "iterum: installing missing packages: ${missing[*]}" >&2
  if ! "${as_root[@]}" apt-get update -qq ||
    ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    echo "iterum: could not install: ${missing[*]}" >&2
    echo "iterum: install them yourself with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    return 1
  fi

  mapfile -t missing < <(iterum_missing_packages "${missing[@]}")
  if ((${#missing[@]} != 0)); then
    echo "iterum: still missing after apt-get install: ${missing[*]}" >&2
    return 1
  fi
}

if [[ -z "${CMAKE_BUILD_PARALLEL_LEVEL:-}" ]]; then
  CMAKE_BUILD_PARALLEL_LEVEL=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
  export CMAKE_BUILD_PARALLEL_LEVEL
fi
if [[ -z "${CTEST_PARALLEL_LEVEL:-}" ]]; then
  export CTEST_PARALLEL_LEVEL="$CMAKE_BUILD_PARALLEL_LEVEL"
fi

iterum_ensure_packages "${ITERUM_BASE_PACKAGES[@]}"
