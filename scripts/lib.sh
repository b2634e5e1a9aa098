# Shared by scripts/demo, scripts/test and scripts/bench: install what is missing, configure, build.
# Sourced, not run. Idempotent, and quiet when nothing is missing.
set -euo pipefail
DJFLOW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DJFLOW_BUILD=${DJFLOW_BUILD:-$DJFLOW_ROOT/build}

# Debian 12 packages djflow builds and runs with (see docs/decisions/0001-dependencies.md).
DJFLOW_PACKAGES=(
  g++ cmake ninja-build pkg-config git
  libboost1.81-dev libsqlite3-dev libspdlog-dev libfmt-dev catch2 libcli11-dev
  nlohmann-json3-dev libssl-dev openssl tzdata ca-certificates python3
  clang-14 libclang-rt-14-dev libfuzzer-14-dev
  libminizip-dev zlib1g-dev libexpat1-dev libxlsxwriter-dev python3-openpyxl python3-icalendar
  chromium chromium-driver python3-selenium fonts-wqy-microhei
  postgresql libpq-dev
)

djflow_install_deps() {
  local missing=() p
  for p in "${DJFLOW_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "djflow: installing missing packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # Boost 1.74 -dev packages conflict with 1.81; a machine that has them gets 1.81 instead.
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Sets the array named $1 to the CMake options that compile through ccache, when it is installed
# (it is optional: a fresh machine builds without it). ccache is shared by every clone and build
# folder: paths under the clone are rewritten relative to it (BASEDIR) and the build folder's path
# is left out of the hash (NOHASHDIR, which -g would otherwise include), so a CI run on a fresh
# clone reuses what any earlier build compiled. DJFLOW_CCACHE=0 turns it off.
djflow_ccache() {
  local -n out=$1
  out=()
  if [ "${DJFLOW_CCACHE:-1}" != 0 ] && command -v ccache >/dev/null 2>&1; then
    export CCACHE_BASEDIR="$DJFLOW_ROOT" CCACHE_NOHASHDIR=1
    out=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  fi
}

djflow_build() {
  local type=${DJFLOW_BUILD_TYPE:-RelWithDebInfo}
  local launcher=()
  djflow_ccache launcher
  if [ ! -f "$DJFLOW_BUILD/build.ninja" ]; then
    # DJFLOW_CMAKE_ARGS: extra options of a separate build folder (.ci/run: -DDJFLOW_SANITIZE=ON).
    # shellcheck disable=SC2086
    cmake -S "$DJFLOW_ROOT" -B "$DJFLOW_BUILD" -G Ninja -DCMAKE_BUILD_TYPE="$type" "${launcher[@]}" \
      ${DJFLOW_CMAKE_ARGS:-} >/dev/null
  fi
  # MSM translation units take ~500 MB each; two jobs fit any machine we target.
  cmake --build "$DJFLOW_BUILD" -j "${DJFLOW_JOBS:-2}" -- --quiet
}
