#!/usr/bin/env bash
# Proves that the package arrows hold at build time (docs/design.md: core <- autograd <- nn; core <- optim;
# core <- data; nn, optim <- checkpoint; nn <- interop; nn, optim, data <- distributed when the build has MPI): a
# scratch file compiled with a package's own flags, as its sources are, must fail to compile when it
# includes a header of a package above or beside it, and must compile when it includes one it may use.
# Reads the flags from the build's compile_commands.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${XGRAD_BUILD_DIR:-$ROOT/build}"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT

# One header per package, to include.
declare -A HEADER=([core]=core/tensor.hpp [autograd]=autograd/ops.hpp [nn]=nn/module.hpp
  [optim]=optim/optimizer.hpp [data]=data/dataset.hpp [checkpoint]=checkpoint/checkpoint.hpp
  [distributed]=distributed/gradients.hpp [interop]=interop/safetensors.hpp)
# What each package may include; every other package is off limits.
declare -A ALLOWED=([core]="core" [autograd]="core autograd" [nn]="core autograd nn"
  [optim]="core optim" [data]="core data"
  [checkpoint]="core autograd nn optim checkpoint" [interop]="core autograd nn interop" [distributed]="core autograd nn optim data distributed")
PACKAGES=(core autograd nn optim data checkpoint interop)
# distributed/ is built only with MPI (-DXGRAD_WITH_MPI): probe it when this build has it.
if grep -q "CMakeFiles/xgrad_distributed.dir/" "$BUILD_DIR/compile_commands.json"; then PACKAGES+=(distributed); fi

# The compile command of one source file of the package's library, with its input and output left out.
# (A unity build compiles the library's sources through CMakeFiles/xgrad_PACKAGE.dir/Unity/*.cxx, so the
# command is found by its object folder, not by its source's path.)
flags_of() {
  python3 - "$BUILD_DIR/compile_commands.json" "CMakeFiles/xgrad_$1.dir/" <<'PY'
import json, shlex, sys
commands, objects = json.load(open(sys.argv[1])), sys.argv[2]
entry = next(c for c in commands if objects in c["command"])
words = shlex.split(entry["command"])
keep, skip = [], False
for word in words[1:]:
    if skip: skip = False; continue
    if word in ("-o", "-c"): skip = word == "-o"; continue
    if word == entry["file"] or word.startswith("-M"): continue
    keep.append(word)
print(words[0] + "\0" + "\0".join(keep))
PY
}

failures=0
for package in "${PACKAGES[@]}"; do
  mapfile -d '' -t command < <(flags_of "$package" | tr -d '\n')
  for other in "${PACKAGES[@]}"; do
    printf '#include <xgrad/%s>\n' "${HEADER[$other]}" >"$SCRATCH/probe.cpp"
    if "${command[@]}" -fsyntax-only "$SCRATCH/probe.cpp" 2>"$SCRATCH/error.txt"; then compiled=yes; else compiled=no; fi
    if [[ " ${ALLOWED[$package]} " == *" $other "* ]]; then
      expected=yes
    else
      expected=no
      # It must fail for the right reason: the header is not there, not some other error.
      if [[ $compiled == no ]] && ! grep -q "No such file" "$SCRATCH/error.txt"; then compiled=other-error; fi
    fi
    if [[ $compiled != "$expected" ]]; then
      echo "check_layers: $package including <xgrad/${HEADER[$other]}>: expected compiles=$expected, got $compiled" >&2
      cat "$SCRATCH/error.txt" >&2
      failures=$((failures + 1))
    fi
  done
done
if ((failures > 0)); then exit 1; fi
echo "check_layers: $((${#PACKAGES[@]} * ${#PACKAGES[@]})) includes checked, every arrow holds (${#PACKAGES[@]} packages; upward includes do not compile)"
