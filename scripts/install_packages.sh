#!/usr/bin/env bash
# Installs the given Debian packages that are not installed yet (as root), or says how to (otherwise).
# Used by scripts/setup.sh (the build's packages), .ci/run and scripts/bench.sh (Google Benchmark,
# libtorch) and scripts/fuzz.sh (clang).
#   scripts/install_packages.sh clang libbenchmark-dev
set -euo pipefail

missing=()
for package in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
((${#missing[@]} > 0)) || exit 0

if [[ $(id -u) -eq 0 ]]; then
  echo "xgrad: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "xgrad: these Debian packages are missing: ${missing[*]}" >&2
  echo "Install them as root, then run this again:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
